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

use rustc_hash::{FxHashMap, FxHashSet};

use chrono::{Datelike, Months, NaiveDate, NaiveTime};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::cases::lists::{self, ListKind};
use crate::csv::{self, Cell};
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
/// cases in this row, so `total` is this row's 延べ件数.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub name: String,
    pub persons: i64,
    pub cases: i64,
    pub entries: i64,
    pub total: i64,
}

/// 相談支援 (item オ).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Consultations {
    /// 実数
    pub persons: i64,
    /// 受付件数
    pub cases: i64,
    pub new_cases: i64,
    pub continuing_cases: i64,
    /// 経過記録
    pub entries: i64,
    /// 延べ件数
    pub total: i64,
    /// Receptions and entries with 所要時間 recorded, and their minutes.
    pub timed: i64,
    pub minutes: i64,
    /// 平均所要時間 in minutes, one decimal; `None` when nothing was timed.
    pub average_minutes: Option<f64>,
    pub months: Vec<Tally>,
    pub consulter_types: Vec<Tally>,
    pub categories: Vec<Tally>,
    pub intake_methods: Vec<Tally>,
    pub cities: Vec<Tally>,
    pub areas: Vec<Tally>,
}

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

// ---------------------------------------------------------------- tallying

/// A breakdown being counted: persons as a set, cases and entries as counts.
#[derive(Default)]
struct Acc {
    persons: FxHashSet<u32>,
    cases: i64,
    entries: i64,
}

impl Acc {
    fn tally(&self, name: String) -> Tally {
        Tally {
            name,
            persons: self.persons.len() as i64,
            cases: self.cases,
            entries: self.entries,
            total: self.cases + self.entries,
        }
    }
}

/// Small numbers for the ids seen while counting, so tallies hash and
/// compare integers instead of 36-character strings. Id 0 is "none".
struct Interner(FxHashMap<String, u32>);

impl Interner {
    fn new() -> Self {
        let mut ids = FxHashMap::with_capacity_and_hasher(16_384, Default::default());
        ids.insert(String::new(), 0);
        Interner(ids)
    }

    fn id(&mut self, key: &str) -> u32 {
        if let Some(&n) = self.0.get(key) {
            return n;
        }
        let n = self.0.len() as u32;
        self.0.insert(key.to_string(), n);
        n
    }
}

/// Rows of a breakdown named in the order of `rows` (id, name); counts
/// under an id outside the list (or none) become `missing` at the end.
fn named_tallies(
    accs: &FxHashMap<u32, Acc>,
    ids: &Interner,
    rows: &[(String, String)],
    missing: &str,
) -> Vec<Tally> {
    let empty = Acc::default();
    let listed: FxHashSet<u32> = rows
        .iter()
        .filter_map(|(id, _)| ids.0.get(id).copied())
        .collect();
    let mut out: Vec<Tally> = rows
        .iter()
        .map(|(id, name)| {
            let acc = ids.0.get(id).and_then(|n| accs.get(n)).unwrap_or(&empty);
            acc.tally(name.clone())
        })
        .collect();
    let mut other = Acc::default();
    for (key, acc) in accs {
        if !listed.contains(key) {
            other.persons.extend(&acc.persons);
            other.cases += acc.cases;
            other.entries += acc.entries;
        }
    }
    if other.cases + other.entries > 0 {
        out.push(other.tally(missing.to_string()));
    }
    out
}

fn list_rows(conn: &Connection, kind: ListKind) -> Result<Vec<(String, String)>> {
    Ok(lists::list(conn, kind)?
        .items
        .into_iter()
        .map(|i| (i.id, i.name))
        .collect())
}

/// What the breakdowns of one case group by (interned ids).
struct CaseKeys {
    person: u32,
    consulter: u32,
    intake: u32,
    city: u32,
    area: u32,
    categories: Vec<u32>,
}

#[derive(Default)]
struct Tallies {
    months: Vec<Acc>,
    consulter: FxHashMap<u32, Acc>,
    category: FxHashMap<u32, Acc>,
    intake: FxHashMap<u32, Acc>,
    city: FxHashMap<u32, Acc>,
    area: FxHashMap<u32, Acc>,
}

impl Tallies {
    /// Counts one reception (`reception`) or one 経過記録 of a case.
    fn add(&mut self, month: usize, keys: &CaseKeys, reception: bool) {
        let count = |acc: &mut Acc| {
            if reception {
                acc.persons.insert(keys.person);
                acc.cases += 1;
            } else {
                acc.entries += 1;
            }
        };
        if let Some(acc) = self.months.get_mut(month) {
            count(acc);
        }
        count(self.consulter.entry(keys.consulter).or_default());
        count(self.intake.entry(keys.intake).or_default());
        count(self.city.entry(keys.city).or_default());
        count(self.area.entry(keys.area).or_default());
        for c in &keys.categories {
            count(self.category.entry(*c).or_default());
        }
    }
}

/// A text column borrowed from the row, without allocating.
fn str_at<'a>(r: &'a rusqlite::Row, i: usize) -> rusqlite::Result<&'a str> {
    Ok(r.get_ref(i)?.as_str_or_null()?.unwrap_or(""))
}

fn month_index(range: &Range, iso_date: &str) -> usize {
    let y: i32 = iso_date.get(0..4).and_then(|s| s.parse().ok()).unwrap_or(0);
    let m: i32 = iso_date.get(5..7).and_then(|s| s.parse().ok()).unwrap_or(0);
    let first = range.first;
    ((y - first.year()) * 12 + m - first.month() as i32) as usize
}

/// Keys from the columns person_id, consulter_type_id, intake_method_id,
/// city_id, area_id starting at `first`.
fn case_keys(ids: &mut Interner, r: &rusqlite::Row, first: usize) -> rusqlite::Result<CaseKeys> {
    Ok(CaseKeys {
        person: ids.id(str_at(r, first)?),
        consulter: ids.id(str_at(r, first + 1)?),
        intake: ids.id(str_at(r, first + 2)?),
        city: ids.id(str_at(r, first + 3)?),
        area: ids.id(str_at(r, first + 4)?),
        categories: Vec::new(),
    })
}

/// A reception or an entry to count: month, minutes, and (receptions) 新規.
struct Event {
    case: usize,
    month: usize,
    minutes: Option<i64>,
    is_new: bool,
}

fn consultations(conn: &Connection, range: &Range) -> Result<Consultations> {
    let from = iso(range.first);
    let to = iso(range.last);
    let after_day = range.last.succ_opt().unwrap_or(range.last);
    let after = iso(after_day);
    let mut ids = Interner::new();
    // Cases by id and by sort_key → index into `keys`.
    let mut index: FxHashMap<String, usize> =
        FxHashMap::with_capacity_and_hasher(16_384, Default::default());
    let mut by_sort_key: FxHashMap<i64, usize> =
        FxHashMap::with_capacity_and_hasher(16_384, Default::default());
    let mut keys: Vec<CaseKeys> = Vec::new();

    // Receptions, from the covering index cases_for_report alone (the wide
    // rows are never read). 市・圏域 are those recorded on the case at 受付,
    // so no lookup in persons is needed.
    let mut receptions: Vec<Event> = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT id, received_at, minutes, is_new,
                person_id, consulter_type_id, intake_method_id, city_id, area_id, sort_key
           FROM cases
          WHERE received_at >= ?1 AND received_at < ?2",
    )?;
    let mut rows = stmt.query(params![from, after])?;
    while let Some(r) = rows.next()? {
        let case = keys.len();
        keys.push(case_keys(&mut ids, r, 4)?);
        index.insert(r.get(0)?, case);
        by_sort_key.insert(r.get(9)?, case);
        receptions.push(Event {
            case,
            month: month_index(range, str_at(r, 1)?),
            minutes: r.get(2)?,
            is_new: r.get(3)?,
        });
    }
    // Their categories through (item_id, sort_key): sort_key starts with
    // the 受付 minute, so each category is one short range of that index,
    // and it is the case's own (unique) sort_key, an integer to look up.
    let key_of = |day: NaiveDate| crate::cases::search::sort_key(day.and_time(NaiveTime::MIN), 0);
    let mut stmt = conn.prepare_cached(
        "SELECT sort_key, item_id FROM case_categories
          WHERE item_id IN (SELECT id FROM case_list_items WHERE kind = 'category')
            AND sort_key >= ?1 AND sort_key < ?2",
    )?;
    let mut rows = stmt.query(params![key_of(range.first), key_of(after_day)])?;
    while let Some(r) = rows.next()? {
        if let Some(&case) = by_sort_key.get(&r.get::<_, i64>(0)?) {
            let item = ids.id(str_at(r, 1)?);
            keys[case].categories.push(item);
        }
    }

    // 経過記録 in the period; a case received before it is looked up.
    let mut entries: Vec<Event> = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT case_id, entry_date, minutes FROM case_entries WHERE entry_date BETWEEN ?1 AND ?2",
    )?;
    let mut rows = stmt.query(params![from, to])?;
    while let Some(r) = rows.next()? {
        let case_id = str_at(r, 0)?;
        let case = match index.get(case_id) {
            Some(&case) => case,
            None => {
                let case = keys.len();
                keys.push(earlier_case(conn, &mut ids, case_id)?);
                index.insert(case_id.to_string(), case);
                case
            }
        };
        entries.push(Event {
            case,
            month: month_index(range, str_at(r, 1)?),
            minutes: r.get(2)?,
            is_new: false,
        });
    }

    let mut t = Tallies {
        months: range.months.iter().map(|_| Acc::default()).collect(),
        ..Default::default()
    };
    let mut persons = FxHashSet::default();
    let (mut timed, mut minutes) = (0, 0);
    for (events, reception) in [(&receptions, true), (&entries, false)] {
        for e in events {
            let k = &keys[e.case];
            if reception {
                persons.insert(k.person);
            }
            if let Some(m) = e.minutes {
                timed += 1;
                minutes += m;
            }
            t.add(e.month, k, reception);
        }
    }
    let cases = receptions.len() as i64;
    let new_cases = receptions.iter().filter(|e| e.is_new).count() as i64;
    let entry_count = entries.len() as i64;

    let office = office::load(conn)?;
    let city_rows: Vec<(String, String)> = office
        .cities
        .iter()
        .map(|c| (c.id.clone(), c.name.clone()))
        .collect();
    let area_rows: Vec<(String, String)> = office
        .cities
        .iter()
        .flat_map(|c| {
            c.areas
                .iter()
                .map(move |a| (a.id.clone(), format!("{} {}", c.name, a.name)))
        })
        .collect();
    Ok(Consultations {
        persons: persons.len() as i64,
        cases,
        new_cases,
        continuing_cases: cases - new_cases,
        entries: entry_count,
        total: cases + entry_count,
        timed,
        minutes,
        average_minutes: (timed > 0).then(|| (minutes as f64 * 10.0 / timed as f64).round() / 10.0),
        months: range
            .months
            .iter()
            .zip(&t.months)
            .map(|(m, acc)| acc.tally(month_label(*m)))
            .collect(),
        consulter_types: named_tallies(
            &t.consulter,
            &ids,
            &list_rows(conn, ListKind::ConsulterType)?,
            "その他",
        ),
        categories: named_tallies(
            &t.category,
            &ids,
            &list_rows(conn, ListKind::Category)?,
            "分類なし",
        ),
        intake_methods: named_tallies(
            &t.intake,
            &ids,
            &list_rows(conn, ListKind::IntakeMethod)?,
            "その他",
        ),
        cities: named_tallies(&t.city, &ids, &city_rows, "市の記録なし"),
        areas: named_tallies(&t.area, &ids, &area_rows, "圏域の記録なし"),
    })
}

/// Keys of a case received before the period that has an entry in it.
fn earlier_case(conn: &Connection, ids: &mut Interner, case_id: &str) -> Result<CaseKeys> {
    let mut keys = conn
        .prepare_cached(
            "SELECT person_id, consulter_type_id, intake_method_id, city_id, area_id
               FROM cases WHERE id = ?1",
        )?
        .query_row([case_id], |r| case_keys(ids, r, 0))?;
    let mut stmt = conn.prepare_cached("SELECT item_id FROM case_categories WHERE case_id = ?1")?;
    let mut rows = stmt.query([case_id])?;
    while let Some(r) = rows.next()? {
        keys.categories.push(ids.id(str_at(r, 0)?));
    }
    Ok(keys)
}

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
    let consultations = consultations(conn, &range)?;
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

// ---------------------------------------------------------------- CSV

fn tally_rows(rows: &mut Vec<Vec<Cell>>, section: &str, table: &str, tallies: &[Tally]) {
    for t in tallies {
        for (measure, value) in [
            ("実数", t.persons),
            ("受付件数", t.cases),
            ("経過記録", t.entries),
            ("延べ件数", t.total),
        ] {
            rows.push(vec![
                section.into(),
                table.into(),
                t.name.clone().into(),
                measure.into(),
                value.into(),
            ]);
        }
    }
}

fn quantity_rows(rows: &mut Vec<Vec<Cell>>, table: &str, items: &[Quantity]) {
    for q in items {
        for (measure, value) in [("冊数", q.quantity), ("配布回数", q.entries)] {
            rows.push(vec![
                SECTION_AWARENESS.into(),
                table.into(),
                q.name.clone().into(),
                measure.into(),
                value.into(),
            ]);
        }
    }
}

/// A fraction as a percentage with one decimal (回収率, 浸透度).
fn percent(value: Option<f64>) -> Cell {
    value
        .map(|v| Cell::Text(format!("{:.1}", v * 100.0)))
        .unwrap_or_else(|| "".into())
}

fn lecture_rows(rows: &mut Vec<Vec<Cell>>, l: &LectureFigures) {
    let mut push = |table: &str, name: &str, measure: &str, value: Cell| {
        rows.push(vec![
            SECTION_AWARENESS.into(),
            table.into(),
            name.into(),
            measure.into(),
            value,
        ]);
    };
    let table = "講座（出前講座・市民公開講座・研修会など）";
    push(table, "合計", "開催回数", l.sessions_held.into());
    push(table, "合計", "延べ参加者", l.participants.into());
    push(table, "合計", "アンケート回収数", l.forms_returned.into());
    push(table, "合計", "回収率（%）", percent(l.response_rate));
    push(table, "合計", "浸透度（%）", percent(l.awareness));
    for k in &l.by_kind {
        push("講座 種類別", &k.kind, "開催回数", k.sessions.into());
        push("講座 種類別", &k.kind, "延べ参加者", k.participants.into());
        push(
            "講座 種類別",
            &k.kind,
            "回収率（%）",
            percent(k.response_rate),
        );
    }
}

/// The report as CSV in long form (章, 表, 区分, 指標, 値), in the order of
/// items ア〜キ, headed by the office, period and output date and followed
/// by the definitions — one row per figure, so Excel can pivot it.
pub fn to_csv(report: &Report) -> Vec<u8> {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut info = |table: &str, name: &str, value: Cell| {
        rows.push(vec![
            "報告".into(),
            table.into(),
            name.into(),
            "".into(),
            value,
        ]);
    };
    info("事業所", &report.office_name, "".into());
    info("表題", &report.title, "".into());
    info("期間", &report.range_label, "".into());
    info("出力日", &report.output_date, "".into());
    if let Some(note) = &report.note {
        info("注記", note, "".into());
    }

    let r = &report.resources;
    for (name, value) in [
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
    ] {
        rows.push(vec![
            SECTION_RESOURCES.into(),
            "名簿".into(),
            name.into(),
            "件数".into(),
            value.into(),
        ]);
    }

    let c = &report.consultations;
    let s = SECTION_CONSULTATIONS;
    for (name, value) in [
        ("実数", Cell::Number(c.persons)),
        ("受付件数", Cell::Number(c.cases)),
        ("うち新規", Cell::Number(c.new_cases)),
        ("うち継続", Cell::Number(c.continuing_cases)),
        ("経過記録", Cell::Number(c.entries)),
        ("延べ件数", Cell::Number(c.total)),
        (
            "平均所要時間（分）",
            c.average_minutes
                .map(|m| Cell::Text(format!("{m:.1}")))
                .unwrap_or_else(|| "".into()),
        ),
    ] {
        rows.push(vec![s.into(), "合計".into(), name.into(), "".into(), value]);
    }
    tally_rows(&mut rows, s, "月別", &c.months);
    tally_rows(&mut rows, s, "相談者種別", &c.consulter_types);
    tally_rows(&mut rows, s, "相談内容分類", &c.categories);
    tally_rows(&mut rows, s, "市別", &c.cities);
    tally_rows(&mut rows, s, "圏域別", &c.areas);
    tally_rows(&mut rows, s, "受付方法", &c.intake_methods);

    let b = &report.awareness.booklets;
    rows.push(vec![
        SECTION_AWARENESS.into(),
        "私の意志表示帳".into(),
        "配布合計".into(),
        "冊数".into(),
        b.issued.into(),
    ]);
    rows.push(vec![
        SECTION_AWARENESS.into(),
        "私の意志表示帳".into(),
        "配布合計".into(),
        "配布回数".into(),
        b.issue_entries.into(),
    ]);
    quantity_rows(&mut rows, "意志表示帳 月別", &b.months);
    quantity_rows(&mut rows, "意志表示帳 配布経路別", &b.channels);
    quantity_rows(&mut rows, "意志表示帳 市別", &b.cities);
    if let Some(l) = &report.awareness.lectures {
        lecture_rows(&mut rows, l);
    }

    for d in &report.definitions {
        rows.push(vec![
            "定義".into(),
            d.term.clone().into(),
            d.text.clone().into(),
            "".into(),
            "".into(),
        ]);
    }
    csv::to_bytes(&["章", "表", "区分", "指標", "値"], &rows)
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
    csv::write_to_folder(dir, &stem, now, &to_csv(&report))
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
