//! 相談支援 (item オ): receptions and contacts (連絡・対応の経過記録) of the
//! period tallied by month, 相談者種別・相手, 相談内容分類, 4つの場面, 対応,
//! 転帰, 手段 (受付方法), 市 and 圏域. The definitions printed with the report
//! are [`super::definitions`].

use rustc_hash::{FxHashMap, FxHashSet};

use chrono::{NaiveDate, NaiveTime};
use rusqlite::{params, Connection};
use serde::Serialize;

use crate::cases::lists::{self, ListKind};
use crate::period::{month_label, Span};
use crate::store::{iso, parse_iso, parse_stamp};
use crate::xlsx::Value;
use crate::{office, Result};

/// One row of a breakdown: 実人数 among this row's receptions and contacts,
/// 受付件数, contacts (経過記録) and their sum, the row's 延べ件数.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub name: String,
    pub persons: i64,
    pub cases: i64,
    pub entries: i64,
    pub total: i64,
}

/// 相談支援 (item オ).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Consultations {
    /// 実人数: persons with a reception or a contact in the period.
    pub persons: i64,
    /// 実人数 of which 新規 and 継続.
    pub new_persons: i64,
    pub continuing_persons: i64,
    /// 受付件数
    pub cases: i64,
    /// 受付件数 of which 新規 and 継続 (as marked at 受付).
    pub new_cases: i64,
    pub continuing_cases: i64,
    /// 受付件数 of enquiries without a patient (対象者なし).
    pub no_person_cases: i64,
    /// 経過記録 marked as a contact (連絡・対応).
    pub entries: i64,
    /// 経過記録 that are memos: counted in no 延べ.
    pub memos: i64,
    /// 延べ件数 = 受付件数 + contacts.
    pub total: i64,
    /// Receptions and contacts with 所要時間 recorded, and their minutes.
    pub timed: i64,
    pub minutes: i64,
    /// 平均所要時間 in minutes, one decimal; `None` when nothing was timed.
    pub average_minutes: Option<f64>,
    /// Every month of the period, in order.
    pub months: Vec<Tally>,
    /// The breakdowns, each in the order of its list and with a last row
    /// (その他, 分類なし, 記録なし, 市の記録なし …) for what is outside the
    /// list when there is any. A case counts under each of its categories,
    /// 場面 and 対応.
    pub consulter_types: Vec<Tally>,
    pub categories: Vec<Tally>,
    pub scenes: Vec<Tally>,
    pub responses: Vec<Tally>,
    pub outcomes: Vec<Tally>,
    pub intake_methods: Vec<Tally>,
    pub cities: Vec<Tally>,
    pub areas: Vec<Tally>,
}

impl Consultations {
    /// The totals in the report's order (表 合計 of the files, the PDF's
    /// first table).
    pub fn totals(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("実人数", self.persons.into()),
            ("うち新規", self.new_persons.into()),
            ("うち継続", self.continuing_persons.into()),
            ("受付件数", self.cases.into()),
            ("うち新規の相談", self.new_cases.into()),
            ("うち継続の相談", self.continuing_cases.into()),
            ("うち対象者なし", self.no_person_cases.into()),
            ("経過記録（連絡・対応）", self.entries.into()),
            ("延べ件数", self.total.into()),
            ("メモ（延べに含めない）", self.memos.into()),
            (
                "平均所要時間（分）",
                self.average_minutes.map_or(Value::Empty, Value::Decimal),
            ),
        ]
    }

    /// The breakdowns under their table names, in the report's order.
    pub fn tables(&self) -> [(&'static str, &[Tally]); 9] {
        [
            ("月別", &self.months),
            ("相談者種別・相手別", &self.consulter_types),
            ("相談内容分類", &self.categories),
            ("4つの場面別", &self.scenes),
            ("対応別", &self.responses),
            ("転帰別", &self.outcomes),
            ("市別", &self.cities),
            ("圏域別", &self.areas),
            ("受付方法・手段別", &self.intake_methods),
        ]
    }
}

// ---------------------------------------------------------------- tallying

/// Persons of a row as a bitset over their interned ids (dense small
/// numbers): setting a bit is cheaper than hashing into a set, and a year's
/// rows are counted hundreds of thousands of times.
#[derive(Default, Clone)]
struct Persons(Vec<u64>);

impl Persons {
    fn insert(&mut self, person: u32) {
        let (word, bit) = (person as usize / 64, person % 64);
        if word >= self.0.len() {
            self.0.resize(word + 1, 0);
        }
        self.0[word] |= 1 << bit;
    }

    fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }
}

/// A row being counted: persons as a set, receptions and contacts as counts.
#[derive(Default, Clone)]
struct Acc {
    persons: Persons,
    cases: i64,
    entries: i64,
}

impl Acc {
    fn count(&mut self, person: u32, reception: bool) {
        if person != NOBODY {
            self.persons.insert(person);
        }
        if reception {
            self.cases += 1;
        } else {
            self.entries += 1;
        }
    }

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

/// The interned "none": no person (an enquiry without a patient), no 市, …
const NOBODY: u32 = 0;

impl Interner {
    fn new() -> Self {
        let mut ids = FxHashMap::with_capacity_and_hasher(16_384, Default::default());
        ids.insert(String::new(), NOBODY);
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

/// One breakdown: its rows by name and the interned ids that count in
/// each. Ids of items with the same name share a row (相談者種別 and 相手
/// 「本人」); anything else counts in the last row, `missing`, shown only
/// when it has counts — and so does each row in `optional`.
struct Breakdown {
    names: Vec<String>,
    /// Row of each interned id (indexed by id); ids beyond it are missing.
    slot: Vec<usize>,
    accs: Vec<Acc>,
    /// Rows shown only when they have counts (besides `missing`).
    optional: FxHashSet<usize>,
}

impl Breakdown {
    fn new(ids: &mut Interner, rows: &[(String, String)], missing: &str) -> Self {
        let mut b = Breakdown {
            names: Vec::new(),
            slot: Vec::new(),
            accs: Vec::new(),
            optional: FxHashSet::default(),
        };
        let mut slots = Vec::new();
        for (id, name) in rows {
            let at = match b.names.iter().position(|n| n == name) {
                Some(at) => at,
                None => {
                    b.names.push(name.clone());
                    b.names.len() - 1
                }
            };
            slots.push((ids.id(id), at));
        }
        b.names.push(missing.to_string());
        b.accs = vec![Acc::default(); b.names.len()];
        for (id, at) in slots {
            b.set_slot(id, at);
        }
        b
    }

    fn set_slot(&mut self, key: u32, at: usize) {
        let key = key as usize;
        if key >= self.slot.len() {
            let missing = self.names.len() - 1;
            self.slot.resize(key + 1, missing);
        }
        self.slot[key] = at;
    }

    /// A row for `key` (an interned sentinel) before `missing`, shown only
    /// when it has counts.
    fn optional_row(mut self, key: u32, name: &str) -> Self {
        let at = self.names.len() - 1;
        self.names.insert(at, name.to_string());
        self.accs.push(Acc::default());
        for slot in self.slot.iter_mut() {
            if *slot >= at {
                *slot += 1;
            }
        }
        self.set_slot(key, at);
        self.optional.insert(at);
        self
    }

    fn count(&mut self, key: u32, person: u32, reception: bool) {
        let missing = self.names.len() - 1;
        let at = self.slot.get(key as usize).copied().unwrap_or(missing);
        self.accs[at].count(person, reception);
    }

    /// Counts under each key, or under `missing` when there is none.
    fn count_each(&mut self, keys: &[u32], person: u32, reception: bool) {
        if keys.is_empty() {
            self.count(NOBODY, person, reception);
        }
        for &key in keys {
            self.count(key, person, reception);
        }
    }

    fn tallies(&self) -> Vec<Tally> {
        let missing = self.names.len() - 1;
        self.names
            .iter()
            .zip(&self.accs)
            .enumerate()
            .filter(|(i, (_, acc))| {
                (*i != missing && !self.optional.contains(i)) || acc.cases + acc.entries > 0
            })
            .map(|(_, (name, acc))| acc.tally(name.clone()))
            .collect()
    }
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
    outcome: u32,
    categories: Vec<u32>,
    scenes: Vec<u32>,
    responses: Vec<u32>,
}

/// A text column borrowed from the row, without allocating.
fn str_at<'a>(r: &'a rusqlite::Row, i: usize) -> rusqlite::Result<&'a str> {
    Ok(r.get_ref(i)?.as_str_or_null()?.unwrap_or(""))
}

/// Stands for the 市 and 圏域 of an enquiry without a patient, which has
/// none (it is no resident's): a row of its own, not 市の記録なし.
const NO_PERSON_PLACE: &str = "\u{E000}対象者なし";

/// Keys from the columns person_id, consulter_type_id, intake_method_id,
/// city_id, area_id, outcome_id starting at `first`.
fn case_keys(ids: &mut Interner, r: &rusqlite::Row, first: usize) -> rusqlite::Result<CaseKeys> {
    let person = ids.id(str_at(r, first)?);
    let place = |ids: &mut Interner, i| -> rusqlite::Result<u32> {
        if person == NOBODY {
            Ok(ids.id(NO_PERSON_PLACE))
        } else {
            Ok(ids.id(str_at(r, i)?))
        }
    };
    Ok(CaseKeys {
        person,
        consulter: ids.id(str_at(r, first + 1)?),
        intake: ids.id(str_at(r, first + 2)?),
        city: place(ids, first + 3)?,
        area: place(ids, first + 4)?,
        outcome: ids.id(str_at(r, first + 5)?),
        categories: Vec::new(),
        scenes: Vec::new(),
        responses: Vec::new(),
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

/// A reception or a contact to count.
struct Event {
    case: usize,
    month: Option<usize>,
    minutes: Option<i64>,
    /// Receptions: marked 新規 at 受付.
    is_new: bool,
    /// Contacts: 手段, 相手 and 対応 of the entry (0 when not recorded).
    method: u32,
    party: u32,
    response: u32,
}

/// A case of another 市 in a city's report: its entries are skipped.
const OTHER_CITY: usize = usize::MAX;

/// The links of the cases received in the period from `table`
/// (case_categories, case_scenes, case_responses) to `items` (id, name),
/// added to each case's keys by `add`. sort_key starts with the 受付
/// minute, so each item is one short range of the (item_id, sort_key)
/// index, read item by item: the rows need not carry (nor be hashed by)
/// the item's id, and sort_key is the case's own, an integer to look up.
fn period_links(
    conn: &Connection,
    table: &str,
    items: &[(String, String)],
    span: &Span,
    by_sort_key: &FxHashMap<i64, usize>,
    ids: &mut Interner,
    mut add: impl FnMut(usize, u32),
) -> Result<()> {
    let key_of = |day: NaiveDate| crate::cases::search::sort_key(day.and_time(NaiveTime::MIN), 0);
    let after = span.last.succ_opt().unwrap_or(span.last);
    let (from, to) = (key_of(span.first), key_of(after));
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT sort_key FROM {table} WHERE item_id = ?1 AND sort_key >= ?2 AND sort_key < ?3"
    ))?;
    for (id, _) in items {
        let item = ids.id(id);
        let mut rows = stmt.query(params![id, from, to])?;
        while let Some(r) = rows.next()? {
            if let Some(&case) = by_sort_key.get(&r.get::<_, i64>(0)?) {
                add(case, item);
            }
        }
    }
    Ok(())
}

/// The figures of `span`; with `city`, only of the cases whose 市 (as
/// recorded at 受付) is that one, and of their 経過記録 (so never of an
/// enquiry without a patient, which has no 市).
pub(super) fn consultations(
    conn: &Connection,
    span: &Span,
    city: Option<&str>,
) -> Result<Consultations> {
    let in_scope = |case_city: &str| city.is_none_or(|c| c == case_city);
    let from = iso(span.first);
    let to = iso(span.last);
    let after = iso(span.last.succ_opt().unwrap_or(span.last));
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
        "SELECT id, received_at, minutes, is_new, person_id, consulter_type_id,
                intake_method_id, city_id, area_id, outcome_id, sort_key
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
        by_sort_key.insert(r.get(10)?, case);
        receptions.push(Event {
            case,
            month: month_of.get(str_at(r, 1)?, |s| Ok(parse_stamp(s)?.date()))?,
            minutes: r.get(2)?,
            is_new: r.get(3)?,
            method: NOBODY,
            party: NOBODY,
            response: NOBODY,
        });
    }
    let category_rows = list_rows(conn, ListKind::Category)?;
    let scene_rows = list_rows(conn, ListKind::Scene)?;
    let response_rows = list_rows(conn, ListKind::Response)?;
    for (table, kind, items) in [
        ("case_categories", ListKind::Category, &category_rows),
        ("case_scenes", ListKind::Scene, &scene_rows),
        ("case_responses", ListKind::Response, &response_rows),
    ] {
        period_links(
            conn,
            table,
            items,
            span,
            &by_sort_key,
            &mut ids,
            |case, item| {
                let k = &mut keys[case];
                match kind {
                    ListKind::Category => k.categories.push(item),
                    ListKind::Scene => k.scenes.push(item),
                    _ => k.responses.push(item),
                }
            },
        )?;
    }

    // 経過記録 in the period; a case received before it is looked up. Memos
    // are only counted.
    let mut entries: Vec<Event> = Vec::new();
    let mut memos = 0;
    let first_earlier = keys.len();
    let mut stmt = conn.prepare_cached(
        "SELECT case_id, entry_date, minutes, contact, method_id, party_id, response_id
           FROM case_entries WHERE entry_date BETWEEN ?1 AND ?2",
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
        if !r.get::<_, bool>(3)? {
            memos += 1;
            continue;
        }
        entries.push(Event {
            case,
            month: month_of.get(str_at(r, 1)?, parse_iso)?,
            minutes: r.get(2)?,
            is_new: false,
            method: ids.id(str_at(r, 4)?),
            party: ids.id(str_at(r, 5)?),
            response: ids.id(str_at(r, 6)?),
        });
    }

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
    // 相談者種別 and the 相手 of contacts in one table: 相手 named like a
    // 相談者種別 (本人, ケアマネジャー …) share its row, the others follow.
    let mut consulter_rows = list_rows(conn, ListKind::ConsulterType)?;
    consulter_rows.extend(list_rows(conn, ListKind::ContactParty)?);
    let no_person_place = ids.id(NO_PERSON_PLACE);
    let mut t = Tables {
        months: span.months.iter().map(|_| Acc::default()).collect(),
        consulter: Breakdown::new(&mut ids, &consulter_rows, "一覧にない種別"),
        category: Breakdown::new(&mut ids, &category_rows, "分類なし"),
        scene: Breakdown::new(&mut ids, &scene_rows, "場面の記録なし"),
        response: Breakdown::new(&mut ids, &response_rows, "対応の記録なし"),
        outcome: Breakdown::new(
            &mut ids,
            &list_rows(conn, ListKind::Outcome)?,
            "転帰の記録なし（対応中など）",
        ),
        intake: Breakdown::new(
            &mut ids,
            &list_rows(conn, ListKind::IntakeMethod)?,
            "その他",
        ),
        city: Breakdown::new(&mut ids, &city_rows, "市の記録なし")
            .optional_row(no_person_place, NO_PERSON_ROW),
        area: Breakdown::new(&mut ids, &area_rows, "圏域の記録なし")
            .optional_row(no_person_place, NO_PERSON_ROW),
    };

    let mut persons = FxHashSet::default();
    let mut new_persons = FxHashSet::default();
    // Persons with a contact on a case received before the period: 継続.
    let mut carried_over = FxHashSet::default();
    let (mut timed, mut minutes) = (0, 0);
    for e in &receptions {
        let k = &keys[e.case];
        if k.person != NOBODY {
            persons.insert(k.person);
            if e.is_new {
                new_persons.insert(k.person);
            }
        }
        t.add(e, k, true);
        if let Some(m) = e.minutes {
            timed += 1;
            minutes += m;
        }
    }
    for e in &entries {
        let k = &keys[e.case];
        if k.person != NOBODY {
            persons.insert(k.person);
            if e.case >= first_earlier {
                carried_over.insert(k.person);
            }
        }
        t.add(e, k, false);
        if let Some(m) = e.minutes {
            timed += 1;
            minutes += m;
        }
    }
    let new_count = new_persons.difference(&carried_over).count() as i64;
    let cases = receptions.len() as i64;
    let new_cases = receptions.iter().filter(|e| e.is_new).count() as i64;
    let no_person_cases = receptions
        .iter()
        .filter(|e| keys[e.case].person == NOBODY)
        .count() as i64;
    let contacts = entries.len() as i64;
    Ok(Consultations {
        persons: persons.len() as i64,
        new_persons: new_count,
        continuing_persons: persons.len() as i64 - new_count,
        cases,
        new_cases,
        continuing_cases: cases - new_cases,
        no_person_cases,
        entries: contacts,
        memos,
        total: cases + contacts,
        timed,
        minutes,
        average_minutes: (timed > 0).then(|| (minutes as f64 * 10.0 / timed as f64).round() / 10.0),
        months: span
            .months
            .iter()
            .zip(&t.months)
            .map(|(m, acc)| acc.tally(month_label(*m)))
            .collect(),
        consulter_types: t.consulter.tallies(),
        categories: t.category.tallies(),
        scenes: t.scene.tallies(),
        responses: t.response.tallies(),
        outcomes: t.outcome.tallies(),
        intake_methods: t.intake.tallies(),
        cities: t.city.tallies(),
        areas: t.area.tallies(),
    })
}

/// The row of enquiries without a patient in the 市別 and 圏域別 tables.
pub const NO_PERSON_ROW: &str = "対象者なし（一般的な相談・問い合わせ）";

struct Tables {
    months: Vec<Acc>,
    consulter: Breakdown,
    category: Breakdown,
    scene: Breakdown,
    response: Breakdown,
    outcome: Breakdown,
    intake: Breakdown,
    city: Breakdown,
    area: Breakdown,
}

impl Tables {
    /// Counts one reception or one contact of the case `k`. A contact
    /// counts under its own 手段 and 相手 and 対応 where recorded; without a
    /// 手段 or 相手, under its case's 受付方法 or 相談者種別.
    fn add(&mut self, e: &Event, k: &CaseKeys, reception: bool) {
        let person = k.person;
        if let Some(acc) = e.month.and_then(|m| self.months.get_mut(m)) {
            acc.count(person, reception);
        }
        let or_case = |own: u32, case: u32| if own == NOBODY { case } else { own };
        self.consulter
            .count(or_case(e.party, k.consulter), person, reception);
        self.intake
            .count(or_case(e.method, k.intake), person, reception);
        self.city.count(k.city, person, reception);
        self.area.count(k.area, person, reception);
        self.outcome.count(k.outcome, person, reception);
        self.category.count_each(&k.categories, person, reception);
        self.scene.count_each(&k.scenes, person, reception);
        if reception {
            self.response.count_each(&k.responses, person, reception);
        } else {
            self.response.count(e.response, person, reception);
        }
    }
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
            "SELECT person_id, consulter_type_id, intake_method_id, city_id, area_id, outcome_id
               FROM cases WHERE id = ?1",
        )?
        .query_row([case_id], |r| {
            Ok((case_keys(ids, r, 0)?, str_at(r, 3)?.to_string()))
        })?;
    for (table, list) in [
        ("case_categories", &mut keys.categories),
        ("case_scenes", &mut keys.scenes),
    ] {
        let mut stmt =
            conn.prepare_cached(&format!("SELECT item_id FROM {table} WHERE case_id = ?1"))?;
        let mut rows = stmt.query([case_id])?;
        while let Some(r) = rows.next()? {
            list.push(ids.id(str_at(r, 0)?));
        }
    }
    Ok((keys, city))
}
