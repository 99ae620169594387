//! Writing the ledger: receipts and issues checked and recorded, corrected
//! and voided, with every change kept in `booklet_entry_changes`.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::stock::{check_issue, check_never_negative};
use super::{
    entry, source_label, Entry, EntryInput, Kind, RECIPIENT_TYPES, SOURCES, UNKNOWN_STAFF,
};
use crate::store::{iso, stamp};
use crate::{text, wareki, Error, Result};

const MAX_QUANTITY: i64 = 100_000;

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

/// Typed text quoted back in a message, cut short so the message stays readable.
fn shown(value: &str) -> String {
    if value.chars().count() > 20 {
        format!("{}…", value.chars().take(20).collect::<String>())
    } else {
        value.to_string()
    }
}

pub(super) fn parse_quantity(field: &str, label: &str, value: &str, min: i64) -> Result<i64> {
    let folded = text::fold_ascii_width(value.trim()).replace(',', "");
    let folded = folded.trim();
    let n: i64 = folded.parse().map_err(|_| {
        if folded.is_empty() {
            Error::invalid(field, format!("{label}を入力してください。"))
        } else {
            Error::invalid(
                field,
                format!(
                    "{label}は数字で入力してください（いま「{}」）。",
                    shown(value.trim())
                ),
            )
        }
    })?;
    if n < min {
        return Err(Error::invalid(
            field,
            format!("{label}は{min}以上で入力してください（いま{n}）。"),
        ));
    }
    if n > MAX_QUANTITY {
        return Err(Error::invalid(
            field,
            format!("{label}は{MAX_QUANTITY}以下で入力してください（いま{n}）。"),
        ));
    }
    Ok(n)
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
    let edition_id = if input.edition_id.trim().is_empty() {
        return Err(Error::invalid("edition_id", "版を選んでください。"));
    } else {
        text::uuid("edition_id", input.edition_id.trim())?
    };
    let edition_label: String = conn
        .query_row(
            "SELECT title || ' ' || edition FROM booklet_editions WHERE id = ?1",
            [&edition_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| {
            Error::invalid(
                "edition_id",
                "選ばれた版が見つかりません。画面を開き直してください。",
            )
        })?;
    let quantity = parse_quantity("quantity", "冊数", &input.quantity, 1)?;
    let note = text::single_line("note", "備考", &input.note, 200, false)?;
    let mut clean = Clean {
        kind: input.kind,
        date,
        edition_id,
        edition_label,
        quantity,
        source: None,
        channel_id: None,
        channel_name: String::new(),
        recipient_type: String::new(),
        recipient_name: String::new(),
        city_id: None,
        city_name: String::new(),
        note,
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
            let channel = input.channel_id.trim();
            if channel.is_empty() {
                return Err(Error::invalid("channel_id", "配布経路を選んでください。"));
            }
            let channel_id = text::uuid("channel_id", channel)?;
            clean.channel_name = conn
                .query_row(
                    "SELECT name FROM booklet_channels WHERE id = ?1",
                    [&channel_id],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or_else(|| {
                    Error::invalid(
                        "channel_id",
                        "選ばれた配布経路が見つかりません。画面を開き直してください。",
                    )
                })?;
            clean.channel_id = Some(channel_id);
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
            let city = input.city_id.trim();
            if !city.is_empty() {
                let city_id = text::uuid("city_id", city)?;
                clean.city_name = conn
                    .query_row("SELECT name FROM cities WHERE id = ?1", [&city_id], |r| {
                        r.get(0)
                    })
                    .optional()?
                    .ok_or_else(|| {
                        Error::invalid(
                            "city_id",
                            "選ばれた市が見つかりません。画面を開き直してください。",
                        )
                    })?;
                clean.city_id = Some(city_id);
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

fn log_change(
    tx: &Transaction,
    entry_id: &str,
    at: &str,
    by: &str,
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

/// Records a receipt or an issue. An issue larger than the stock is refused
/// with the stock in the message; nothing is written.
pub fn add_entry(
    conn: &mut Connection,
    input: &EntryInput,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<Entry> {
    let tx = conn.transaction()?;
    let id = add_entry_in(&tx, input, changed_by, now)?;
    tx.commit()?;
    entry(conn, &id)
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
    tx.execute(
        "INSERT INTO booklet_entries (id, kind, entry_date, edition_id, quantity, source, channel_id,
                recipient_type, recipient_name, city_id, note, created_at, created_by, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?12)",
        params![
            id,
            clean.kind.code(),
            iso(clean.date),
            clean.edition_id,
            clean.quantity,
            clean.source,
            clean.channel_id,
            clean.recipient_type,
            clean.recipient_name,
            clean.city_id,
            clean.note,
            at,
            by
        ],
    )?;
    log_change(tx, &id, &at, &by, "登録", ("", "", &describe(&clean)))?;
    Ok(id)
}

fn describe(c: &Clean) -> String {
    format!(
        "{} {} {}冊",
        c.kind.label(),
        wareki::format_date(c.date),
        c.quantity
    )
}

fn clean_of(entry: &Entry) -> Result<Clean> {
    Ok(Clean {
        kind: entry.kind,
        date: NaiveDate::parse_from_str(&entry.entry_date, "%Y-%m-%d").map_err(|_| {
            Error::Corrupt(format!(
                "意志表示帳の記録の日付が読めません（{}）",
                entry.entry_date
            ))
        })?,
        edition_id: entry.edition_id.clone(),
        edition_label: entry.edition_label.clone(),
        quantity: entry.quantity,
        source: Some(entry.source.clone()).filter(|s| !s.is_empty()),
        channel_id: Some(entry.channel_id.clone()).filter(|s| !s.is_empty()),
        channel_name: entry.channel_name.clone(),
        recipient_type: entry.recipient_type.clone(),
        recipient_name: entry.recipient_name.clone(),
        city_id: Some(entry.city_id.clone()).filter(|s| !s.is_empty()),
        city_name: entry.city_name.clone(),
        note: entry.note.clone(),
    })
}

/// The fields that differ, as (label, old, new) for the history.
fn differences(old: &Clean, new: &Clean) -> Vec<(&'static str, String, String)> {
    let source = |c: &Clean| source_label(c.source.as_deref().unwrap_or("")).to_string();
    let pairs = [
        (
            "日付",
            wareki::format_date(old.date),
            wareki::format_date(new.date),
        ),
        ("版", old.edition_label.clone(), new.edition_label.clone()),
        ("冊数", old.quantity.to_string(), new.quantity.to_string()),
        ("入庫元", source(old), source(new)),
        (
            "配布経路",
            old.channel_name.clone(),
            new.channel_name.clone(),
        ),
        (
            "配布先種別",
            old.recipient_type.clone(),
            new.recipient_type.clone(),
        ),
        (
            "配布先",
            old.recipient_name.clone(),
            new.recipient_name.clone(),
        ),
        ("市", old.city_name.clone(), new.city_name.clone()),
        ("備考", old.note.clone(), new.note.clone()),
    ];
    pairs.into_iter().filter(|(_, a, b)| a != b).collect()
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
    let old = entry(conn, id)?;
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
    let clean = validate_entry(conn, input, now.date())?;
    let by = staff(changed_by)?;
    let before = clean_of(&old)?;
    let changes = differences(&before, &clean);
    if changes.is_empty() {
        return Ok(old);
    }
    let tx = conn.transaction()?;
    if clean.kind == Kind::Issue {
        check_issue(&tx, &clean, Some(&old.id))?;
    }
    let at = stamp(now);
    tx.execute(
        "UPDATE booklet_entries SET entry_date = ?2, edition_id = ?3, quantity = ?4, source = ?5,
                channel_id = ?6, recipient_type = ?7, recipient_name = ?8, city_id = ?9, note = ?10,
                updated_at = ?11
          WHERE id = ?1",
        params![
            old.id,
            iso(clean.date),
            clean.edition_id,
            clean.quantity,
            clean.source,
            clean.channel_id,
            clean.recipient_type,
            clean.recipient_name,
            clean.city_id,
            clean.note,
            at
        ],
    )?;
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
        check_never_negative(&tx, &before.edition_id, field, "この訂正をする")?;
        check_never_negative(&tx, &clean.edition_id, field, "この訂正をする")?;
    }
    for (field, from, to) in &changes {
        log_change(&tx, &old.id, &at, &by, "訂正", (field, from, to))?;
    }
    tx.commit()?;
    entry(conn, &old.id)
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
    let tx = conn.transaction()?;
    let id = void_entry_in(&tx, id, reason, changed_by, now)?;
    tx.commit()?;
    entry(conn, &id)
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
        &at,
        &by,
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
        EntryInput {
            kind: Kind::Receipt,
            entry_date: date.into(),
            edition_id: edition.into(),
            quantity: qty.to_string(),
            source: "print".into(),
            channel_id: String::new(),
            recipient_type: String::new(),
            recipient_name: String::new(),
            city_id: String::new(),
            note: String::new(),
        }
    }

    pub(crate) fn issue(edition: &str, channel: &str, date: &str, qty: i64) -> EntryInput {
        EntryInput {
            kind: Kind::Issue,
            source: String::new(),
            channel_id: channel.into(),
            ..receipt(edition, date, qty)
        }
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
        let fixed = correct_entry(
            &mut conn,
            &i.id,
            &issue(&ed, &ch, "2025-05-02", 5),
            "佐藤",
            later,
        )
        .unwrap();
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
        let err = correct_entry(
            &mut conn,
            &i.id,
            &issue(&ed, &ch, "2025-05-02", 101),
            "佐藤",
            later,
        )
        .unwrap_err();
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
