//! 閲覧・出力記録: who opened or output what, and when. Opening a case,
//! each CSV export, each PDF saved or opened for printing, backups,
//! restores, deleted backup generations, sign-in, sign-out, screen lock and
//! refused sign-ins are recorded with the staff member's id and name, the
//! kind, and what was touched as record ids or a file kind — never a
//! patient's name or other patient data.
//!
//! The table is a history (store/history.rs): nothing in the app edits or
//! deletes its rows, and they are hash-chained. A 管理者 reads it in 設定
//! ([`page`]) and exports it ([`csv`]).

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use rusqlite::types::Value;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::access::Actor;
use crate::csv::{self, Cell, Csv};
use crate::{period, store, text, wareki, Error, Result};

/// What was done. Stored as its code; staff see its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    CaseView,
    CsvExport,
    PdfSave,
    PdfPrint,
    Backup,
    Restore,
    BackupDelete,
    SignIn,
    SignOut,
    Lock,
    SignInFailed,
    SignInRefused,
    /// 変更を書き出す / 子機を準備 / 返信: a file of office data for another PC.
    ExchangeExport,
    /// 取り込む: another PC's changes taken in.
    ExchangeImport,
}

impl Kind {
    pub const ALL: [Kind; 14] = [
        Kind::CaseView,
        Kind::CsvExport,
        Kind::PdfSave,
        Kind::PdfPrint,
        Kind::Backup,
        Kind::Restore,
        Kind::BackupDelete,
        Kind::SignIn,
        Kind::SignOut,
        Kind::Lock,
        Kind::SignInFailed,
        Kind::SignInRefused,
        Kind::ExchangeExport,
        Kind::ExchangeImport,
    ];

    /// The stored code (never change one: old rows keep it).
    pub fn code(self) -> &'static str {
        match self {
            Kind::CaseView => "case_view",
            Kind::CsvExport => "csv_export",
            Kind::PdfSave => "pdf_save",
            Kind::PdfPrint => "pdf_print",
            Kind::Backup => "backup",
            Kind::Restore => "restore",
            Kind::BackupDelete => "backup_delete",
            Kind::SignIn => "sign_in",
            Kind::SignOut => "sign_out",
            Kind::Lock => "lock",
            Kind::SignInFailed => "sign_in_failed",
            Kind::SignInRefused => "sign_in_refused",
            Kind::ExchangeExport => "exchange_export",
            Kind::ExchangeImport => "exchange_import",
        }
    }

    /// What staff call it (screen and CSV).
    pub fn label(self) -> &'static str {
        match self {
            Kind::CaseView => "相談記録の閲覧",
            Kind::CsvExport => "CSV・Excel出力",
            Kind::PdfSave => "PDF保存",
            Kind::PdfPrint => "PDF印刷",
            Kind::Backup => "バックアップ",
            Kind::Restore => "復元",
            Kind::BackupDelete => "バックアップ世代の削除",
            Kind::SignIn => "サインイン",
            Kind::SignOut => "サインアウト",
            Kind::Lock => "画面ロック",
            Kind::SignInFailed => "サインイン失敗",
            Kind::SignInRefused => "サインイン拒否",
            Kind::ExchangeExport => "データ共有の書き出し",
            Kind::ExchangeImport => "データ共有の取り込み",
        }
    }

    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// The label of a stored code; a code from a newer version of the app
/// (received from another PC) is shown as it is.
fn label_of(code: &str) -> String {
    Kind::from_code(code).map_or_else(|| format!("その他（{code}）"), |k| k.label().to_string())
}

/// Records an output file (an export, a PDF) with `record`; when that
/// fails the file is removed, so no output leaves the app unrecorded.
/// Every place that writes a file for the user goes through this.
pub fn record_output<T, E>(
    file: &std::path::Path,
    record: impl FnOnce() -> std::result::Result<T, E>,
) -> std::result::Result<T, E> {
    record().inspect_err(|_| {
        let _ = std::fs::remove_file(file);
    })
}

/// The name an output file is recorded by: its file name, never its folder
/// (which may name a person's folder).
pub fn file_name(file: &std::path::Path) -> String {
    file.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Records that the signed-in `actor` did `kind` to `target` (record ids or
/// a file kind, never patient data) at `now`.
pub fn record(
    conn: &Connection,
    actor: &Actor,
    kind: Kind,
    target: &str,
    detail: &str,
    now: NaiveDateTime,
) -> Result<()> {
    record_for(
        conn,
        actor.staff_id(),
        actor.name(),
        kind,
        target,
        detail,
        now,
    )
}

/// Records what the core does on behalf of whoever the connection works
/// for (`store::audit::set_actor`): a backup, deleted generations, a
/// restore. With nobody (the automatic backup at start-up) it is （自動）.
pub fn record_here(
    conn: &Connection,
    kind: Kind,
    target: &str,
    detail: &str,
    now: NaiveDateTime,
) -> Result<()> {
    let (staff_id, name) = store::audit::actor(conn)?;
    let name = if name.is_empty() {
        "（自動）"
    } else {
        name.as_str()
    };
    record_for(conn, &staff_id, name, kind, target, detail, now)
}

/// Records an event about a staff member who is not (yet) the signed-in
/// actor: a refused sign-in names the member tried.
pub fn record_for(
    conn: &Connection,
    staff_id: &str,
    staff_name: &str,
    kind: Kind,
    target: &str,
    detail: &str,
    now: NaiveDateTime,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO access_log (id, at, staff_id, staff_name, kind, target, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute([
        text::new_id().as_str(),
        store::stamp(now).as_str(),
        staff_id,
        staff_name,
        kind.code(),
        target,
        detail,
    ])?;
    Ok(())
}

/// The filters of the 閲覧・出力記録 screen; blank is all. Dates are typed
/// (令和 or ISO), both ends included.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccessFilter {
    /// A staff member's id (from [`AccessPage::people`]).
    pub staff_id: String,
    /// A [`Kind`] code.
    pub kind: String,
    pub from: String,
    pub to: String,
    /// 0-based page of [`PAGE_SIZE`] rows, newest first.
    pub page: u32,
}

pub const PAGE_SIZE: u32 = 50;
const MAX_PAGE: u32 = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessEntry {
    pub seq: i64,
    pub at: String,
    pub at_label: String,
    pub staff_id: String,
    pub staff_name: String,
    pub kind: String,
    pub kind_label: String,
    pub target: String,
    pub detail: String,
}

/// Someone who appears in the log (a member retired since included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub staff_id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindOption {
    pub code: &'static str,
    pub label: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessPage {
    pub rows: Vec<AccessEntry>,
    /// Rows matching the filter, all pages.
    pub total: i64,
    pub page: u32,
    pub page_size: u32,
    /// The choices of the filters.
    pub people: Vec<Person>,
    pub kinds: Vec<KindOption>,
}

/// The WHERE clause of `filter` and its parameters.
fn conditions(filter: &AccessFilter) -> Result<(String, Vec<Value>)> {
    let mut conds = Vec::new();
    let mut params = Vec::new();
    let staff_id = filter.staff_id.trim();
    if !staff_id.is_empty() {
        params.push(Value::Text(text::uuid("staff_id", staff_id)?));
        conds.push(format!("staff_id = ?{}", params.len()));
    }
    let kind = filter.kind.trim();
    if !kind.is_empty() {
        let kind = Kind::from_code(kind)
            .ok_or_else(|| Error::invalid("kind", "種類を一覧から選んでください。"))?;
        params.push(Value::Text(kind.code().into()));
        conds.push(format!("kind = ?{}", params.len()));
    }
    let (first, last) = period::day_range(&filter.from, &filter.to)?;
    if let Some(day) = first {
        params.push(Value::Text(store::iso(day)));
        conds.push(format!("at >= ?{}", params.len()));
    }
    if let Some(day) = last.and_then(|d| d.succ_opt()) {
        params.push(Value::Text(store::iso(day)));
        conds.push(format!("at < ?{}", params.len()));
    }
    let clause = if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    };
    Ok((clause, params))
}

fn entries(conn: &Connection, sql: &str, params: &[Value]) -> Result<Vec<AccessEntry>> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
    let mut entries = Vec::new();
    while let Some(r) = rows.next()? {
        let at: String = r.get(1)?;
        let kind: String = r.get(4)?;
        entries.push(AccessEntry {
            seq: r.get(0)?,
            at_label: wareki::format_datetime(store::parse_stamp(&at)?),
            at,
            staff_id: r.get(2)?,
            staff_name: r.get(3)?,
            kind_label: label_of(&kind),
            kind,
            target: r.get(5)?,
            detail: r.get(6)?,
        });
    }
    Ok(entries)
}

const COLUMNS: &str = "seq, at, staff_id, staff_name, kind, target, detail";

/// One page of the log, newest first, with the filters' choices.
pub fn page(conn: &Connection, filter: &AccessFilter) -> Result<AccessPage> {
    if filter.page > MAX_PAGE {
        return Err(Error::invalid("page", "ページの指定が正しくありません。"));
    }
    let (clause, mut params) = conditions(filter)?;
    let total: i64 = conn.query_row(
        &format!("SELECT count(*) FROM access_log {clause}"),
        rusqlite::params_from_iter(&params),
        |r| r.get(0),
    )?;
    params.push(Value::Integer(i64::from(PAGE_SIZE)));
    params.push(Value::Integer(
        i64::from(filter.page) * i64::from(PAGE_SIZE),
    ));
    let n = params.len();
    let rows = entries(
        conn,
        &format!(
            "SELECT {COLUMNS} FROM access_log {clause} ORDER BY seq DESC LIMIT ?{} OFFSET ?{n}",
            n - 1
        ),
        &params,
    )?;
    Ok(AccessPage {
        rows,
        total,
        page: filter.page,
        page_size: PAGE_SIZE,
        people: people(conn)?,
        kinds: Kind::ALL
            .iter()
            .map(|k| KindOption {
                code: k.code(),
                label: k.label(),
            })
            .collect(),
    })
}

/// Everyone who appears in the log, by their latest name.
fn people(conn: &Connection) -> Result<Vec<Person>> {
    let people = conn
        .prepare(
            "SELECT staff_id, staff_name FROM access_log
              WHERE seq IN (SELECT max(seq) FROM access_log WHERE staff_id <> '' GROUP BY staff_id)
              ORDER BY staff_name",
        )?
        .query_map([], |r| {
            Ok(Person {
                staff_id: r.get(0)?,
                name: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(people)
}

/// Every row matching `filter` (all pages), oldest first, as CSV.
pub fn csv(conn: &Connection, filter: &AccessFilter) -> Result<Csv> {
    let (clause, params) = conditions(filter)?;
    let rows = entries(
        conn,
        &format!("SELECT {COLUMNS} FROM access_log {clause} ORDER BY seq"),
        &params,
    )?;
    let columns: &[csv::Column<AccessEntry>] = &[
        ("番号", |e| Cell::Number(e.seq)),
        ("日時", |e| Cell::from(e.at.replace('T', " "))),
        ("担当者ID", |e| Cell::from(e.staff_id.as_str())),
        ("担当者", |e| Cell::from(e.staff_name.as_str())),
        ("種類", |e| Cell::from(e.kind_label.as_str())),
        ("対象", |e| Cell::from(e.target.as_str())),
        ("詳細", |e| Cell::from(e.detail.as_str())),
    ];
    Ok(csv::from_columns(columns, &rows))
}

/// Writes [`csv`] into `dir` as 閲覧・出力記録_<date-time>.csv.
pub fn export_to_folder(
    conn: &Connection,
    filter: &AccessFilter,
    dir: &Path,
    now: NaiveDateTime,
    format: crate::csv::FileFormat,
) -> Result<PathBuf> {
    csv::save_to_folder(dir, "閲覧・出力記録", now, &csv(conn, filter)?, format)
}
