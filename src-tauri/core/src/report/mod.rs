//! 集計・報告 (DESIGN.md §6): the figures of the cities' yearly 事業報告 for a
//! 年度 or a month range, in the order of the programme items ア〜ク. Items
//! the app keeps no data for are left out rather than filled with guesses.
//!
//! Definitions (also printed on the report, see [`definitions`]):
//! - 受付件数: cases whose 受付日 is in the period.
//! - 経過記録: 経過記録 entries dated in the period, whatever the case's 受付日.
//! - 延べ件数 = 受付件数 + 経過記録.
//! - 実数: distinct persons (対象者) with at least one case received in the
//!   period; in a breakdown, distinct persons among that row's cases.
//!
//! Everything is read in three range queries (cases, entries, categories)
//! and tallied in Rust, so a year of a large office takes milliseconds.

mod consultations;
mod csv;

pub use self::consultations::{Consultations, Tally};
pub use self::csv::to_csv;

use self::consultations::month_index;

use rustc_hash::FxHashMap;

use chrono::{Datelike, Months, NaiveDate};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::lectures::{self, LectureFigures};
use crate::period::{Period, PeriodKind};
use crate::registries::{self, Counts};
use crate::{office, wareki, Error, Result};

/// The longest month range a report covers.
const MAX_MONTHS: usize = 24;

/// What the 集計 screen or the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum ReportPeriod {
    /// 年度: April of `year` to March of the next year.
    Fiscal { year: i32 },
    /// From the first day of `from` to the last day of `to` (both 2025-04).
    Months { from: String, to: String },
}

/// One row of a breakdown. `entries` are the 経過記録 in the period of the

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quantity {
    pub name: String,
    /// 冊数
    pub quantity: i64,
    /// 配布回数
    pub entries: i64,
}

/// 私の意志表示帳 distribution in the period (voided entries excluded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Booklets {
    pub issued: i64,
    pub issue_entries: i64,
    pub months: Vec<Quantity>,
    pub channels: Vec<Quantity>,
    pub cities: Vec<Quantity>,
}

/// 地域住民への普及啓発 (item キ).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Awareness {
    pub booklets: Booklets,
    /// 出前講座・市民公開講座・研修会 (held sessions in the period); `None`
    /// only for an app without the lectures capability.
    pub lectures: Option<LectureFigures>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Definition {
    pub term: String,
    pub text: String,
}

/// The whole report: every figure the screen, CSV and PDF show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub office_name: String,
    /// 令和7年度 在宅医療・介護連携推進事業 事業報告
    pub title: String,
    /// 令和7年度 / 令和7年4月〜令和7年9月
    pub period_label: String,
    pub from: String,
    pub to: String,
    /// 令和7年4月1日〜令和8年3月31日
    pub range_label: String,
    /// 出力日: 令和7年11月24日
    pub output_date: String,
    /// No consultation, entry or distribution in the period.
    pub empty: bool,
    pub note: Option<String>,
    pub definitions: Vec<Definition>,
    /// ア 地域の医療・介護の資源の把握 (registries on the output date).
    pub resources: Counts,
    /// オ 在宅医療・介護連携に関する相談支援
    pub consultations: Consultations,
    /// キ 地域住民への普及啓発
    pub awareness: Awareness,
}

pub const SECTION_RESOURCES: &str = "ア 地域の医療・介護の資源の把握";
pub const SECTION_CONSULTATIONS: &str = "オ 在宅医療・介護連携に関する相談支援";
pub const SECTION_AWARENESS: &str = "キ 地域住民への普及啓発";

// ---------------------------------------------------------------- period

/// First day, last day and the months of a checked period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub months: Vec<NaiveDate>,
    pub label: String,
    pub fiscal: bool,
}

fn month_start(field: &str, label: &str, text: &str) -> Result<NaiveDate> {
    let folded = crate::text::fold_number_text(text.trim()).replace('/', "-");
    let parsed = folded
        .split_once('-')
        .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
        .and_then(|(y, m)| NaiveDate::from_ymd_opt(y, m, 1));
    match parsed {
        Some(d) if (2000..=2100).contains(&d.year()) => Ok(d),
        Some(_) => Err(Error::invalid(
            field,
            format!("{label}は2000年から2100年の間で指定してください。"),
        )),
        None => Err(Error::invalid(
            field,
            format!("{label}を「2025-04」の形で指定してください。"),
        )),
    }
}

fn month_label(d: NaiveDate) -> String {
    format!("{}{}月", wareki::era_year(d), d.month())
}

impl ReportPeriod {
    /// Checks the period; a bad year or an inverted or too long range is
    /// refused with a message naming the field.
    pub fn range(&self) -> Result<Range> {
        let (first, last_month, label, fiscal) = match self {
            ReportPeriod::Fiscal { year } => {
                let period = Period {
                    kind: PeriodKind::Fiscal,
                    year: *year,
                };
                if !(2000..=2100).contains(year) {
                    return Err(Error::invalid(
                        "year",
                        "年度は2000年度から2100年度の間で指定してください。",
                    ));
                }
                let (first, last) = period.range();
                (
                    first,
                    last.with_day(1).unwrap_or(last),
                    period.label(),
                    true,
                )
            }
            ReportPeriod::Months { from, to } => {
                let first = month_start("from", "開始月", from)?;
                let last = month_start("to", "終了月", to)?;
                if last < first {
                    return Err(Error::invalid(
                        "to",
                        "終了月は開始月と同じか後の月にしてください。",
                    ));
                }
                let label = if first == last {
                    month_label(first)
                } else {
                    format!("{}〜{}", month_label(first), month_label(last))
                };
                (first, last, label, false)
            }
        };
        let months: Vec<NaiveDate> = (0..)
            .map_while(|i| first.checked_add_months(Months::new(i)))
            .take_while(|m| *m <= last_month)
            .take(MAX_MONTHS + 1)
            .collect();
        if months.len() > MAX_MONTHS {
            return Err(Error::invalid(
                "to",
                format!("集計期間は{MAX_MONTHS}か月以内で指定してください。"),
            ));
        }
        let last = last_month
            .checked_add_months(Months::new(1))
            .and_then(|d| d.pred_opt())
            .unwrap_or(last_month);
        Ok(Range {
            first,
            last,
            months,
            label,
            fiscal,
        })
    }
}

use crate::store::iso;

fn booklets(conn: &Connection, range: &Range) -> Result<Booklets> {
    let from = iso(range.first);
    let to = iso(range.last);
    let mut months: Vec<Quantity> = range
        .months
        .iter()
        .map(|m| Quantity {
            name: month_label(*m),
            quantity: 0,
            entries: 0,
        })
        .collect();
    let mut by_channel: FxHashMap<String, (i64, i64)> = FxHashMap::default();
    let mut by_city: FxHashMap<String, (i64, i64)> = FxHashMap::default();
    let mut stmt = conn.prepare_cached(
        "SELECT entry_date, channel_id, coalesce(city_id, ''), quantity FROM booklet_entries
          WHERE kind = 'issue' AND voided_at IS NULL AND entry_date BETWEEN ?1 AND ?2",
    )?;
    let mut rows = stmt.query(params![from, to])?;
    let (mut issued, mut issue_entries) = (0, 0);
    while let Some(r) = rows.next()? {
        let date: String = r.get(0)?;
        let quantity: i64 = r.get(3)?;
        issued += quantity;
        issue_entries += 1;
        if let Some(m) = months.get_mut(month_index(range, &date)) {
            m.quantity += quantity;
            m.entries += 1;
        }
        for (map, key) in [
            (&mut by_channel, r.get::<_, String>(1)?),
            (&mut by_city, r.get::<_, String>(2)?),
        ] {
            let e = map.entry(key).or_default();
            e.0 += quantity;
            e.1 += 1;
        }
    }
    let named =
        |map: &FxHashMap<String, (i64, i64)>, rows: Vec<(String, String)>, missing: &str| {
            let mut out: Vec<Quantity> = Vec::new();
            for (id, name) in &rows {
                let (quantity, entries) = map.get(id).copied().unwrap_or_default();
                out.push(Quantity {
                    name: name.clone(),
                    quantity,
                    entries,
                });
            }
            let (quantity, entries) = map
                .iter()
                .filter(|(k, _)| !rows.iter().any(|(id, _)| id == *k))
                .fold((0, 0), |a, (_, v)| (a.0 + v.0, a.1 + v.1));
            if entries > 0 {
                out.push(Quantity {
                    name: missing.into(),
                    quantity,
                    entries,
                });
            }
            out
        };
    let channel_rows: Vec<(String, String)> = conn
        .prepare_cached("SELECT id, name FROM booklet_channels ORDER BY sort_order")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let city_rows: Vec<(String, String)> = conn
        .prepare_cached("SELECT id, name FROM cities ORDER BY sort_order")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Booklets {
        issued,
        issue_entries,
        months,
        channels: named(&by_channel, channel_rows, "その他"),
        cities: named(&by_city, city_rows, "市の記録なし"),
    })
}

/// What 実数 and 延べ mean, printed on every report.
pub fn definitions() -> Vec<Definition> {
    [
        ("実数", "期間内に受付日がある相談の対象者の人数。同じ人の相談が何件あっても1人と数えます。区分別の実数は、その区分の相談の対象者の人数です（1人が複数の区分に入ることがあります）。"),
        ("受付件数", "期間内に受付日がある相談の件数（新規・継続を含む）。"),
        ("経過記録", "期間内の日付の経過記録の件数。受付が期間より前の相談への記録も含みます。"),
        ("延べ件数", "受付件数＋経過記録の件数。区分別の延べ件数は、その区分の相談の受付件数と、その相談への期間内の経過記録の件数の合計です。"),
        ("相談内容分類", "1件の相談に複数の分類があるときは、それぞれの分類に数えます（合計は全体の件数より多くなることがあります）。"),
        ("市・圏域", "相談の受付時（またはその相談を保存したとき）に記録した対象者の市・日常生活圏域によります。その後に対象者が転居しても、過去の相談の集計は変わりません。"),
        ("平均所要時間", "期間内の受付と経過記録のうち所要時間の記録があるものについて、合計分数÷件数（小数第1位に四捨五入）。"),
        ("意志表示帳の配布", "期間内の配布（取消したものを除く）の冊数と回数。"),
        ("講座", "期間内に実施済の開催の回数と参加者数の合計（延べ参加者）。回収率＝アンケート回収数÷参加者数（アンケートを集計した開催について）。浸透度＝地域包括ケアシステムの認知を問う設問で最初の選択肢（知っている）を選んだ割合。"),
        ("名簿", "出力日に登録中のものの件数。"),
    ]
    .into_iter()
    .map(|(term, text)| Definition {
        term: term.into(),
        text: text.into(),
    })
    .collect()
}

/// Builds the report for `period`; `today` is the output date.
pub fn build(conn: &Connection, period: &ReportPeriod, today: NaiveDate) -> Result<Report> {
    let range = period.range()?;
    let consultations = consultations::consultations(conn, &range)?;
    let booklets = booklets(conn, &range)?;
    let lectures = lectures::figures(conn, range.first, range.last)?;
    let empty = consultations.total == 0
        && booklets.issue_entries == 0
        && lectures.sessions_held + lectures.sessions_cancelled == 0;
    let office = office::load(conn)?;
    Ok(Report {
        title: format!("{} 在宅医療・介護連携推進事業 事業報告", range.label),
        office_name: office.name,
        period_label: range.label.clone(),
        from: iso(range.first),
        to: iso(range.last),
        range_label: format!(
            "{}〜{}",
            wareki::format_date(range.first),
            wareki::format_date(range.last)
        ),
        output_date: wareki::format_date(today),
        empty,
        note: empty.then(|| {
            format!(
                "{}には相談・経過記録・意志表示帳の配布・講座の記録がありません。すべての件数が0の報告です。",
                range.label
            )
        }),
        definitions: definitions(),
        resources: registries::counts(conn, today)?,
        consultations,
        awareness: Awareness {
            booklets,
            lectures: Some(lectures),
        },
    })
}

/// Builds the report and writes its CSV into `dir` as
/// 事業報告_<period>_<date-time>.csv; returns the path.
pub fn export_to_folder(
    conn: &Connection,
    period: &ReportPeriod,
    dir: &std::path::Path,
    now: chrono::NaiveDateTime,
) -> Result<std::path::PathBuf> {
    let report = build(conn, period, now.date())?;
    let stem = format!("事業報告_{}", report.period_label);
    crate::csv::write_to_folder(dir, &stem, now, &to_csv(&report))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn months(from: &str, to: &str) -> ReportPeriod {
        ReportPeriod::Months {
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn fiscal_year_runs_april_to_march() -> Result<()> {
        let r = ReportPeriod::Fiscal { year: 2025 }.range()?;
        assert_eq!(iso(r.first), "2025-04-01");
        assert_eq!(iso(r.last), "2026-03-31");
        assert_eq!(r.months.len(), 12);
        assert_eq!(r.label, "令和7年度");
        Ok(())
    }

    #[test]
    fn month_ranges_are_checked_with_the_field_named() -> Result<()> {
        let r = months("２０２５－０４", "2025/09").range()?;
        assert_eq!(
            (iso(r.first), iso(r.last)),
            ("2025-04-01".into(), "2025-09-30".into())
        );
        assert_eq!(r.label, "令和7年4月〜令和7年9月");
        let inverted = months("2025-09", "2025-04").range().unwrap_err();
        assert_eq!(inverted.field(), Some("to"));
        assert!(inverted.to_string().contains("終了月"));
        assert_eq!(
            months("abc", "2025-04").range().unwrap_err().field(),
            Some("from")
        );
        assert_eq!(
            months("2025-13", "2025-04").range().unwrap_err().field(),
            Some("from")
        );
        assert_eq!(
            months("2020-01", "2025-04").range().unwrap_err().field(),
            Some("to")
        );
        let year = ReportPeriod::Fiscal { year: 1999 }.range().unwrap_err();
        assert_eq!(year.field(), Some("year"));
        Ok(())
    }
}
