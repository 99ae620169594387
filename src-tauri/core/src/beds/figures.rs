//! The yearly figures of the 補助事業: 登録者数 (new in the period, and
//! valid on its last day — 3月31日 for a 年度), and 利用件数 and 延べ利用日数
//! by reason, by hospital and by month.
//!
//! - 利用件数: stays whose 入院日 falls in the period (a month: in that month).
//! - 延べ利用日数: the days of every stay that fall within the period (a
//!   month: within that month), 入院日 and 退院日 both counted; a stay still
//!   in hospital counts up to the output date. A stay from 3月28日 to
//!   4月3日 is 1 件 and 4 日 in the earlier 年度, 0 件 and 3 日 in the next.
//! - 新規登録者数: persons whose first registration (同意書の日付) falls in
//!   the period; 期間末の登録者数: persons with a registration valid on the
//!   period's last day.
//! - For a city's report, the persons whose 市 is that city.

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

use super::days_inclusive;
use crate::csv::{self, Cell};
use crate::period::{month_label, ReportPeriod, Span};
use crate::store::{iso, parse_iso};
use crate::{wareki, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BedTally {
    pub name: String,
    /// 利用件数
    pub stays: i64,
    /// 延べ利用日数
    pub days: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BedFigures {
    /// 令和7年度
    pub label: String,
    /// 令和8年3月31日: the day 期間末の登録者数 is counted on.
    pub end_label: String,
    pub new_registrants: i64,
    pub registrants_at_end: i64,
    pub stays: i64,
    pub days: i64,
    /// Stays admitted in the period longer than 14 days.
    pub long_stays: i64,
    pub by_reason: Vec<BedTally>,
    pub by_hospital: Vec<BedTally>,
    pub by_month: Vec<BedTally>,
}

impl BedFigures {
    /// The breakdowns under their table names, in the report's order.
    pub fn tables(&self) -> [(&'static str, &[BedTally]); 3] {
        [
            ("利用理由別", &self.by_reason),
            ("病院別", &self.by_hospital),
            ("月別", &self.by_month),
        ]
    }
}

/// One stay as the figures need it.
struct StayDays {
    admitted: NaiveDate,
    end: NaiveDate,
    reason_id: String,
    bed_id: String,
}

/// The days of `first..=last` (inclusive) that fall in `from..=to`.
fn overlap(first: NaiveDate, last: NaiveDate, from: NaiveDate, to: NaiveDate) -> i64 {
    let (a, b) = (first.max(from), last.min(to));
    if a > b {
        0
    } else {
        days_inclusive(a, b)
    }
}

fn tally(name: String, stays: &[&StayDays], from: NaiveDate, to: NaiveDate) -> BedTally {
    BedTally {
        name,
        stays: stays
            .iter()
            .filter(|s| s.admitted >= from && s.admitted <= to)
            .count() as i64,
        days: stays
            .iter()
            .map(|s| overlap(s.admitted, s.end, from, to))
            .sum(),
    }
}

fn named(conn: &Connection, sql: &str) -> Result<Vec<(String, String, bool)>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The figures of `span` for the persons of `city` (all when `None`);
/// stays still in hospital count up to `today`.
pub fn figures_in(
    conn: &Connection,
    span: &Span,
    city: Option<&str>,
    today: NaiveDate,
) -> Result<BedFigures> {
    let (first, last) = (iso(span.first), iso(span.last));
    let mut stmt = conn.prepare(
        "SELECT s.admitted_on, s.discharged_on, s.reason_id, s.bed_id FROM bed_stays s
           JOIN persons p ON p.id = s.person_id
          WHERE s.admitted_on <= ?2 AND coalesce(s.discharged_on, '9999-12-31') >= ?1
            AND (?3 IS NULL OR p.city_id = ?3)",
    )?;
    let rows = stmt.query_map(rusqlite::params![first, last, city], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut stays = Vec::new();
    for row in rows {
        let (admitted, discharged, reason_id, bed_id) = row?;
        let admitted = parse_iso(&admitted)?;
        let end = match discharged {
            Some(d) => parse_iso(&d)?,
            None => today.max(admitted),
        };
        stays.push(StayDays {
            admitted,
            end,
            reason_id,
            bed_id,
        });
    }
    let all: Vec<&StayDays> = stays.iter().collect();
    let whole = tally(String::new(), &all, span.first, span.last);
    let breakdown = |items: Vec<(String, String, bool)>, key: fn(&StayDays) -> &str| {
        items
            .into_iter()
            .map(|(id, name, retired)| {
                let mine: Vec<&StayDays> = stays.iter().filter(|s| key(s) == id).collect();
                (retired, tally(name, &mine, span.first, span.last))
            })
            // A retired reason or hospital shows only with figures.
            .filter(|(retired, t)| !retired || t.stays + t.days > 0)
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
    };
    let by_reason = breakdown(
        named(
            conn,
            "SELECT id, name, retired FROM bed_stay_reasons ORDER BY sort_order, name",
        )?,
        |s| &s.reason_id,
    );
    let by_hospital = breakdown(
        named(
            conn,
            "SELECT id, hospital, retired FROM support_beds ORDER BY hospital",
        )?,
        |s| &s.bed_id,
    );
    let by_month = span
        .months
        .iter()
        .map(|m| {
            let month_end = m
                .checked_add_months(chrono::Months::new(1))
                .and_then(|d| d.pred_opt())
                .unwrap_or(*m);
            tally(month_label(*m), &all, *m, month_end)
        })
        .collect();
    let long_stays = stays
        .iter()
        .filter(|s| s.admitted >= span.first && s.admitted <= span.last)
        .filter(|s| days_inclusive(s.admitted, s.end) > super::USUAL_STAY_DAYS)
        .count() as i64;
    let (new_registrants, registrants_at_end): (i64, i64) = conn.query_row(
        "SELECT
            (SELECT count(*) FROM (SELECT g.person_id FROM bed_registrations g
                                     JOIN persons p ON p.id = g.person_id
                                    WHERE ?3 IS NULL OR p.city_id = ?3
                                    GROUP BY g.person_id
                                   HAVING min(g.consent_on) BETWEEN ?1 AND ?2)),
            (SELECT count(DISTINCT g.person_id) FROM bed_registrations g
               JOIN persons p ON p.id = g.person_id
              WHERE ?2 BETWEEN g.consent_on AND g.valid_until
                AND (?3 IS NULL OR p.city_id = ?3))",
        rusqlite::params![first, last, city],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(BedFigures {
        label: span.label.clone(),
        end_label: wareki::format_date(span.last),
        new_registrants,
        registrants_at_end,
        stays: whole.stays,
        days: whole.days,
        long_stays,
        by_reason,
        by_hospital,
        by_month,
    })
}

/// The figures of a 年度 or month range for the whole office.
pub fn figures(conn: &Connection, period: &ReportPeriod, today: NaiveDate) -> Result<BedFigures> {
    figures_in(conn, &period.span()?, None, today)
}

/// The figures as rows of (表, 区分, 指標, 値), the report's own shape.
pub fn figure_rows(f: &BedFigures) -> Vec<(String, String, &'static str, i64)> {
    let mut rows = vec![
        (
            "登録者数".to_string(),
            "新規登録者数".to_string(),
            "人数",
            f.new_registrants,
        ),
        (
            "登録者数".to_string(),
            format!("期間末（{}）の登録者数", f.end_label),
            "人数",
            f.registrants_at_end,
        ),
        ("利用".to_string(), "合計".to_string(), "利用件数", f.stays),
        (
            "利用".to_string(),
            "合計".to_string(),
            "延べ利用日数",
            f.days,
        ),
        (
            "利用".to_string(),
            "うち14日超".to_string(),
            "利用件数",
            f.long_stays,
        ),
    ];
    for (table, tallies) in f.tables() {
        for t in tallies {
            rows.push((table.to_string(), t.name.clone(), "利用件数", t.stays));
            rows.push((table.to_string(), t.name.clone(), "延べ利用日数", t.days));
        }
    }
    rows
}

/// The figures as CSV: 表, 区分, 指標, 値.
pub fn figures_csv(f: &BedFigures) -> csv::Csv {
    let rows: Vec<Vec<Cell>> = figure_rows(f)
        .into_iter()
        .map(|(table, name, measure, value)| {
            vec![
                table.into(),
                name.into(),
                measure.into(),
                Cell::Number(value),
            ]
        })
        .collect();
    csv::Csv::new(&["表", "区分", "指標", "値"], &rows)
}

/// Writes the figures' CSV into `dir` as 療養支援ベッド集計_<period>_<time>.csv.
pub fn export_figures_to_folder(
    conn: &Connection,
    period: &ReportPeriod,
    dir: &std::path::Path,
    now: chrono::NaiveDateTime,
) -> Result<std::path::PathBuf> {
    let f = figures(conn, period, now.date())?;
    let stem = format!("療養支援ベッド集計_{}", f.label);
    csv::write_to_folder(dir, &stem, now, &figures_csv(&f).bytes)
}
