//! CSV export of the cases a filter selects (the list as it is filtered on
//! screen), for Excel and LibreOffice: see [`crate::csv`].

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::Connection;

use super::search::{self, CaseFilter};
use crate::csv::{self, Cell};
use crate::Result;

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
];

/// The whole file for the cases `filter` selects (paging ignored), newest
/// first. Dates are ISO so Excel sorts them.
pub fn export_csv(conn: &Connection, filter: &CaseFilter, today: NaiveDate) -> Result<Vec<u8>> {
    let ids = search::all_ids(conn, filter)?;
    let mut rows = Vec::with_capacity(ids.len());
    let names = |items: &[super::Named]| {
        items
            .iter()
            .map(|n| n.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    for id in ids {
        let d = super::get(conn, &id, today)?;
        let p = &d.person;
        let opt = |n: Option<i64>| n.map(Cell::Number).unwrap_or_else(|| Cell::from(""));
        rows.push(vec![
            Cell::Number(d.case_no),
            Cell::from(
                d.received_at
                    .replace('T', " ")
                    .get(..16)
                    .unwrap_or_default(),
            ),
            Cell::from(d.intake_method.name.as_str()),
            Cell::from(if d.is_new { "新規" } else { "継続" }),
            Cell::from(d.consulter_type.name.as_str()),
            Cell::from(d.consulter_affiliation.as_str()),
            Cell::from(d.consulter_name.as_str()),
            Cell::from(d.info_source.as_str()),
            Cell::from(p.name.as_str()),
            Cell::from(p.kana.as_str()),
            Cell::from(p.sex.as_str()),
            Cell::from(p.birth_date.clone().unwrap_or_default()),
            opt(p.age.map(i64::from)),
            Cell::from(p.city.as_str()),
            Cell::from(p.area.as_str()),
            Cell::from(p.care_level.as_str()),
            Cell::from(p.family_doctor.as_str()),
            Cell::from(names(&d.categories)),
            Cell::from(d.content.as_str()),
            Cell::from(names(&d.responses)),
            Cell::from(d.referral_to.as_str()),
            opt(d.minutes),
            Cell::from(d.staff.name.as_str()),
            Cell::from(d.status.as_str()),
            Cell::from(
                d.outcome
                    .as_ref()
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
            ),
            Cell::Number(d.entries.len() as i64),
        ]);
    }
    Ok(csv::to_bytes(HEADERS, &rows))
}

/// Writes the CSV into `dir` as 相談記録_<date-time>.csv and returns its path.
pub fn export_to_folder(
    conn: &Connection,
    filter: &CaseFilter,
    dir: &Path,
    now: NaiveDateTime,
) -> Result<PathBuf> {
    let bytes = export_csv(conn, filter, now.date())?;
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("相談記録_{}.csv", now.format("%Y%m%d-%H%M%S")));
    let partial = path.with_extension("csv.part");
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, &path)?;
    Ok(path)
}
