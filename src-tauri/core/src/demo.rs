//! Demo data for a newcomer and for tests: a plausible office serving two
//! cities. Names of 圏域 and the contact block are illustrative, written for
//! this project; later capabilities add their own demo records here.

use chrono::NaiveDateTime;
use rusqlite::Connection;

mod beds;
mod booklets;
pub mod cases;
mod enquiries;
mod lectures;
mod meetings;
mod registries;

use crate::office::{self, AreaInput, CityInput, OfficeInput};
use crate::{Error, Result};

/// A small deterministic generator (Numerical Recipes LCG), so the demo
/// office is the same on every machine; no rand crate needed.
pub(crate) struct Lcg(pub(crate) u64);

impl Lcg {
    /// The high bits are the good ones.
    pub(crate) fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }

    /// 0..n
    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.next() as usize % n.max(1)
    }

    /// low..=high
    pub(crate) fn between(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low + 1) as usize) as i64
    }

    pub(crate) fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What `demo-data` created, for its one-line report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub cities: usize,
    pub areas: usize,
    /// 私の意志表示帳: editions, receipts and issues of the demo ledger.
    pub booklet_editions: usize,
    pub booklet_receipts: usize,
    pub booklet_issues: usize,
    /// 相談記録: demo cases (with their lists and staff).
    pub cases: usize,
    /// 相談記録 without a patient (対象者なし), besides `cases`.
    pub enquiries: usize,
    /// 名簿: 往診登録医, hospitals with 療養支援ベッド, 関係機関.
    pub doctors: usize,
    pub support_beds: usize,
    pub organisations: usize,
    /// 講座: catalogue themes and sessions (past and upcoming).
    pub lecture_themes: usize,
    pub lecture_sessions: usize,
    /// 療養支援ベッド: 事前登録 and stays (the rota covers the 年度).
    pub bed_registrations: usize,
    pub bed_stays: usize,
    /// 会議・研修 (with their tasks, and the MCS figures).
    pub meetings: usize,
}

/// How many demo cases `demo-data` makes unless told otherwise.
pub const DEFAULT_CASES: usize = 300;

fn city(name: &str, areas: &[&str]) -> CityInput {
    CityInput {
        id: None,
        name: name.into(),
        areas: areas
            .iter()
            .map(|a| AreaInput {
                id: None,
                name: (*a).into(),
            })
            .collect(),
    }
}

pub fn office_input() -> OfficeInput {
    OfficeInput {
        name: "坂戸鶴ヶ島医師会 在宅医療相談室".into(),
        postal_code: "350-0200".into(),
        address: "埼玉県坂戸市千代田一丁目1番地 医師会館2階".into(),
        phone: "049-200-0000".into(),
        fax: "049-200-0001".into(),
        contact_person: "医療連携コーディネーター 山田 花子".into(),
        cities: vec![
            city(
                "坂戸市",
                &[
                    "坂戸・三芳野圏域",
                    "勝呂・大家圏域",
                    "入西圏域",
                    "浅羽野・千代田圏域",
                    "城山・北坂戸圏域",
                ],
            ),
            city(
                "鶴ヶ島市",
                &["北部圏域", "東部圏域", "南部圏域", "西部圏域"],
            ),
        ],
    }
}

/// Fills an empty database with the demo office. Refuses to mix demo data
/// into a database that already holds an office's own data.
pub fn fill(conn: &mut Connection, now: NaiveDateTime) -> Result<DemoSummary> {
    fill_with_cases(conn, now, DEFAULT_CASES)
}

/// [`fill`] with `case_count` demo cases (`demo-data --cases N`, benchmarks).
pub fn fill_with_cases(
    conn: &mut Connection,
    now: NaiveDateTime,
    case_count: usize,
) -> Result<DemoSummary> {
    if !office::is_blank(conn)? {
        return Err(Error::Conflict(
            "このデータベースには既にデータがあります。デモデータは空のデータベースにだけ作成できます。".into(),
        ));
    }
    let office = office::save(conn, &office_input(), now)?;
    let ledger = booklets::fill(conn, &office, now)?;
    let cases = cases::fill(conn, &office, case_count, now)?;
    let enquiries = enquiries::fill(conn, case_count / 20, now)?;
    let registries = registries::fill(conn, &office, now)?;
    let lectures = lectures::fill(conn, &office, now)?;
    let beds = beds::fill(conn, now)?;
    let meetings = meetings::fill(conn, now)?;
    Ok(DemoSummary {
        cities: office.cities.len(),
        areas: office.cities.iter().map(|c| c.areas.len()).sum(),
        booklet_editions: ledger.editions,
        booklet_receipts: ledger.receipts,
        booklet_issues: ledger.issues,
        cases,
        enquiries,
        doctors: registries.doctors,
        support_beds: registries.beds,
        organisations: registries.organisations,
        lecture_themes: lectures.themes,
        lecture_sessions: lectures.sessions,
        bed_registrations: beds.registrations,
        bed_stays: beds.stays,
        meetings,
    })
}
