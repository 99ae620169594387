//! Every table of the schema, once: what staff call it, whether its rows
//! travel between the office PCs, how a row is named, and what the access
//! record (store/audit.rs) copies of it. The audit triggers, the labels of
//! the 設定 screen's change record, the restore confirmation (backup) and
//! the exchange between PCs all read this list; a test checks it against
//! `sqlite_master` after every migration.

use rusqlite::Connection;

use crate::Result;

/// One table. Listed in the order the migrations create them, which is the
/// order the restore confirmation shows them in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    pub name: &'static str,
    /// What office staff call it (change record, restore confirmation).
    pub label: &'static str,
    pub scope: Scope,
    /// How a change record (and an exchanged change) names a row.
    pub id: RowId,
    /// The columns the change record copies (separated by spaces), or
    /// `None` for a table that is not recorded there (cases and booklet
    /// entries keep their own, more detailed histories; histories and
    /// indexes are not a person's change). An empty list records the fact
    /// of a change only.
    audit: Option<&'static str>,
    /// A history: rows are only ever appended, by the app. Nothing in the
    /// app edits or deletes them, a restore carries newer rows forward
    /// instead of rewinding them, and their rows are hash-chained.
    pub history: bool,
}

/// Whether the rows of a table are exchanged between the office PCs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The office's records: the same on every PC once changes are exchanged.
    Exchanged,
    /// Belongs to this PC only; never sent to another.
    Local,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowId {
    /// A column of the row (its key, or the record it belongs to).
    Column(&'static str),
    /// The one row of a single-row table, named by this fixed text.
    Single(&'static str),
}

impl RowId {
    /// The SQL expression of the id of `row` (`NEW`, `OLD` or a table name).
    pub fn sql(self, row: &str) -> String {
        match self {
            RowId::Column(column) => format!("{row}.{column}"),
            RowId::Single(name) => format!("'{name}'"),
        }
    }
}

impl Table {
    const fn new(name: &'static str, label: &'static str, id: RowId, scope: Scope) -> Table {
        Table {
            name,
            label,
            scope,
            id,
            audit: None,
            history: false,
        }
    }

    const fn history(self) -> Table {
        Table {
            history: true,
            ..self
        }
    }

    const fn audited(self, columns: &'static str) -> Table {
        Table {
            audit: Some(columns),
            ..self
        }
    }

    /// The columns the change record copies, if the table is recorded.
    pub fn audit_columns(&self) -> Option<Vec<&'static str>> {
        self.audit.map(|c| c.split_whitespace().collect())
    }

    /// A table of many records of the office (not a single-row table, not
    /// this PC's own), as counted before a restore.
    pub fn holds_records(&self) -> bool {
        self.scope == Scope::Exchanged && matches!(self.id, RowId::Column(_))
    }
}

use RowId::{Column, Single};
use Scope::{Exchanged, Local};

const ID: RowId = Column("id");
const SEQ: RowId = Column("seq");
const ROWID: RowId = Column("rowid");

/// Everything a person records for the office is exchanged; only what
/// belongs to one PC, or is rebuilt on each PC, is local (reason at each).
#[rustfmt::skip]
pub const TABLES: &[Table] = &[
    // 1: office settings, cities and their 日常生活圏域.
    Table::new("office", "事業所情報", Single("office"), Exchanged)
        .audited("name postal_code address phone fax contact_person"),
    Table::new("cities", "市", ID, Exchanged).audited("name sort_order"),
    Table::new("areas", "日常生活圏域", ID, Exchanged).audited("city_id name sort_order"),
    // 2: Local: the backup folder (a drive of this PC), its generations,
    // the last backup of this PC and the screen-lock minutes (a laptop
    // that leaves the office locks sooner) are properties of the PC.
    Table::new("app_settings", "設定", Column("key"), Local).audited("value"),
    // 3: 私の意志表示帳.
    Table::new("booklet_editions", "意志表示帳の版", ID, Exchanged)
        .audited("title edition publisher notes low_stock_threshold is_booklet"),
    Table::new("booklet_channels", "配布経路", ID, Exchanged).audited("name sort_order active"),
    Table::new("booklet_entries", "意志表示帳の入庫・配布", ID, Exchanged),
    Table::new("booklet_entry_changes", "意志表示帳の入庫・配布の変更履歴", SEQ, Exchanged)
        .history(),
    // 4: 相談記録.
    Table::new("case_list_items", "相談記録の一覧項目", ID, Exchanged)
        .audited("kind name sort_order retired"),
    Table::new("persons", "対象者", ID, Exchanged),
    Table::new("cases", "相談記録", ID, Exchanged),
    Table::new("case_categories", "相談記録の相談内容分類", Column("case_id"), Exchanged),
    Table::new("case_responses", "相談記録の対応", Column("case_id"), Exchanged),
    Table::new("case_entries", "経過記録", ID, Exchanged),
    Table::new("case_changes", "相談記録の変更履歴", SEQ, Exchanged).history(),
    // Local: search indexes over cases, rebuilt from them on each PC
    // (a virtual table cannot be part of an exchanged change).
    Table::new("case_search_tri", "相談記録の検索用索引", ROWID, Local),
    Table::new("case_search_chr", "相談記録の検索用索引（1〜2文字）", ROWID, Local),
    // 5: a staff member signs in with the same PIN or password on every PC. Hashes
    // are never copied into the change record, only the fact.
    // updated_at: a new PIN of the same kind is a change to record too.
    Table::new("staff_pins", "暗証番号・パスワード", Column("staff_id"), Exchanged)
        .audited("kind must_change updated_at"),
    // 6: Local: what was changed on this PC, numbered by this PC (`seq`),
    // so rows of two PCs would collide.
    Table::new("audit_log", "設定の変更の記録", SEQ, Local).history(),
    // 7: 関係機関.
    Table::new("organisations", "関係機関", ID, Exchanged)
        .audited("kind name department address phone fax email contact_person city_id notes retired registered_on retired_on"),
    // 8: 出前講座・市民公開講座.
    Table::new("lecture_venues", "講座の会場", ID, Exchanged)
        .audited("name address city_id retired"),
    Table::new("lecture_themes", "講座テーマ", ID, Exchanged)
        .audited("number title organisation_id summary duration_minutes audience retired"),
    Table::new("questionnaires", "アンケートの様式", ID, Exchanged)
        .audited("name version superseded_at"),
    Table::new("questionnaire_questions", "アンケートの質問", ID, Exchanged),
    Table::new("questionnaire_choices", "アンケートの選択肢", ID, Exchanged),
    Table::new("lecture_sessions", "講座の開催", ID, Exchanged),
    Table::new("lecture_tallies", "アンケートの集計", Column("session_id"), Exchanged),
    Table::new("lecture_comments", "アンケートの自由記述", ID, Exchanged),
    // 9: the booklet as printed.
    Table::new("booklet_template", "意志表示帳の文面（表紙）", Single("booklet_template"), Exchanged)
        .audited("title subtitle edition cover_note"),
    Table::new("booklet_template_sections", "意志表示帳の文面（項目）", Column("position"), Exchanged)
        .audited("title body blank_lines"),
    // 10: 名簿.
    Table::new("doctors", "往診登録医", ID, Exchanged)
        .audited(concat!(
            "name kana clinic address phone fax city_id home_visits regular_visits end_of_life ",
            "round_the_clock dementia_consult sheet_updated_on notes retired registered_on retired_on",
        )),
    Table::new("doctor_areas", "往診登録医の担当圏域", Column("doctor_id"), Exchanged)
        .audited("area_id"),
    Table::new("support_beds", "療養支援ベッド", ID, Exchanged)
        .audited("hospital city_id phone beds notes retired registered_on retired_on"),
    Table::new("support_bed_updates", "療養支援ベッドの空床", ID, Exchanged)
        .audited("bed_id checked_on free_beds note"),
    // 12: Local: wrong PINs typed on this PC and the wait they impose. Not
    // audited by trigger: access::sign_in records each attempt itself.
    Table::new("sign_in_failures", "暗証番号の誤りの回数", Column("staff_id"), Local),
    // 13: a member is 管理者 or 職員 on every PC.
    Table::new("staff_roles", "担当者の権限", Column("staff_id"), Exchanged).audited("role"),
    // 14: Exchanged: a 管理者 must see who opened or output the office's
    // records on any of its PCs, and the rows name staff and records that
    // are the same on every PC. Named by a UUID `id`; `seq` is only this
    // PC's order, which its hash chain follows.
    Table::new("access_log", "閲覧・出力記録", ID, Exchanged).history(),
    // Local: each history table's chain length and last link on this PC
    // (store/history.rs); the chains themselves are this PC's.
    Table::new("history_heads", "変更履歴の連鎖の末尾", Column("table_name"), Local),
    // The report's definitions and wording: one office, one report.
    Table::new("report_settings", "報告の設定", Column("key"), Exchanged).audited("value"),
    // 17: 療養支援ベッド (事前登録・輪番表・利用記録).
    Table::new("bed_stay_reasons", "療養支援ベッドの利用理由", ID, Exchanged)
        .audited("name sort_order retired"),
    Table::new("bed_registrations", "療養支援ベッドの事前登録", ID, Exchanged)
        .audited("person_id consent_on valid_until doctor_id care_manager notes"),
    Table::new("bed_rota", "療養支援ベッドの輪番表", Column("day"), Exchanged).audited("bed_id"),
    Table::new("bed_stays", "療養支援ベッドの利用記録", ID, Exchanged)
        .audited("person_id bed_id admitted_on discharged_on reason_id outcome case_id notes"),
    // 18: a case's 4つの場面, kept in the case's own history like its other
    // links (so not audited here).
    Table::new("case_scenes", "相談記録の4つの場面", Column("case_id"), Exchanged),
    // 19: 会議・研修 and the MCS figures.
    Table::new("meeting_kinds", "会議・研修の種類", ID, Exchanged)
        .audited("name item sort_order retired"),
    Table::new("meeting_occupations", "会議・研修の職種", ID, Exchanged)
        .audited("name sort_order retired"),
    Table::new("meetings", "会議・研修", ID, Exchanged)
        .audited(concat!(
            "kind_id title meeting_date start_time end_time venue organiser agenda decisions ",
            "minutes lecture_session_id",
        )),
    Table::new("meeting_organisations", "会議・研修の参加機関", Column("meeting_id"), Exchanged)
        .audited("position name attendees"),
    Table::new("meeting_attendance", "会議・研修の職種別参加者", Column("meeting_id"), Exchanged)
        .audited("occupation_id attendees"),
    Table::new("meeting_tasks", "会議・研修の宿題", ID, Exchanged)
        .audited("meeting_id position task owner due_on done"),
    Table::new("mcs_figures", "MCSの登録数", ID, Exchanged).audited("as_of offices members"),
];

/// The entry of `name`, if it is a table of the schema.
pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

/// The tables of the list that this database has (an older backup lacks
/// the newer ones), in the list's order.
pub fn present(conn: &Connection) -> Result<Vec<&'static Table>> {
    let names: Vec<String> = conn
        .prepare("SELECT name FROM main.sqlite_master WHERE type = 'table'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(TABLES
        .iter()
        .filter(|t| names.iter().any(|n| n == t.name))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store;

    fn names(conn: &Connection, sql: &str) -> Vec<String> {
        conn.prepare(sql)
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn the_list_names_every_table_of_the_schema_and_no_other() -> Result<()> {
        let conn = store::open_in_memory()?;
        let virtual_tables = names(
            &conn,
            "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'",
        );
        // SQLite's own tables and the shadow tables of a virtual table
        // (an FTS index's _data, _idx, …) are part of something listed.
        let schema: Vec<String> = names(
            &conn,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'",
        )
        .into_iter()
        .filter(|n| {
            !virtual_tables
                .iter()
                .any(|v| n.starts_with(&format!("{v}_")))
        })
        .collect();
        for name in &schema {
            assert!(table(name).is_some(), "table {name} has no entry in TABLES");
        }
        for t in TABLES {
            assert!(
                schema.iter().any(|n| n == t.name),
                "TABLES names {}, which the schema lacks",
                t.name
            );
            assert_eq!(
                TABLES.iter().filter(|u| u.name == t.name).count(),
                1,
                "{} twice",
                t.name
            );
            let columns = names(
                &conn,
                &format!("SELECT name FROM pragma_table_info('{}')", t.name),
            );
            let id = match t.id {
                RowId::Column(c) => Some(c),
                RowId::Single(_) => None,
            };
            let audited = t.audit_columns().unwrap_or_default();
            for c in id.iter().chain(&audited).filter(|c| **c != "rowid") {
                assert!(
                    columns.iter().any(|n| n == c),
                    "{}.{c} does not exist",
                    t.name
                );
            }
        }
        let created = names(
            &conn,
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid",
        );
        let order: Vec<&str> = created
            .iter()
            .filter_map(|n| table(n))
            .map(|t| t.name)
            .collect();
        let listed: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
        assert_eq!(
            order, listed,
            "TABLES is in the order the migrations create the tables"
        );
        Ok(())
    }
}
