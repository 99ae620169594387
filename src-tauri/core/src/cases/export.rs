//! CSV export of the cases a filter selects (the list as it is filtered on
//! screen), for Excel and LibreOffice: see [`crate::csv`].

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::Connection;

use super::search::{self, CaseFilter};
use super::{names, CaseDetail, Person};
use crate::csv::{self, Cell, Csv};
use crate::{store, Result};

const HEADERS: &[&str] = &[
    "受付番号",
    "受付日時",
    "受付方法",
    "新規・継続",
    "相談者種別",
    "相談者の所属",
    "相談者の氏名",
    "情報入手経路",
    "対象者氏名",
    "ふりがな",
    "性別",
    "生年月日",
    "年齢",
    "市",
    "日常生活圏域",
    "要介護度",
    "かかりつけ医",
    "相談内容分類",
    "相談内容",
    "対応",
    "紹介先",
    "所要時間（分）",
    "担当者",
    "状態",
    "転帰",
    "経過記録の件数",
    "4つの場面",
];

/// The whole file for the cases `filter` selects (paging ignored), newest
/// first. Dates are ISO so Excel sorts them.
pub fn export_csv(conn: &Connection, filter: &CaseFilter, today: NaiveDate) -> Result<Csv> {
    let ids = search::all_ids(conn, filter)?;
    let rows = ids
        .iter()
        .map(|id| row(&super::get(conn, id, today)?))
        .collect::<Result<Vec<_>>>()?;
    Ok(Csv::new(HEADERS, &rows))
}

fn row(d: &CaseDetail) -> Result<Vec<Cell>> {
    // An enquiry without a patient shows 対象者なし in the name column.
    let nobody = Person::default();
    let p = d.person.as_ref().unwrap_or(&nobody);
    let number = |n: Option<i64>| n.map_or_else(|| Cell::from(""), Cell::Number);
    let received = store::parse_stamp(&d.received_at)?;
    let text = |s: &str| Cell::from(s);
    Ok(vec![
        Cell::Number(d.case_no),
        Cell::from(format!(
            "{} {}",
            store::iso(received.date()),
            d.received_time
        )),
        text(&d.intake_method.name),
        text(if d.is_new { "新規" } else { "継続" }),
        text(&d.consulter_type.name),
        text(&d.consulter_affiliation),
        text(&d.consulter_name),
        text(&d.info_source),
        text(&d.person_label),
        text(&p.kana),
        text(&p.sex),
        text(p.birth_date.as_deref().unwrap_or_default()),
        number(p.age.map(i64::from)),
        text(&p.city),
        text(&p.area),
        text(&p.care_level),
        text(&p.family_doctor),
        Cell::from(names(&d.categories)),
        text(&d.content),
        Cell::from(names(&d.responses)),
        text(&d.referral_to),
        number(d.minutes),
        text(&d.staff.name),
        text(&d.status),
        text(d.outcome.as_ref().map_or("", |o| o.name.as_str())),
        Cell::Number(d.entries.len() as i64),
        Cell::from(names(&d.scenes)),
    ])
}

/// Writes the CSV into `dir` as 相談記録_<date-time>.csv and returns its path.
pub fn export_to_folder(
    conn: &Connection,
    filter: &CaseFilter,
    dir: &Path,
    now: NaiveDateTime,
    format: crate::csv::FileFormat,
) -> Result<PathBuf> {
    let file = export_csv(conn, filter, now.date())?;
    csv::save_to_folder(dir, "相談記録", now, &file, format)
}
