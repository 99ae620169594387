//! Writing the ledger: receipts and issues checked and recorded, corrected
//! and voided, with every change kept in `booklet_entry_changes`.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{named_params, params, Connection, OptionalExtension, Transaction};

use super::stock::{check_issue, check_never_negative};
use super::{
    entry, source_label, Entry, EntryInput, Kind, EDITION_LABEL, MAX_QUANTITY, RECIPIENT_TYPES,
    SOURCES, UNKNOWN_STAFF,
};
use crate::store::{iso, optional_id, parse_iso, stamp};
use crate::text::{self, Range};
use crate::{wareki, Error, Result};

// ------------------------------------------------------------ validation

/// A checked entry, with the names needed for history and messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Clean {
    pub(super) kind: Kind,
    pub(super) date: NaiveDate,
    pub(super) edition_id: String,
    pub(super) edition_label: String,
    pub(super) quantity: i64,
    pub(super) source: Option<String>,
    pub(super) channel_id: Option<String>,
    pub(super) channel_name: String,
    pub(super) recipient_type: String,
    pub(super) recipient_name: String,
    pub(super) city_id: Option<String>,
    pub(super) city_name: String,
    pub(super) note: String,
}

/// A choice from a list the form offers: its id and the name `sql` gives
/// for it. Nothing chosen or an id that is gone is refused naming `field`.
fn chosen(
    conn: &Connection,
    sql: &str,
    field: &str,
    what: &str,
    value: &str,
) -> Result<(String, String)> {
    let Some(id) = optional_id(field, value)? else {
        return Err(Error::invalid(field, format!("{what}を選んでください。")));
    };
    let name = conn
        .query_row(sql, [&id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| {
            Error::invalid(
                field,
                format!("選ばれた{what}が見つかりません。画面を開き直してください。"),
            )
        })?;
    Ok((id, name))
}

fn validate_entry(conn: &Connection, input: &EntryInput, today: NaiveDate) -> Result<Clean> {
    if input.entry_date.chars().count() > 40 {
        return Err(Error::invalid(
            "entry_date",
            "日付を読み取れません。令和7年4月1日 や 2025-04-01 の形で入力してください。",
        ));
    }
    let date = wareki::parse_date("entry_date", &input.entry_date)?;
    if date > today {
        return Err(Error::invalid(
            "entry_date",
            format!(
                "日付が未来になっています（{}）。今日（{}）までの日付を入力してください。",
                wareki::format_date(date),
                wareki::format_date(today)
            ),
        ));
    }
    let (edition_id, edition_label) =
        chosen(conn, EDITION_LABEL, "edition_id", "版", &input.edition_id)?;
    let mut clean = Clean {
        kind: input.kind,
        date,
        edition_id,
        edition_label,
        quantity: text::required_count(
            "quantity",
            "冊数",
            &input.quantity,
            Range::new(1, MAX_QUANTITY),
        )?,
        source: None,
        channel_id: None,
        channel_name: String::new(),
        recipient_type: String::new(),
        recipient_name: String::new(),
        city_id: None,
        city_name: String::new(),
        note: text::single_line("note", "備考", &input.note, 200, false)?,
    };
    match input.kind {
        Kind::Receipt => {
            let source = input.source.trim();
            if !SOURCES.iter().any(|(c, _)| *c == source) {
                return Err(Error::invalid(
                    "source",
                    "入庫元を「印刷・寄贈・その他」から選んでください。",
                ));
            }
            clean.source = Some(source.to_string());
        }
        Kind::Issue => {
            let (channel_id, channel_name) = chosen(
                conn,
                "SELECT name FROM booklet_channels WHERE id = ?1",
                "channel_id",
                "配布経路",
                &input.channel_id,
            )?;
            (clean.channel_id, clean.channel_name) = (Some(channel_id), channel_name);
            let recipient_type = input.recipient_type.trim();
            if !recipient_type.is_empty() && !RECIPIENT_TYPES.contains(&recipient_type) {
                return Err(Error::invalid(
                    "recipient_type",
                    "配布先の種別を一覧から選んでください。",
                ));
            }
            clean.recipient_type = recipient_type.to_string();
            clean.recipient_name = text::single_line(
                "recipient_name",
                "配布先（氏名・団体名）",
                &input.recipient_name,
                100,
                false,
            )?;
            if !input.city_id.trim().is_empty() {
                let (city_id, city_name) = chosen(
                    conn,
                    "SELECT name FROM cities WHERE id = ?1",
                    "city_id",
                    "市",
                    &input.city_id,
                )?;
                (clean.city_id, clean.city_name) = (Some(city_id), city_name);
            }
        }
    }
    Ok(clean)
}

fn staff(changed_by: &str) -> Result<String> {
    let name = text::single_line("changed_by", "担当者名", changed_by, 50, false)?;
    Ok(if name.is_empty() {
        UNKNOWN_STAFF.to_string()
    } else {
        name
    })
}

/// The entry as it was stored, to compare a correction with.
fn clean_of(entry: &Entry) -> Result<Clean> {
    let some = |s: &String| Some(s.clone()).filter(|s| !s.is_empty());
    Ok(Clean {
        kind: entry.kind,
        date: parse_iso(&entry.entry_date)?,
        edition_id: entry.edition_id.clone(),
        edition_label: entry.edition_label.clone(),
        quantity: entry.quantity,
        source: some(&entry.source),
        channel_id: some(&entry.channel_id),
        channel_name: entry.channel_name.clone(),
        recipient_type: entry.recipient_type.clone(),
        recipient_name: entry.recipient_name.clone(),
        city_id: some(&entry.city_id),
        city_name: entry.city_name.clone(),
        note: entry.note.clone(),
    })
}

/// What the history shows of an entry, field by field.
fn shown_fields(c: &Clean) -> [(&'static str, String); 9] {
    [
        ("日付", wareki::format_date(c.date)),
        ("版", c.edition_label.clone()),
        ("冊数", c.quantity.to_string()),
        (
            "入庫元",
            source_label(c.source.as_deref().unwrap_or("")).to_string(),
        ),
        ("配布経路", c.channel_name.clone()),
        ("配布先種別", c.recipient_type.clone()),
        ("配布先", c.recipient_name.clone()),
        ("市", c.city_name.clone()),
        ("備考", c.note.clone()),
    ]
}

/// The fields that differ, as (label, old, new) for the history.
fn differences(old: &Clean, new: &Clean) -> Vec<(&'static str, String, String)> {
    shown_fields(old)
        .into_iter()
        .zip(shown_fields(new))
        .filter(|((_, a), (_, b))| a != b)
        .map(|((label, a), (_, b))| (label, a, b))
        .collect()
}

// --------------------------------------------------------------- writing

fn log_change(
    tx: &Transaction,
    entry_id: &str,
    (at, by): (&str, &str),
    action: &str,
    (field, old, new): (&str, &str, &str),
) -> Result<()> {
    tx.execute(
        "INSERT INTO booklet_entry_changes (entry_id, changed_at, changed_by, action, field, old_value, new_value)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![entry_id, at, by, action, field, old, new],
    )?;
    Ok(())
}

/// Writes a new entry, or the corrected fields of entry `id`: its kind and
/// who created it when are never overwritten.
fn write_entry(tx: &Transaction, id: &str, c: &Clean, (at, by): (&str, &str)) -> Result<()> {
    tx.execute(
        "INSERT INTO booklet_entries (id, kind, entry_date, edition_id, quantity, source,
                channel_id, recipient_type, recipient_name, city_id, note,
                created_at, created_by, updated_at)
         VALUES (:id, :kind, :date, :edition, :quantity, :source,
                 :channel, :recipient_type, :recipient_name, :city, :note, :at, :by, :at)
         ON CONFLICT(id) DO UPDATE SET
                entry_date = excluded.entry_date, edition_id = excluded.edition_id,
                quantity = excluded.quantity, source = excluded.source,
                channel_id = excluded.channel_id, recipient_type = excluded.recipient_type,
                recipient_name = excluded.recipient_name, city_id = excluded.city_id,
                note = excluded.note, updated_at = excluded.updated_at",
        named_params! {
            ":id": id,
            ":kind": c.kind.code(),
            ":date": iso(c.date),
            ":edition": c.edition_id,
            ":quantity": c.quantity,
            ":source": c.source,
            ":channel": c.channel_id,
            ":recipient_type": c.recipient_type,
            ":recipient_name": c.recipient_name,
            ":city": c.city_id,
            ":note": c.note,
            ":at": at,
            ":by": by,
        },
    )?;
    Ok(())
}

/// Runs `change` in one transaction and reads back the entry it names.
fn in_transaction(
    conn: &mut Connection,
    change: impl FnOnce(&Transaction) -> Result<String>,
) -> Result<Entry> {
    let tx = conn.transaction()?;
    let id = change(&tx)?;
    tx.commit()?;
    entry(conn, &id)
}

/// Records a receipt or an issue. An issue larger than the stock is refused
/// with the stock in the message; nothing is written.
pub fn add_entry(
    conn: &mut Connection,
    input: &EntryInput,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<Entry> {
    in_transaction(conn, |tx| add_entry_in(tx, input, changed_by, now))
}

/// [`add_entry`] inside a transaction the caller commits (demo data).
pub(crate) fn add_entry_in(
    tx: &Transaction,
    input: &EntryInput,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<String> {
    let clean = validate_entry(tx, input, now.date())?;
    let by = staff(changed_by)?;
    if clean.kind == Kind::Issue {
        check_issue(tx, &clean, None)?;
    }
    let id = text::new_id();
    let at = stamp(now);
    write_entry(tx, &id, &clean, (&at, &by))?;
    let described = format!(
        "{} {} {}冊",
        clean.kind.label(),
        wareki::format_date(clean.date),
        clean.quantity
    );
    log_change(tx, &id, (&at, &by), "登録", ("", "", &described))?;
    Ok(id)
}

/// Corrects an entry; the old values go to its history. A receipt cannot
/// become an issue or the other way round (void it and enter it anew).
pub fn correct_entry(
    conn: &mut Connection,
    id: &str,
    input: &EntryInput,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<Entry> {
    in_transaction(conn, |tx| {
        let old = entry(tx, id)?;
        if old.voided {
            return Err(Error::Conflict(
                "取り消した記録は訂正できません。新しく登録してください。".into(),
            ));
        }
        if old.kind != input.kind {
            return Err(Error::Conflict(
                "入庫と配布を入れ替えることはできません。この記録を取り消して、新しく登録してください。".into(),
            ));
        }
        let clean = validate_entry(tx, input, now.date())?;
        let by = staff(changed_by)?;
        let before = clean_of(&old)?;
        let changes = differences(&before, &clean);
        if changes.is_empty() {
            return Ok(old.id);
        }
        if clean.kind == Kind::Issue {
            check_issue(tx, &clean, Some(&old.id))?;
        }
        let at = stamp(now);
        write_entry(tx, &old.id, &clean, (&at, &by))?;
        if clean.kind == Kind::Receipt {
            // Fewer copies, a later date or another edition can leave earlier
            // issues uncovered, in the old edition and the new one.
            let field = if clean.quantity != before.quantity {
                "quantity"
            } else if clean.date != before.date {
                "entry_date"
            } else {
                "edition_id"
            };
            check_never_negative(tx, &before.edition_id, field, "この訂正をする")?;
            check_never_negative(tx, &clean.edition_id, field, "この訂正をする")?;
        }
        for (field, from, to) in &changes {
            log_change(tx, &old.id, (&at, &by), "訂正", (field, from, to))?;
        }
        Ok(old.id)
    })
}

/// Voids an entry: it stays in the ledger, marked, and no longer counts.
/// Voiding a receipt that later issues depend on is refused.
pub fn void_entry(
    conn: &mut Connection,
    id: &str,
    reason: &str,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<Entry> {
    in_transaction(conn, |tx| void_entry_in(tx, id, reason, changed_by, now))
}

/// [`void_entry`] inside a transaction the caller commits.
pub(crate) fn void_entry_in(
    tx: &Transaction,
    id: &str,
    reason: &str,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<String> {
    let old = entry(tx, id)?;
    if old.voided {
        return Err(Error::Conflict("この記録は既に取り消されています。".into()));
    }
    let reason = text::single_line("void_reason", "取消の理由", reason, 200, false)?;
    let by = staff(changed_by)?;
    let at = stamp(now);
    tx.execute(
        "UPDATE booklet_entries SET voided_at = ?2, void_reason = ?3, updated_at = ?2 WHERE id = ?1",
        params![old.id, at, reason],
    )?;
    if old.kind == Kind::Receipt {
        check_never_negative(tx, &old.edition_id, "void_reason", "この入庫を取り消す")
            .map_err(|e| Error::Conflict(e.to_string()))?;
    }
    let shown = if reason.is_empty() {
        "理由の記入なし"
    } else {
        reason.as_str()
    };
    log_change(
        tx,
        &old.id,
        (&at, &by),
        "取消",
        ("状態", "有効", &format!("取消（{shown}）")),
    )?;
    Ok(old.id)
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::*;
    use super::*;
    use crate::store;

    pub(crate) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    pub(crate) fn now() -> NaiveDateTime {
        day(2025, 11, 24).and_hms_opt(10, 0, 0).unwrap()
    }

    pub(crate) fn setup() -> (Connection, String, String) {
        let mut conn = store::open_in_memory().unwrap();
        let edition = save_edition(
            &mut conn,
            &EditionInput {
                title: "私の意志表示帳".into(),
                edition: "第2版 令和元年12月".into(),
                low_stock_threshold: "50".into(),
                ..Default::default()
            },
            now(),
        )
        .unwrap();
        let channel = channels(&conn).unwrap().remove(0).id;
        (conn, edition.id, channel)
    }

    pub(crate) fn receipt(edition: &str, date: &str, qty: i64) -> EntryInput {
        EntryInput::receipt(edition, date, qty, "print")
    }

    pub(crate) fn issue(edition: &str, channel: &str, date: &str, qty: i64) -> EntryInput {
        EntryInput::issue(edition, date, qty, channel)
    }

    #[test]
    fn stock_is_receipts_minus_issues_and_voids_do_not_count() {
        let (mut conn, ed, ch) = setup();
        add_entry(&mut conn, &receipt(&ed, "2025-04-01", 100), "山田", now()).unwrap();
        let i1 = add_entry(&mut conn, &issue(&ed, &ch, "2025-05-01", 30), "山田", now()).unwrap();
        add_entry(&mut conn, &issue(&ed, &ch, "2025-06-01", 20), "", now()).unwrap();
        assert_eq!(stock(&conn, &ed).unwrap(), 50);
        let voided = void_entry(&mut conn, &i1.id, "二重入力", "山田", now()).unwrap();
        assert!(voided.voided);
        assert_eq!(stock(&conn, &ed).unwrap(), 80);
        let e = editions(&conn).unwrap().remove(0);
        assert_eq!(
            (e.received, e.issued, e.stock, e.low_stock),
            (100, 20, 80, false)
        );
    }

    #[test]
    fn corrections_change_stock_and_keep_history() {
        let (mut conn, ed, ch) = setup();
        add_entry(&mut conn, &receipt(&ed, "2025-04-01", 100), "山田", now()).unwrap();
        let i = add_entry(&mut conn, &issue(&ed, &ch, "2025-05-01", 3), "", now()).unwrap();
        assert_eq!(i.created_by, UNKNOWN_STAFF);
        let later = now() + chrono::Duration::minutes(5);
        let correct = |conn: &mut Connection, qty| {
            let input = issue(&ed, &ch, "2025-05-02", qty);
            correct_entry(conn, &i.id, &input, "佐藤", later)
        };
        let fixed = correct(&mut conn, 5).unwrap();
        assert_eq!(fixed.quantity, 5);
        assert_eq!(fixed.corrections, 1);
        assert_eq!(stock(&conn, &ed).unwrap(), 95);
        let h = history(&conn, &i.id).unwrap();
        assert_eq!(h[0].action, "登録");
        let changed: Vec<(&str, &str, &str, &str)> = h[1..]
            .iter()
            .map(|c| {
                (
                    c.field.as_str(),
                    c.old_value.as_str(),
                    c.new_value.as_str(),
                    c.changed_by.as_str(),
                )
            })
            .collect();
        assert_eq!(
            changed,
            [
                ("日付", "令和7年5月1日", "令和7年5月2日", "佐藤"),
                ("冊数", "3", "5", "佐藤")
            ]
        );
        // Correcting an issue beyond the stock is refused.
        let err = correct(&mut conn, 101).unwrap_err();
        assert_eq!(err.field(), Some("quantity"));
        assert!(err.to_string().contains("100冊"), "{err}");
        assert_eq!(stock(&conn, &ed).unwrap(), 95);
    }

    #[test]
    fn bad_input_is_refused_with_the_field() {
        let (mut conn, ed, ch) = setup();
        add_entry(&mut conn, &receipt(&ed, "2025-04-01", 10), "", now()).unwrap();
        let cases = [
            (issue(&ed, &ch, "2025-05-01", 0), "quantity"),
            (issue(&ed, &ch, "2025-05-01", -2), "quantity"),
            (issue(&ed, &ch, "2025-11-25", 1), "entry_date"),
            (issue(&ed, &ch, "2025-05-01", 11), "quantity"),
            (issue(&text::new_id(), &ch, "2025-05-01", 1), "edition_id"),
            (issue(&ed, &text::new_id(), "2025-05-01", 1), "channel_id"),
            (issue(&ed, "", "2025-05-01", 1), "channel_id"),
            (issue(&ed, &ch, "きのう", 1), "entry_date"),
            (
                EntryInput {
                    source: "stolen".into(),
                    ..receipt(&ed, "2025-05-01", 1)
                },
                "source",
            ),
            (
                EntryInput {
                    city_id: text::new_id(),
                    ..issue(&ed, &ch, "2025-05-01", 1)
                },
                "city_id",
            ),
        ];
        for (input, field) in cases {
            let err = add_entry(&mut conn, &input, "", now()).unwrap_err();
            assert_eq!(err.field(), Some(field), "{input:?}: {err}");
        }
        let count: i64 = conn
            .query_row("SELECT count(*) FROM booklet_entries", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 1);
        // Full-width digits from an IME are fine.
        let ok = add_entry(
            &mut conn,
            &EntryInput {
                quantity: "３".into(),
                ..issue(&ed, &ch, "令和7年5月1日", 0)
            },
            "",
            now(),
        )
        .unwrap();
        assert_eq!(ok.quantity, 3);
    }
}
