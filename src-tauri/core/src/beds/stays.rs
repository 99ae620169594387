//! 利用記録: one stay in the reserved bed. A stay needs a registration
//! valid on its 入院日 and may not overlap another stay of the same
//! person; one longer than [`USUAL_STAY_DAYS`] is flagged but saved.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{named_params, Connection};
use serde::{Deserialize, Serialize};

use super::reasons::{reasons, Reason};
use super::registrations::registered_on;
use super::rota::holder_on;
use super::{days_inclusive, USUAL_STAY_DAYS};
use crate::cases::search::fold;
use crate::csv::{self, Cell};
use crate::period::day_range;
use crate::store::{iso, known_id, parse_iso, stamp};
use crate::{text, wareki, Error, Result};

/// 転帰 of a stay (a fixed list: the scheme reports these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Home,
    Continuing,
    Facility,
    Death,
    Other,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Home,
        Outcome::Continuing,
        Outcome::Facility,
        Outcome::Death,
        Outcome::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Outcome::Home => "home",
            Outcome::Continuing => "continuing",
            Outcome::Facility => "facility",
            Outcome::Death => "death",
            Outcome::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Home => "自宅へ退院",
            Outcome::Continuing => "入院継続",
            Outcome::Facility => "施設",
            Outcome::Death => "死亡",
            Outcome::Other => "その他",
        }
    }

    fn from_code(code: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.code() == code)
    }

    /// An outcome that ends the stay, so it needs a 退院日.
    fn ends_stay(self) -> bool {
        matches!(self, Outcome::Home | Outcome::Facility | Outcome::Death)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stay {
    pub id: String,
    pub person_id: String,
    pub person_name: String,
    pub person_kana: String,
    pub bed_id: String,
    pub hospital: String,
    pub admitted_on: String,
    /// 令和7年4月1日（火）
    pub admitted_label: String,
    pub discharged_on: Option<String>,
    /// Empty while in hospital.
    pub discharged_label: String,
    /// 入院日〜退院日 inclusive; while in hospital, up to today.
    pub days: i64,
    pub in_hospital: bool,
    /// Longer than [`USUAL_STAY_DAYS`].
    pub long: bool,
    pub reason_id: String,
    pub reason: String,
    /// home, continuing, …; empty when not recorded.
    pub outcome: String,
    pub outcome_label: String,
    pub case_id: Option<String>,
    /// 相談記録 No.12, or empty.
    pub case_label: String,
    pub notes: String,
    /// Said after saving and in the list: 14日を超えています（18日）.
    pub warning: Option<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StayInput {
    pub id: Option<String>,
    pub person_id: String,
    pub bed_id: String,
    pub admitted_on: String,
    /// Empty while in hospital.
    pub discharged_on: String,
    pub reason_id: String,
    /// An [`Outcome`] code, or empty.
    pub outcome: String,
    pub case_id: String,
    pub notes: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StayFilter {
    /// Part of the name, ふりがな or hospital.
    pub query: String,
    /// Stays with a day in from..to (either may be blank).
    pub from: String,
    pub to: String,
    pub in_hospital_only: bool,
}

fn long_warning(days: i64) -> Option<String> {
    (days > USUAL_STAY_DAYS).then(|| {
        format!("利用が{USUAL_STAY_DAYS}日を超えています（{days}日）。延長の理由を備考に記録してください。")
    })
}

const SELECT: &str = "
    SELECT s.id, s.person_id, p.name, p.kana, s.bed_id, b.hospital, s.admitted_on,
           s.discharged_on, s.reason_id, r.name, s.outcome, s.case_id,
           (SELECT case_no FROM cases WHERE id = s.case_id), s.notes, s.updated_at
      FROM bed_stays s
      JOIN persons p ON p.id = s.person_id
      JOIN support_beds b ON b.id = s.bed_id
      JOIN bed_stay_reasons r ON r.id = s.reason_id";

fn read(conn: &Connection, where_sql: &str, param: &str, today: NaiveDate) -> Result<Vec<Stay>> {
    let sql = format!("{SELECT} {where_sql} ORDER BY s.admitted_on DESC, p.kana_key");
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = if param.is_empty() {
        stmt.query([])?
    } else {
        stmt.query([param])?
    };
    let mut list = Vec::new();
    while let Some(r) = rows.next()? {
        let admitted = parse_iso(&r.get::<_, String>(6)?)?;
        let discharged: Option<String> = r.get(7)?;
        let discharged_day = discharged.as_deref().map(parse_iso).transpose()?;
        let end = discharged_day.unwrap_or(today.max(admitted));
        let days = days_inclusive(admitted, end);
        let outcome: String = r.get(10)?;
        let case_no: Option<i64> = r.get(12)?;
        list.push(Stay {
            id: r.get(0)?,
            person_id: r.get(1)?,
            person_name: r.get(2)?,
            person_kana: r.get(3)?,
            bed_id: r.get(4)?,
            hospital: r.get(5)?,
            admitted_on: iso(admitted),
            admitted_label: wareki::format_date_with_weekday(admitted),
            discharged_label: discharged_day
                .map(wareki::format_date_with_weekday)
                .unwrap_or_default(),
            discharged_on: discharged,
            days,
            in_hospital: discharged_day.is_none(),
            long: days > USUAL_STAY_DAYS,
            reason_id: r.get(8)?,
            reason: r.get(9)?,
            outcome_label: Outcome::from_code(&outcome)
                .map(|o| o.label().to_string())
                .unwrap_or_default(),
            outcome,
            case_id: r.get(11)?,
            case_label: case_no
                .map(|n| format!("相談記録 No.{n}"))
                .unwrap_or_default(),
            notes: r.get(13)?,
            warning: long_warning(days),
            updated_at: r.get(14)?,
        });
    }
    Ok(list)
}

/// The stays matching `filter`, newest admission first.
pub fn stays(conn: &Connection, filter: &StayFilter, today: NaiveDate) -> Result<Vec<Stay>> {
    let (from, to) = day_range(&filter.from, &filter.to)?;
    let needle = fold(filter.query.trim());
    Ok(read(conn, "", "", today)?
        .into_iter()
        .filter(|s| !filter.in_hospital_only || s.in_hospital)
        .filter(|s| to.is_none_or(|t| s.admitted_on <= iso(t)))
        .filter(|s| {
            from.is_none_or(|f| {
                s.discharged_on
                    .as_deref()
                    .is_none_or(|d| d >= iso(f).as_str())
            })
        })
        .filter(|s| {
            needle.is_empty()
                || [&s.person_name, &s.person_kana, &s.hospital]
                    .iter()
                    .any(|t| fold(t).contains(&needle))
        })
        .collect())
}

pub fn stay(conn: &Connection, id: &str, today: NaiveDate) -> Result<Stay> {
    read(conn, "WHERE s.id = ?1", id, today)?
        .into_iter()
        .next()
        .ok_or(Error::NotFound {
            what: "療養支援ベッドの利用記録",
        })
}

/// The checked stay form.
struct Clean {
    person_id: String,
    bed_id: String,
    admitted: NaiveDate,
    discharged: Option<NaiveDate>,
    reason_id: String,
    outcome: Option<Outcome>,
    case_id: Option<String>,
    notes: String,
}

fn check(conn: &Connection, input: &StayInput) -> Result<Clean> {
    let person_id = known_id(conn, "persons", "person_id", "対象者", &input.person_id)?
        .ok_or_else(|| Error::invalid("person_id", "利用した人（事前登録者）を選んでください。"))?;
    let bed_id = known_id(conn, "support_beds", "bed_id", "病院", &input.bed_id)?
        .ok_or_else(|| Error::invalid("bed_id", "病院を選んでください。"))?;
    let admitted = super::required_day("admitted_on", "入院日", &input.admitted_on)?;
    let discharged = super::typed_day("discharged_on", "退院日", &input.discharged_on)?;
    if discharged.is_some_and(|d| d < admitted) {
        return Err(Error::invalid(
            "discharged_on",
            "退院日は入院日と同じか後の日付にしてください。",
        ));
    }
    let reason_id = known_id(
        conn,
        "bed_stay_reasons",
        "reason_id",
        "利用理由",
        &input.reason_id,
    )?
    .ok_or_else(|| Error::invalid("reason_id", "利用理由を選んでください。"))?;
    let outcome = match input.outcome.trim() {
        "" => None,
        code => Some(
            Outcome::from_code(code)
                .ok_or_else(|| Error::invalid("outcome", "転帰を一覧から選んでください。"))?,
        ),
    };
    if let Some(o) = outcome.filter(|o| o.ends_stay() && discharged.is_none()) {
        return Err(Error::invalid(
            "discharged_on",
            format!("転帰が「{}」のときは退院日を入力してください。", o.label()),
        ));
    }
    let case_id = known_id(conn, "cases", "case_id", "相談記録", &input.case_id)?;
    if let Some(case_id) = &case_id {
        let owner: String = conn.query_row(
            "SELECT person_id FROM cases WHERE id = ?1",
            [case_id],
            |r| r.get(0),
        )?;
        if owner != person_id {
            return Err(Error::invalid(
                "case_id",
                "選ばれた相談記録は別の対象者のものです。",
            ));
        }
    }
    Ok(Clean {
        person_id,
        bed_id,
        admitted,
        discharged,
        reason_id,
        outcome,
        case_id,
        notes: text::multi_line("notes", "備考", &input.notes, 2000)?,
    })
}

/// The refusals that depend on the person's other records: no
/// registration valid on the 入院日, or a stay whose days overlap.
fn check_person(conn: &Connection, id: &str, c: &Clean, today: NaiveDate) -> Result<()> {
    if !registered_on(conn, &c.person_id, c.admitted)? {
        let name: String = conn.query_row(
            "SELECT name FROM persons WHERE id = ?1",
            [&c.person_id],
            |r| r.get(0),
        )?;
        return Err(Error::invalid(
            "person_id",
            format!(
                "{name}さんには入院日（{}）に有効な事前登録がありません。同意書の日付から有効期限までの入院だけを記録できます。先に事前登録をしてください。",
                wareki::format_date(c.admitted)
            ),
        ));
    }
    // Two stays overlap when each begins before the other ends; a stay
    // still in hospital has no end.
    let end = c.discharged.map(iso);
    let other: Option<String> = conn
        .query_row(
            "SELECT id FROM bed_stays
              WHERE person_id = :person AND id <> :id
                AND admitted_on <= coalesce(:end, '9999-12-31')
                AND coalesce(discharged_on, '9999-12-31') >= :start
              ORDER BY admitted_on LIMIT 1",
            named_params! {":person": c.person_id, ":id": id, ":end": end, ":start": iso(c.admitted)},
            |r| r.get(0),
        )
        .ok();
    if let Some(other) = other {
        let o = stay(conn, &other, today)?;
        let until = if o.in_hospital {
            "入院中".to_string()
        } else {
            o.discharged_label.clone()
        };
        return Err(Error::invalid(
            "admitted_on",
            format!(
                "同じ人の利用記録（{}〜{}、{}）と期間が重なっています。入院日・退院日を確かめてください。",
                o.admitted_label, until, o.hospital
            ),
        ));
    }
    Ok(())
}

/// Creates or updates a stay in one transaction. The answer carries a
/// warning when the stay is longer than the norm.
pub fn save_stay(conn: &mut Connection, input: &StayInput, now: NaiveDateTime) -> Result<Stay> {
    let today = now.date();
    let clean = check(conn, input)?;
    let tx = conn.transaction()?;
    let id = match input.id.as_deref() {
        Some(id) => {
            let id = text::uuid("id", id)?;
            stay(&tx, &id, today)?;
            id
        }
        None => text::new_id(),
    };
    check_person(&tx, &id, &clean, today)?;
    tx.execute(
        "INSERT INTO bed_stays (id, person_id, bed_id, admitted_on, discharged_on, reason_id,
                outcome, case_id, notes, created_at, updated_at)
         VALUES (:id, :person_id, :bed_id, :admitted_on, :discharged_on, :reason_id, :outcome,
                 :case_id, :notes, :now, :now)
         ON CONFLICT(id) DO UPDATE SET person_id = excluded.person_id,
                bed_id = excluded.bed_id, admitted_on = excluded.admitted_on,
                discharged_on = excluded.discharged_on, reason_id = excluded.reason_id,
                outcome = excluded.outcome, case_id = excluded.case_id,
                notes = excluded.notes, updated_at = excluded.updated_at",
        named_params! {
            ":id": id, ":person_id": clean.person_id, ":bed_id": clean.bed_id,
            ":admitted_on": iso(clean.admitted), ":discharged_on": clean.discharged.map(iso),
            ":reason_id": clean.reason_id, ":outcome": clean.outcome.map_or("", Outcome::code),
            ":case_id": clean.case_id, ":notes": clean.notes, ":now": stamp(now),
        },
    )?;
    tx.commit()?;
    stay(conn, &id, today)
}

pub fn delete_stay(conn: &Connection, id: &str) -> Result<()> {
    let id = text::uuid("id", id)?;
    if conn.execute("DELETE FROM bed_stays WHERE id = ?1", [&id])? == 0 {
        return Err(Error::NotFound {
            what: "療養支援ベッドの利用記録",
        });
    }
    Ok(())
}

// ------------------------------------------------------------- the form

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisteredPerson {
    pub id: String,
    pub name: String,
    pub kana: String,
    /// 山田 花子（やまだ はなこ）昭和15年4月2日生
    pub label: String,
    /// The person's 相談記録 a stay may be linked to, newest first.
    pub cases: Vec<Choice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StayForm {
    /// Persons with at least one registration.
    pub persons: Vec<RegisteredPerson>,
    /// Hospitals with support beds (registered ones; 登録終了 marked).
    pub hospitals: Vec<Choice>,
    pub reasons: Vec<Reason>,
    pub outcomes: Vec<Choice>,
    /// The day the form opens for (2025-04-01) and its holder, the
    /// hospital a new stay defaults to.
    pub day: String,
    pub day_label: String,
    pub default_bed_id: Option<String>,
}

fn registered_persons(conn: &Connection) -> Result<Vec<RegisteredPerson>> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT p.id, p.name, p.kana, p.birth_date, p.kana_key, p.name_key FROM persons p
           JOIN bed_registrations g ON g.person_id = p.id ORDER BY p.kana_key, p.name_key",
    )?;
    let people: Vec<(String, String, String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut cases = conn.prepare(
        "SELECT id, case_no, received_at FROM cases WHERE person_id = ?1 ORDER BY received_at DESC",
    )?;
    people
        .into_iter()
        .map(|(id, name, kana, birth)| {
            let birth = birth.as_deref().map(parse_iso).transpose()?;
            let label = format!(
                "{name}{}{}",
                if kana.is_empty() {
                    String::new()
                } else {
                    format!("（{kana}）")
                },
                birth
                    .map(|b| format!(" {}生", wareki::format_date(b)))
                    .unwrap_or_default()
            );
            let linked = cases
                .query_map([&id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })?
                .map(|row| {
                    let (id, no, at) = row?;
                    let at = crate::store::parse_stamp(&at)?;
                    Ok(Choice {
                        id,
                        label: format!("No.{no}（{}受付）", wareki::format_date(at.date())),
                    })
                })
                .collect::<Result<_>>()?;
            Ok(RegisteredPerson {
                id,
                name,
                kana,
                label,
                cases: linked,
            })
        })
        .collect()
}

/// What the stay form offers, opened for `day` (blank: today): the
/// registered persons with their cases, the hospitals, reasons and
/// outcomes, and that day's rota holder as the default hospital.
pub fn stay_form(conn: &Connection, day: &str, today: NaiveDate) -> Result<StayForm> {
    let day = super::typed_day("day", "日付", day)?.unwrap_or(today);
    let hospitals = crate::registries::beds(
        conn,
        &crate::registries::BedFilter {
            include_retired: true,
            ..Default::default()
        },
    )?
    .into_iter()
    .map(|b| Choice {
        label: if b.retired {
            format!("{}（登録終了）", b.hospital)
        } else {
            b.hospital
        },
        id: b.id,
    })
    .collect();
    Ok(StayForm {
        persons: registered_persons(conn)?,
        hospitals,
        reasons: reasons(conn)?,
        outcomes: Outcome::ALL
            .iter()
            .map(|o| Choice {
                id: o.code().into(),
                label: o.label().into(),
            })
            .collect(),
        day: iso(day),
        day_label: wareki::format_date_with_weekday(day),
        default_bed_id: holder_on(conn, day)?.and_then(|d| d.bed_id),
    })
}

// ------------------------------------------------------------- CSV

const STAY_COLUMNS: &[csv::Column<Stay>] = &[
    ("入院日", |s| s.admitted_label.clone().into()),
    ("退院日", |s| {
        if s.in_hospital {
            "入院中".into()
        } else {
            s.discharged_label.clone().into()
        }
    }),
    ("日数", |s| Cell::Number(s.days)),
    ("14日超", |s| crate::registries::flag(s.long).into()),
    ("氏名", |s| s.person_name.clone().into()),
    ("ふりがな", |s| s.person_kana.clone().into()),
    ("病院", |s| s.hospital.clone().into()),
    ("利用理由", |s| s.reason.clone().into()),
    ("転帰", |s| s.outcome_label.clone().into()),
    ("相談記録", |s| s.case_label.clone().into()),
    ("備考", |s| s.notes.clone().into()),
];

/// The stays of the list (its filter applies) as CSV.
pub fn stays_csv(conn: &Connection, filter: &StayFilter, today: NaiveDate) -> Result<csv::Csv> {
    Ok(csv::from_columns(
        STAY_COLUMNS,
        &stays(conn, filter, today)?,
    ))
}

/// Writes the stays' CSV into `dir` as 療養支援ベッド利用記録_<time>.csv.
pub fn export_stays_to_folder(
    conn: &Connection,
    filter: &StayFilter,
    dir: &std::path::Path,
    now: NaiveDateTime,
) -> Result<std::path::PathBuf> {
    let csv = stays_csv(conn, filter, now.date())?;
    csv::write_to_folder(dir, "療養支援ベッド利用記録", now, &csv.bytes)
}
