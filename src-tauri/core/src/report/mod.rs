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
//! Consultations are read in three range queries (cases, entries,
//! categories) and tallied in Rust, so a year of a large office takes
//! milliseconds. The 意志表示帳 figures are [`booklets::distribution`], the
//! same totals the 意志表示帳 screen shows.

mod consultations;
mod csv;
pub mod meetings;
mod rows;
mod xlsx;

pub use self::consultations::{Consultations, Tally};
pub use self::csv::{rows, to_csv};
pub use self::meetings::{ItemMeetings, MeetingReport, MEETING_ITEMS};
pub use self::rows::{Row, HEADERS};
pub use self::xlsx::{export_xlsx_to_folder, to_xlsx};
pub use crate::period::{ReportPeriod, Span};

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

use crate::booklets::{self, NamedTotal};
use crate::lectures::{self, LectureFigures};
use crate::period::month_label;
use crate::registries::{self, Counts};

use crate::store::{iso, known_id};
use crate::{office, wareki, Error, Result};

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
    /// 冊数 and 配布回数 of the whole period.
    pub issued: i64,
    pub issue_entries: i64,
    /// By month (令和7年4月), by 配布経路 and by 市; 市の記録なし only when
    /// an issue has no 市.
    pub months: Vec<Quantity>,
    pub channels: Vec<Quantity>,
    pub cities: Vec<Quantity>,
}

impl Booklets {
    /// The breakdowns under their table names, in the report's order.
    pub fn tables(&self) -> [(&'static str, &[Quantity]); 3] {
        [
            ("意志表示帳 月別", &self.months),
            ("意志表示帳 配布経路別", &self.channels),
            ("意志表示帳 市別", &self.cities),
        ]
    }
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
    /// 事業所名 from the office settings.
    pub office_name: String,
    /// The 市 of a city's report (坂戸市, 市外); `None` for the whole office.
    pub city: Option<String>,
    /// 令和7年度 在宅医療・介護連携推進事業 事業報告, with （坂戸市） for a city
    pub title: String,
    /// 令和7年度 / 令和7年4月〜令和7年9月
    pub period_label: String,
    /// First and last day (2025-04-01).
    pub from: String,
    pub to: String,
    /// 令和7年4月1日〜令和8年3月31日
    pub range_label: String,
    /// 出力日: 令和7年11月24日
    pub output_date: String,
    /// The same day as a date (the Excel file's creation date).
    #[serde(skip)]
    pub output_on: NaiveDate,
    /// No consultation, entry or distribution in the period.
    pub empty: bool,
    /// Said on the screen, in the CSV and on the PDF when `empty`.
    pub note: Option<String>,
    /// What 実数, 延べ and the other terms mean ([`definitions`]).
    pub definitions: Vec<Definition>,
    /// ア 地域の医療・介護の資源の把握 (registries on the output date).
    pub resources: Counts,
    /// オ 在宅医療・介護連携に関する相談支援
    pub consultations: Consultations,
    /// キ 地域住民への普及啓発
    pub awareness: Awareness,
    /// イ・ウ・エ・カ・ク (and ア・オ・キ) from 会議・研修, MCS, 研修会
    pub meetings: MeetingReport,
}

pub const SECTION_RESOURCES: &str = "ア 地域の医療・介護の資源の把握";
pub const SECTION_CONSULTATIONS: &str = "オ 在宅医療・介護連携に関する相談支援";
pub const SECTION_AWARENESS: &str = "キ 地域住民への普及啓発";

/// The 名簿 counts of item ア by name, in the report's order.
pub fn resource_figures(r: &Counts) -> [(&'static str, i64); 10] {
    [
        ("往診登録医", r.doctors),
        ("うち往診", r.home_visits),
        ("うち訪問診療", r.regular_visits),
        ("うち看取り対応", r.end_of_life),
        ("うち24時間対応", r.round_the_clock),
        ("もの忘れ相談医", r.dementia_consult),
        ("登録シート要更新", r.sheets_due),
        ("療養支援ベッドの病院", r.bed_hospitals),
        ("療養支援ベッドの床数", r.beds),
        ("関係機関", r.organisations),
    ]
}

/// The report's view of the 意志表示帳 totals: issues only, months named
/// with their year, and no 市の記録なし row when every issue has a 市.
fn booklets(conn: &Connection, span: &Span, city: Option<&str>) -> Result<Booklets> {
    let totals = booklets::distribution(conn, span, city)?;
    let named = |rows: Vec<NamedTotal>| {
        rows.into_iter()
            .filter(|r| !r.id.is_empty() || r.entries > 0)
            .map(|r| Quantity {
                name: r.name,
                quantity: r.quantity,
                entries: r.entries,
            })
            .collect()
    };
    Ok(Booklets {
        issued: totals.issued,
        issue_entries: totals.issue_entries,
        months: span
            .months
            .iter()
            .zip(&totals.months)
            .map(|(m, t)| Quantity {
                name: month_label(*m),
                quantity: t.issued,
                entries: t.issue_entries,
            })
            .collect(),
        channels: named(totals.channels),
        cities: named(totals.cities),
    })
}

/// A 市 a report can be made for: one of the office's cities or 市外.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct City {
    pub id: String,
    pub name: String,
}

/// The 市 of a city's report by id (the screen's choice); `None` for "".
pub fn city_by_id(conn: &Connection, id: &str) -> Result<Option<City>> {
    let Some(id) = known_id(conn, "cities", "city_id", "市", id)? else {
        return Ok(None);
    };
    let name = conn.query_row("SELECT name FROM cities WHERE id = ?1", [&id], |r| r.get(0))?;
    Ok(Some(City { id, name }))
}

/// The 市 of a city's report by its name (坂戸市, 市外), as typed on the
/// command line.
pub fn city_by_name(conn: &Connection, name: &str) -> Result<City> {
    let choices = office::resident_cities(conn)?;
    let wanted = name.trim();
    match choices.iter().find(|c| c.name == wanted) {
        Some(c) => Ok(City {
            id: c.id.clone(),
            name: c.name.clone(),
        }),
        None => {
            let names: Vec<String> = choices.iter().map(|c| format!("「{}」", c.name)).collect();
            Err(Error::invalid(
                "city",
                format!(
                    "市「{wanted}」は登録されていません。{}のどれかを指定してください。",
                    names.join("・")
                ),
            ))
        }
    }
}

/// What a city's report covers, printed as its first definition.
fn city_definition(city: &City) -> Definition {
    let whose = if city.id == office::OUTSIDE_CITY_ID {
        "市外（近隣の町）".to_string()
    } else {
        city.name.clone()
    };
    Definition {
        term: format!("{}の報告", city.name),
        text: format!(
            "{whose}の分だけを数えた報告です。相談支援は、受付時に記録した対象者の市が{name}の相談と、その相談への期間内の経過記録を数えます（実数はその対象者の人数）。意志表示帳は配布先の市を{name}として記録した配布、講座は{name}で開催したもの（会場の市）、名簿は所在地が{name}のものを数えます。市の記録がない相談・配布・講座・名簿はどの市の報告にも入らず、全体の報告にだけ入ります。",
            name = city.name
        ),
    }
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

/// Builds the report of the whole office for `period`; `today` is the
/// output date.
pub fn build(conn: &Connection, period: &ReportPeriod, today: NaiveDate) -> Result<Report> {
    build_for(conn, period, None, today)
}

/// Builds the report for `period` of one 市 (`city`), or of the whole
/// office when `None`.
pub fn build_for(
    conn: &Connection,
    period: &ReportPeriod,
    city: Option<&City>,
    today: NaiveDate,
) -> Result<Report> {
    let span = period.span()?;
    let city_id = city.map(|c| c.id.as_str());
    let consultations = consultations::consultations(conn, &span, city_id)?;
    let booklets = booklets(conn, &span, city_id)?;
    // 研修会 is training of professionals: item カ, in `meetings`.
    let training = lectures::SessionKind::Training;
    let lectures = lectures::figures_split(conn, span.first, span.last, city_id, training, false)?;
    let meetings = meetings::build(conn, &span, city_id)?;
    let empty = consultations.total == 0
        && booklets.issue_entries == 0
        && lectures.sessions_held + lectures.sessions_cancelled == 0
        && meetings.total() + meetings.training.sessions == 0;
    let office = office::load(conn)?;
    let mut definitions = definitions();
    definitions.extend(meetings::definitions());
    if let Some(city) = city {
        definitions.insert(0, city_definition(city));
    }
    let of_city = city.map(|c| format!("（{}）", c.name)).unwrap_or_default();
    Ok(Report {
        title: format!("{} 在宅医療・介護連携推進事業 事業報告{of_city}", span.label),
        office_name: office.name,
        city: city.map(|c| c.name.clone()),
        period_label: span.label.clone(),
        from: iso(span.first),
        to: iso(span.last),
        range_label: format!(
            "{}〜{}",
            wareki::format_date(span.first),
            wareki::format_date(span.last)
        ),
        output_date: wareki::format_date(today),
        output_on: today,
        empty,
        note: empty.then(|| {
            format!(
                "{}には相談・経過記録・意志表示帳の配布・講座の記録がありません。すべての件数が0の報告です。",
                span.label
            )
        }),
        definitions,
        resources: registries::counts_in(conn, today, city_id)?,
        consultations,
        awareness: Awareness {
            booklets,
            lectures: Some(lectures),
        },
        meetings,
    })
}

/// Builds the report and writes its CSV into `dir` as
/// 事業報告_<period>_<date-time>.csv; returns the path.
pub fn export_to_folder(
    conn: &Connection,
    period: &ReportPeriod,
    city: Option<&City>,
    dir: &std::path::Path,
    now: chrono::NaiveDateTime,
) -> Result<std::path::PathBuf> {
    let report = build_for(conn, period, city, now.date())?;
    crate::csv::write_to_folder(dir, &file_stem(&report, city), now, &to_csv(&report))
}

/// 事業報告_令和7年度 (_坂戸市): the saved report's name before its time stamp.
pub(crate) fn file_stem(report: &Report, city: Option<&City>) -> String {
    let of_city = city.map(|c| format!("_{}", c.name)).unwrap_or_default();
    format!("事業報告_{}{of_city}", report.period_label)
}
