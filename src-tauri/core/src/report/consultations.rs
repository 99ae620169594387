//! 相談支援 (item オ): receptions and 経過記録 of the period tallied by
//! month, 相談者種別, 相談内容分類, 受付方法, 市 and 圏域.

use rustc_hash::{FxHashMap, FxHashSet};

use chrono::{NaiveDate, NaiveTime};
use rusqlite::{params, Connection};
use serde::Serialize;

use crate::cases::lists::{self, ListKind};
use crate::period::{month_label, Span};
use crate::store::{iso, parse_iso, parse_stamp};
use crate::{office, Result};

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
    /// 受付件数 of which 新規 and 継続.
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
    /// Every month of the period, in order.
    pub months: Vec<Tally>,
    /// The breakdowns, each in the order of its list and with a last row
    /// (その他, 分類なし, 市の記録なし, 圏域の記録なし) for cases outside
    /// the list when there are any. A case counts under each of its
    /// categories.
    pub consulter_types: Vec<Tally>,
    pub categories: Vec<Tally>,
    pub intake_methods: Vec<Tally>,
    pub cities: Vec<Tally>,
    pub areas: Vec<Tally>,
}

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
    fn add(&mut self, month: Option<usize>, keys: &CaseKeys, reception: bool) {
        let count = |acc: &mut Acc| {
            if reception {
                acc.persons.insert(keys.person);
                acc.cases += 1;
            } else {
                acc.entries += 1;
            }
        };
        if let Some(acc) = month.and_then(|m| self.months.get_mut(m)) {
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

/// Month positions of stored dates and moments. Rows come in date order,
/// so a value is read (through the store: an unreadable one is Corrupt)
/// only when its day differs from the row before's — a few hundred reads a
/// year instead of one for each of tens of thousands of rows.
struct MonthOf<'a> {
    span: &'a Span,
    day: String,
    month: Option<usize>,
}

impl<'a> MonthOf<'a> {
    fn new(span: &'a Span) -> Self {
        MonthOf {
            span,
            day: String::new(),
            month: None,
        }
    }

    fn get(
        &mut self,
        stored: &str,
        read: impl Fn(&str) -> Result<NaiveDate>,
    ) -> Result<Option<usize>> {
        let day = stored.get(..10).unwrap_or(stored);
        if day != self.day {
            self.month = self.span.month_index(read(stored)?);
            day.clone_into(&mut self.day);
        }
        Ok(self.month)
    }
}

/// A reception or an entry to count: month, minutes, and (receptions) 新規.
struct Event {
    case: usize,
    month: Option<usize>,
    minutes: Option<i64>,
    is_new: bool,
}

/// A case of another 市 in a city's report: its entries are skipped.
const OTHER_CITY: usize = usize::MAX;

/// The figures of `span`; with `city`, only of the cases whose 市 (as
/// recorded at 受付) is that one, and of their 経過記録.
pub(super) fn consultations(
    conn: &Connection,
    span: &Span,
    city: Option<&str>,
) -> Result<Consultations> {
    let in_scope = |case_city: &str| city.is_none_or(|c| c == case_city);
    let from = iso(span.first);
    let to = iso(span.last);
    let after_day = span.last.succ_opt().unwrap_or(span.last);
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
    let mut month_of = MonthOf::new(span);
    let mut receptions: Vec<Event> = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT id, received_at, minutes, is_new,
                person_id, consulter_type_id, intake_method_id, city_id, area_id, sort_key
           FROM cases
          WHERE received_at >= ?1 AND received_at < ?2",
    )?;
    let mut rows = stmt.query(params![from, after])?;
    while let Some(r) = rows.next()? {
        if !in_scope(str_at(r, 7)?) {
            index.insert(r.get(0)?, OTHER_CITY);
            continue;
        }
        let case = keys.len();
        keys.push(case_keys(&mut ids, r, 4)?);
        index.insert(r.get(0)?, case);
        by_sort_key.insert(r.get(9)?, case);
        receptions.push(Event {
            case,
            month: month_of.get(str_at(r, 1)?, |s| Ok(parse_stamp(s)?.date()))?,
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
    let mut rows = stmt.query(params![key_of(span.first), key_of(after_day)])?;
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
                let (earlier, case_city) = earlier_case(conn, &mut ids, case_id)?;
                let case = if in_scope(&case_city) {
                    keys.push(earlier);
                    keys.len() - 1
                } else {
                    OTHER_CITY
                };
                index.insert(case_id.to_string(), case);
                case
            }
        };
        if case == OTHER_CITY {
            continue;
        }
        entries.push(Event {
            case,
            month: month_of.get(str_at(r, 1)?, parse_iso)?,
            minutes: r.get(2)?,
            is_new: false,
        });
    }

    let mut t = Tallies {
        months: span.months.iter().map(|_| Acc::default()).collect(),
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
    // 市外 is a 市 of its own here, not 市の記録なし.
    let city_rows: Vec<(String, String)> = office::resident_cities(conn)?
        .into_iter()
        .map(|c| (c.id, c.name))
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
        months: span
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

/// Keys and 市 id of a case received before the period that has an entry
/// in it.
fn earlier_case(
    conn: &Connection,
    ids: &mut Interner,
    case_id: &str,
) -> Result<(CaseKeys, String)> {
    let (mut keys, city) = conn
        .prepare_cached(
            "SELECT person_id, consulter_type_id, intake_method_id, city_id, area_id
               FROM cases WHERE id = ?1",
        )?
        .query_row([case_id], |r| {
            Ok((case_keys(ids, r, 0)?, str_at(r, 3)?.to_string()))
        })?;
    let mut stmt = conn.prepare_cached("SELECT item_id FROM case_categories WHERE case_id = ?1")?;
    let mut rows = stmt.query([case_id])?;
    while let Some(r) = rows.next()? {
        keys.categories.push(ids.id(str_at(r, 0)?));
    }
    Ok((keys, city))
}
