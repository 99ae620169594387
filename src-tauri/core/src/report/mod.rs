//! 集計・報告 (DESIGN.md §6): the figures of the cities' yearly 事業報告 for a
//! 年度 or a month range, in the order of the programme items ア〜ク. Items
//! the app keeps no data for are left out rather than filled with guesses.
//!
//! Definitions (printed on the report, kept in one place: [`definitions`]):
//! - 受付件数: cases whose 受付日 is in the period (enquiries without a
//!   patient included).
//! - 経過記録: entries marked as a contact (連絡・対応) dated in the period,
//!   whatever the case's 受付日; memos are only counted.
//! - 延べ件数 = 受付件数 + 経過記録; by method each contact counts under its
//!   own 手段, by 相談者種別 under its 相手 (the case's when not recorded).
//! - 実人数: distinct persons with a reception or a contact in the period;
//!   新規 are those with a reception marked 新規 and no contact on a case
//!   received before the period. Enquiries without a patient never count.
//!
//! Consultations are read in three range queries (cases, entries,
//! categories) and tallied in Rust, so a year of a large office takes
//! milliseconds. The 意志表示帳 figures are [`booklets::distribution`], the
//! same totals the 意志表示帳 screen shows.

pub mod beds;
mod consultations;
mod csv;
pub mod meetings;
mod rows;
mod settings;
pub mod wording;
mod xlsx;

pub use self::consultations::{Consultations, Tally, NO_PERSON_ROW};
pub use self::csv::{rows, to_csv};
pub use self::meetings::{ItemMeetings, MeetingReport, MEETING_ITEMS};
pub use self::rows::{Row, HEADERS};
pub use self::settings::{save_settings, settings, ReportSettings, ReportSettingsInput};
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
    /// By edition of 私の意志表示帳.
    pub editions: Vec<Quantity>,
    /// Other printed materials (pamphlets) by title, not in the totals.
    pub materials: Vec<Quantity>,
}

impl Booklets {
    /// The breakdowns under their table names, in the report's order.
    pub fn tables(&self) -> [(&'static str, &[Quantity]); 5] {
        [
            ("意志表示帳 月別", &self.months),
            ("意志表示帳 配布経路別", &self.channels),
            ("意志表示帳 市別", &self.cities),
            ("意志表示帳 版別", &self.editions),
            ("その他の配布物", &self.materials),
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

/// A named count (a row of a report table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figure {
    pub name: String,
    pub value: i64,
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
    /// The office's words for headings and fixed names (default → word),
    /// applied to every output ([`wording`]).
    pub wording: wording::Wording,
    /// ア 地域の医療・介護の資源の把握: registries as of the period's last
    /// day (the output date while the period runs).
    pub resources: Counts,
    /// 令和8年3月31日現在
    pub resources_on: String,
    /// [`resource_figures`] as the screen lists them.
    pub resource_rows: Vec<Figure>,
    /// オ 在宅医療・介護連携に関する相談支援
    pub consultations: Consultations,
    /// キ 地域住民への普及啓発
    pub awareness: Awareness,
    /// 療養支援ベッド (the prefecture's 補助事業), after the items ア〜ク.
    pub beds: crate::beds::BedFigures,
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
        editions: named(totals.editions),
        materials: named(totals.materials),
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
            "{whose}の分だけを数えた報告です。相談支援は、受付時に記録した対象者の市が{name}の相談と、その相談への期間内の経過記録を数えます（実人数はその対象者の人数。対象者なしの相談は入りません）。意志表示帳は配布先の市を{name}として記録した配布、講座は{name}で開催したもの（会場の市）、名簿は所在地が{name}のものを数えます。市の記録がない相談・配布・講座・名簿はどの市の報告にも入らず、全体の報告にだけ入ります。",
            name = city.name
        ),
    }
}

/// What 実人数, 延べ and the other terms mean, printed on every report: the
/// one place the counting rules of [`consultations`] are said in Japanese.
pub fn definitions() -> Vec<Definition> {
    [
        ("実人数", "期間内に相談を受け付けたか、連絡・対応の経過記録がある対象者の人数。前の年度に受け付けた相談への対応が続いている人も含みます。同じ人は何件あっても1人と数えます。対象者なしの相談（一般的な相談・問い合わせ）は数えません。区分別の実人数は、その区分に数えた受付と連絡・対応の対象者の人数です（1人が複数の区分に入ることがあります）。"),
        ("実人数の新規・継続", "新規：期間内に受付時「新規」とした相談がある人のうち、期間より前に受け付けた相談への連絡・対応が期間内にない人。継続：それ以外の人（前の期間からの相談への対応が続いている人、受付時に「継続」とした相談だけの人）。新規・継続は受付時の判断（紙の記録など、このアプリにない以前の相談も踏まえたもの）によります。"),
        ("受付件数", "期間内に受付日がある相談の件数（新規・継続、対象者なしの相談を含む）。新規・継続は受付時の記録によります。"),
        ("経過記録（連絡・対応）", "期間内の日付の経過記録のうち「連絡・対応あり」のものの件数。受付が期間より前の相談への記録も含みます。「メモ」（自分用の記録）は延べ件数に数えず、件数だけを示します。"),
        ("延べ件数", "受付件数＋連絡・対応の経過記録の件数。区分別の延べ件数は、その区分に数えた受付と連絡・対応の合計です。"),
        ("受付方法・手段別", "受付は相談の受付方法で、連絡・対応は経過記録ごとの手段で数えます。手段の記録がない経過記録（手段を記録する前の記録など）は、その相談の受付方法で数えます。"),
        ("相談者種別・相手別", "受付は相談者種別で、連絡・対応は経過記録の相手で数えます。同じ名前の相談者種別と相手（本人、ケアマネジャーなど）は同じ行です。相手の記録がない経過記録は、その相談の相談者種別で数えます。"),
        ("相談内容分類・4つの場面・対応", "1件の相談に複数あるときは、それぞれに数えます（合計は全体の件数より多くなることがあります）。分類と場面は、相談への連絡・対応もその相談の分類・場面で数えます。対応は、受付は相談に記録した対応で、連絡・対応は経過記録ごとの対応で数えます。記録がないものは「記録なし」の行に入ります。"),
        ("転帰別", "出力時点で相談に記録されている転帰によります。終結していない相談は「転帰の記録なし（対応中など）」に入ります。"),
        ("対象者なしの相談", "対象者を特定しない一般的な相談・問い合わせ。受付件数と延べ件数には数え、実人数には数えません。対象者の市・圏域がないため、市別・圏域別では「対象者なし」の行に入り、市ごとの報告には入りません（全体の報告にだけ入ります）。"),
        ("市・圏域", "相談の受付時（またはその相談を保存したとき）に記録した対象者の市・日常生活圏域によります。その後に対象者が転居しても、過去の相談の集計は変わりません。"),
        ("平均所要時間", "期間内の受付と連絡・対応の経過記録のうち所要時間の記録があるものについて、合計分数÷件数（小数第1位に四捨五入）。"),
        ("意志表示帳の配布", "期間内の配布（取消したものを除く）の冊数と回数。版別は私の意志表示帳の版ごと。かかりつけ医の準備のパンフレットなど、ほかの配布物は「その他の配布物」に題名ごとに数え、意志表示帳の冊数には入れません。"),
        ("名簿", "期間の末日（年度の報告では3月31日）に登録中だったものの件数。登録日がその日以前で、登録終了日がないかその日より後のものを数えます。期間がまだ終わっていないときは出力日現在。往診登録医には、往診も訪問診療もしないもの忘れ相談医は入りません（もの忘れ相談医の行に数えます）。"),
    ]
    .into_iter()
    .map(|(term, text)| Definition {
        term: term.into(),
        text: text.into(),
    })
    .collect()
}

/// What the lecture figures mean, with the office's 浸透度 rule.
fn lecture_definition(rule: &str) -> Definition {
    Definition {
        term: "講座".into(),
        text: format!("期間内に実施済の開催の回数と参加者数の合計（延べ参加者）。回収率＝アンケート回収数÷参加者数（アンケートを集計した開催について）。浸透度＝地域包括ケアシステムの認知を問う設問に答えた人のうち、{rule}を選んだ人の割合（設定の「報告の設定」で選びます）。"),
    }
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
    let empty = consultations.total + consultations.memos == 0
        && booklets.issue_entries == 0
        && lectures.sessions_held + lectures.sessions_cancelled == 0
        && meetings.total() + meetings.training.sessions == 0;
    let office = office::load(conn)?;
    let mut definitions = definitions();
    let registries_at = definitions.len() - 1;
    definitions.insert(registries_at, lecture_definition(&lectures.awareness_rule));
    definitions.extend(meetings::definitions());
    definitions.push(Definition {
        term: beds::DEFINITION.0.into(),
        text: beds::DEFINITION.1.into(),
    });
    if let Some(city) = city {
        definitions.insert(0, city_definition(city));
    }
    let of_city = city.map(|c| format!("（{}）", c.name)).unwrap_or_default();
    let resources_on = span.last.min(today);
    let resources = registries::counts_in(conn, resources_on, city_id)?;
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
        wording: wording::Wording::load(conn)?,
        resource_rows: resource_figures(&resources)
            .into_iter()
            .map(|(name, value)| Figure {
                name: name.into(),
                value,
            })
            .collect(),
        resources,
        resources_on: format!("{}現在", wareki::format_date(resources_on)),
        consultations,
        awareness: Awareness {
            booklets,
            lectures: Some(lectures),
        },
        beds: beds::figures(conn, &span, city_id, today)?,
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
