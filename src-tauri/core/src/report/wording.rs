//! 報告の設定 › 見出しと行の名前: each city's form words the report its own
//! way, so the office may reword the 章 headings (defaults: the 手引き's
//! items ア〜ク) and the fixed row and table names. The words are stored by
//! their default text in `report_settings` (exchanged: one office, one
//! wording) and applied once to every output: the rows of the CSV and the
//! workbook ([`Wording::apply_to_rows`]), the PDF ([`Wording::apply_to_document`])
//! and the screen (which gets [`super::Report::wording`]). Row names that
//! come from the office's own lists (相談者種別, 分類, 会議の種類, …) are
//! reworded in those lists instead.

use std::collections::{BTreeMap, HashSet};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::rows::Row;
use super::{resource_figures, Consultations};
use crate::print::layout::{Block, Document};
use crate::registries::Counts;
use crate::{meetings, text, xlsx, Error, Result};

/// The prefix of a label's key in `report_settings`.
const KEY: &str = "label:";
/// How long a heading or name may be.
const MAX_CHARS: usize = 60;
/// The indent the screen and the PDF give a うち row.
const INDENT: char = '　';

/// One word of the report that may be changed, in 設定's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// 章の見出し, ア 名簿の行, …
    pub group: &'static str,
    pub default: String,
    /// The office's word; the default when not changed.
    pub value: String,
}

/// What 設定 sends: the word for each default (empty: back to default).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelInput {
    pub default: String,
    pub value: String,
}

/// The changed words of the office: default → its word (the screen applies
/// the same map).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Wording(BTreeMap<String, String>);

/// The 章 headings: the 手引き's items, then 療養支援ベッド.
fn headings() -> Vec<String> {
    meetings::ITEMS
        .iter()
        .map(|(letter, _)| meetings::item_heading(letter))
        .chain([super::beds::SECTION_BEDS.to_string()])
        .collect()
}

/// Every word that may be changed, by group, with its default (the names
/// do not depend on any figure).
fn defaults() -> Vec<(&'static str, String)> {
    let (resources, consultations) = (Counts::default(), Consultations::default());
    let mut all: Vec<(&'static str, String)> =
        headings().into_iter().map(|h| ("章の見出し", h)).collect();
    all.extend(
        resource_figures(&resources)
            .into_iter()
            .map(|(name, _)| ("ア 名簿の行", name.to_string())),
    );
    all.extend(
        consultations
            .totals()
            .into_iter()
            .map(|(name, _)| ("オ 合計の行", name.to_string())),
    );
    all.extend(
        consultations
            .tables()
            .into_iter()
            .map(|(name, _)| ("オ 表の名前", name.to_string())),
    );
    all
}

impl Wording {
    pub fn load(conn: &Connection) -> Result<Wording> {
        let mut stmt =
            conn.prepare("SELECT substr(key, ?1), value FROM report_settings WHERE key GLOB ?2")?;
        let rows = stmt.query_map(
            rusqlite::params![KEY.chars().count() as i64 + 1, format!("{KEY}*")],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(Wording(rows.collect::<rusqlite::Result<_>>()?))
    }

    /// The office's word for `text` (a default), or `text` itself.
    pub fn of<'a>(&'a self, text: &'a str) -> &'a str {
        self.0.get(text).map_or(text, String::as_str)
    }

    /// The office's word for a printed `text`, keeping a うち row's indent.
    fn reworded(&self, text: &str) -> Option<String> {
        let bare = text.trim_start_matches(INDENT);
        let indent = &text[..text.len() - bare.len()];
        self.0.get(bare).map(|word| format!("{indent}{word}"))
    }

    fn apply(&self, text: &mut String) {
        if let Some(word) = self.reworded(text) {
            *text = word;
        }
    }

    /// The rows of the CSV and the workbook in the office's words.
    pub fn apply_to_rows(&self, rows: &mut [Row]) {
        for row in rows {
            self.apply(&mut row.section);
            self.apply(&mut row.table);
            self.apply(&mut row.name);
            self.apply(&mut row.measure);
        }
    }

    /// The printed report in the office's words: headings, captions, the
    /// first column of the tables and the keys of label / value rows.
    pub fn apply_to_document(&self, doc: &mut Document) {
        for block in &mut doc.blocks {
            match block {
                Block::Heading(t) | Block::Caption(t) => self.apply(t),
                Block::KeyValue(pairs) => pairs.iter_mut().for_each(|(k, _)| self.apply(k)),
                Block::Table { rows, .. } => rows
                    .iter_mut()
                    .filter_map(|r| r.first_mut())
                    .for_each(|t| self.apply(t)),
                _ => {}
            }
        }
    }
}

/// Every changeable word with the office's word.
pub fn labels(conn: &Connection) -> Result<Vec<Label>> {
    let wording = Wording::load(conn)?;
    Ok(defaults()
        .into_iter()
        .map(|(group, default)| Label {
            group,
            value: wording.of(&default).to_string(),
            default,
        })
        .collect())
}

/// Saves the office's words in one transaction. Each must be one line of
/// at most 60 characters (empty: the default); the 章 headings stay
/// distinct as sheet names of the workbook (Excel's 31 characters).
pub fn save_labels(conn: &mut Connection, input: &[LabelInput]) -> Result<Vec<Label>> {
    let known = defaults();
    if input.is_empty() || input.len() > known.len() {
        return Err(Error::invalid(
            "labels",
            "見出し・名前の一覧が正しくありません。画面を開き直してください。",
        ));
    }
    let mut changed = Wording::load(conn)?.0;
    for (i, label) in input.iter().enumerate() {
        let field = format!("labels.{i}.value");
        let Some((group, default)) = known.iter().find(|(_, d)| *d == label.default) else {
            return Err(Error::invalid(
                field,
                "この見出し・名前は変えられません。画面を開き直してください。",
            ));
        };
        let word = text::single_line(&field, group, &label.value, MAX_CHARS, false)?;
        if word.is_empty() || word == *default {
            changed.remove(default);
        } else {
            changed.insert(default.clone(), word);
        }
    }
    let wording = Wording(changed);
    let mut sheets = HashSet::new();
    for (i, heading) in headings().iter().enumerate() {
        let sheet = xlsx::sheet_name(wording.of(heading));
        if !sheets.insert(sheet.clone()) {
            let at = input
                .iter()
                .position(|l| l.default == *heading)
                .unwrap_or(i);
            return Err(Error::invalid(
                format!("labels.{at}.value"),
                format!("章の見出しは先頭31文字がほかの章と同じにならないようにしてください（Excelのシート名「{sheet}」が重なります）。"),
            ));
        }
    }
    // Only what changed is written, so the change record shows just that.
    let before = Wording::load(conn)?.0;
    let tx = conn.transaction()?;
    for default in before.keys().filter(|d| !wording.0.contains_key(*d)) {
        tx.execute(
            "DELETE FROM report_settings WHERE key = ?1",
            [format!("{KEY}{default}")],
        )?;
    }
    for (default, word) in wording.0.iter().filter(|(d, w)| before.get(*d) != Some(w)) {
        tx.execute(
            "INSERT INTO report_settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [format!("{KEY}{default}"), word.clone()],
        )?;
    }
    tx.commit()?;
    labels(conn)
}
