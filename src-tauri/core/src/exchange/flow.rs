//! The steps staff take: 子機を準備 (prepare), 子機として開始 (start_child),
//! 変更を書き出す (export), 取り込む (import → preview, apply → reply) and
//! the 子機 taking in the reply (take_reply). Each writes one file at a time
//! in one transaction; the files kept in the exchange folder let an
//! interrupted exchange be completed ([`recover`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use super::changes::{self, ConflictKind, HistoryRows, Pick, RawConflict};
use super::file::{self, Manifest, FIELD};
use super::{
    base_state, clean_name, folder, identity, json_setting, set_base_state, set_json_setting,
    write_identity, Identity, Role, BASE_ID, DEVICES, EXTENSION, KIND_EXPORT, KIND_REPLY,
    KIND_SETUP, MAX_DEVICES, SETUP_EXTENSION, TAKEN,
};
use crate::backup::{self, BackupKind};
use crate::store::{self, tables, DataKey, SCHEMA_VERSION};
use crate::{Error, Result};

/// A 子機 as the 親機 knows it (local settings of the 親機).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Device {
    id: String,
    name: String,
    no: i64,
    /// The last file of this 子機 taken in (answered once its base names it).
    last_file: Option<String>,
}

/// What a file brings, by kind of record: 「相談記録 3件追加・1件変更」.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindCount {
    pub label: &'static str,
    pub added: usize,
    pub changed: usize,
    pub deleted: usize,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldConflict {
    pub column: String,
    pub base: String,
    pub here: String,
    pub there: String,
}

/// A record changed on both PCs, for the side-by-side screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    /// Names the record in a [`Choice`]: `table:id`.
    pub key: String,
    pub table: String,
    pub label: &'static str,
    /// Which record, as staff know it (受付番号 and name), when this PC
    /// still holds it; empty for kinds of record the label names enough.
    pub record: String,
    pub row_id: String,
    pub kind: ConflictKind,
    pub kind_label: &'static str,
    pub fields: Vec<FieldConflict>,
}

/// What taking in a file will do, shown before anything changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preview {
    pub file_id: String,
    pub device_name: String,
    pub counts: Vec<KindCount>,
    pub conflicts: Vec<Conflict>,
}

/// A person's choice for one conflict: the whole record (`field` empty)
/// or one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub key: String,
    #[serde(default)]
    pub field: Option<String>,
    pub pick: Pick,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applied {
    pub counts: Vec<KindCount>,
    pub conflicts: usize,
    /// The reply for the 子機 (kept in the exchange folder; copied to the
    /// folder asked for).
    pub reply: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exported {
    pub path: PathBuf,
    pub counts: Vec<KindCount>,
    pub size_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Taken {
    pub counts: Vec<KindCount>,
    /// Records changed here after the export that the reply changed too:
    /// this PC's values were kept.
    pub kept_here: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceStatus {
    pub name: String,
    pub no: i64,
    pub exchanged: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    pub identity: Option<Identity>,
    /// 親機: its 子機.
    pub devices: Vec<DeviceStatus>,
    /// 親機: files with conflicts waiting for a person.
    pub waiting: Vec<PathBuf>,
    /// 子機: an export not yet answered.
    pub awaiting_reply: bool,
}

fn stamp(now: NaiveDateTime) -> String {
    now.format("%Y%m%d-%H%M%S").to_string()
}

fn base_path(db: &Path, device: &str) -> PathBuf {
    folder(db).join(format!("base-{device}.db"))
}

fn snapshot_path(db: &Path) -> PathBuf {
    folder(db).join("snapshot.db")
}

fn sent_dir(db: &Path) -> PathBuf {
    folder(db).join("sent")
}

pub(super) fn waiting_dir(db: &Path) -> PathBuf {
    folder(db).join("waiting")
}

/// Forgets an export that was not sent (the shared folder's round wrote
/// nothing new): this PC no longer waits for a reply to it.
pub(super) fn forget_sent(db: &Path) -> Result<()> {
    if let Ok(entries) = fs::read_dir(sent_dir(db)) {
        for e in entries.flatten() {
            fs::remove_file(e.path())?;
        }
    }
    Ok(())
}

/// Copies `from` to `to` through a temporary name.
fn copy_into(from: &Path, to: &Path) -> Result<()> {
    let partial = file::partial_path(to);
    fs::copy(from, &partial)?;
    fs::rename(&partial, to)?;
    Ok(())
}

fn require(conn: &Connection, role: Role) -> Result<Identity> {
    match identity(conn)? {
        Some(id) if id.role == role => Ok(id),
        _ => Err(Error::Conflict(match role {
            Role::Parent => "この操作は親機で行います。この端末は親機ではありません。".into(),
            Role::Child => "この操作は子機で行います。この端末は子機ではありません。".into(),
        })),
    }
}

/// Creates the state table of a new base or snapshot: its id, and seq marks
/// equal to its own rows (the copy and its origin hold the same rows).
fn init_state(conn: &Connection, base_id: &str) -> Result<()> {
    conn.execute_batch(
        "DROP TABLE IF EXISTS main.manifest;
         CREATE TABLE main.exchange_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;",
    )?;
    set_base_state(conn, "base_id", base_id)?;
    for t in changes::history_tables(conn)? {
        let seq = changes::max_seq(conn, "main", t.name)?.to_string();
        set_base_state(conn, &format!("main_seq:{}", t.name), &seq)?;
        set_base_state(conn, &format!("self_seq:{}", t.name), &seq)?;
    }
    Ok(())
}

fn mark(conn: &Connection, key: &str) -> Result<i64> {
    Ok(base_state(conn, key)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// 子機を準備 (親機): writes a setup file for a new 子機 named `child_name`
/// into `out_dir` and keeps the agreed state for it. Makes this PC the
/// 親機 first if it never exchanged.
pub fn prepare(
    conn: &mut Connection,
    db: &Path,
    out_dir: &Path,
    child_name: &str,
    key: Option<&DataKey>,
    now: NaiveDateTime,
) -> Result<PathBuf> {
    let name = clean_name("child_name", child_name)?;
    if !out_dir.is_dir() {
        return Err(Error::invalid(
            "out_dir",
            format!(
                "保存先のフォルダ「{}」がありません。",
                Error::path_text(out_dir)
            ),
        ));
    }
    let me = match identity(conn)? {
        None => super::become_parent(conn, "親機")?,
        Some(_) => require(conn, Role::Parent)?,
    };
    recover(conn, db, key)?;
    let mut devices: Vec<Device> = json_setting(conn, DEVICES)?;
    let no = (1..=MAX_DEVICES)
        .find(|n| !devices.iter().any(|d| d.no == *n))
        .ok_or_else(|| Error::Conflict(format!("子機は{MAX_DEVICES}台までです。")))?;
    let device_id = crate::text::new_id();
    let base_id = crate::text::new_id();
    fs::create_dir_all(folder(db))?;
    let path = out_dir.join(format!(
        "zaitaku-setup-{no}-{}.{SETUP_EXTENSION}",
        stamp(now)
    ));
    let partial = file::partial_path(&path);
    file::copy_database(conn, &partial, key)?;
    let manifest: Manifest = [
        ("kind", KIND_SETUP.to_string()),
        ("file_id", crate::text::new_id()),
        ("office_id", me.office_id.clone()),
        ("device_id", device_id.clone()),
        ("device_no", no.to_string()),
        ("device_name", name.clone()),
        ("parent_name", me.name.clone()),
        ("base_id", base_id.clone()),
        ("schema_version", SCHEMA_VERSION.to_string()),
        ("created_at", store::stamp(now)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    {
        let setup = file::open(&partial, key, false)?;
        file::seal_setup(&setup, &manifest)?;
    }
    let base = base_path(db, &device_id);
    let base_partial = file::partial_path(&base);
    fs::copy(&partial, &base_partial)?;
    {
        let b = file::open(&base_partial, key, false)?;
        init_state(&b, &base_id)?;
    }
    fs::rename(&base_partial, &base)?;
    devices.push(Device {
        id: device_id,
        name,
        no,
        last_file: None,
    });
    set_json_setting(conn, DEVICES, &devices)?;
    carry_key_file(db, &path)?;
    fs::rename(&partial, &path)?;
    Ok(path)
}

/// An encrypted office's key file (the staff's wrapped copies of the data
/// key, no patient data) goes with its setup file and then beside the
/// 子機's database, so the same staff sign in there with their passwords.
fn carry_key_file(from_db: &Path, to_db: &Path) -> Result<()> {
    let from = crate::keys::path_for(from_db);
    if from.exists() {
        let to = crate::keys::path_for(to_db);
        let partial = file::partial_path(&to);
        fs::copy(&from, &partial)?;
        fs::File::open(&partial)?.sync_all()?;
        fs::rename(&partial, &to)?;
    }
    Ok(())
}

/// 子機として開始: makes the database at `db` (which must not exist yet)
/// from a setup file, with the agreed state beside it.
pub fn start_child(setup: &Path, db: &Path, key: Option<&DataKey>) -> Result<Identity> {
    if fs::metadata(db).is_ok_and(|m| m.len() > 0) {
        return Err(Error::Conflict(
            "この端末にはすでにデータがあります。子機として開始できるのは、データのない端末だけです。".into(),
        ));
    }
    let m = file::read_setup(setup, key)?;
    let version: i64 = m
        .get("schema_version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    check_version(setup, version, m.get("parent_name").map_or("親機", |s| s))?;
    let get = |k: &str| m.get(k).cloned().unwrap_or_default();
    fs::create_dir_all(folder(db))?;
    let snap = snapshot_path(db);
    let snap_partial = file::partial_path(&snap);
    fs::copy(setup, &snap_partial)?;
    {
        let s = file::open(&snap_partial, key, false)?;
        init_state(&s, &get("base_id"))?;
    }
    fs::rename(&snap_partial, &snap)?;
    let id = Identity {
        office_id: get("office_id"),
        device_id: get("device_id"),
        device_no: get("device_no").parse().unwrap_or(0),
        name: get("device_name"),
        role: Role::Child,
        role_label: Role::Child.label(),
    };
    carry_key_file(setup, db)?;
    let db_partial = file::partial_path(db);
    fs::copy(setup, &db_partial)?;
    {
        let c = file::open(&db_partial, key, false)?;
        let tx = c.unchecked_transaction()?;
        // The 親機's own settings (its backup folder, its identity) are not
        // this PC's.
        tx.execute_batch(
            "DROP TABLE manifest; DELETE FROM app_settings; DELETE FROM sign_in_failures;",
        )?;
        write_identity(&tx, &id)?;
        store::set_setting(&tx, BASE_ID, &get("base_id"))?;
        tx.commit()?;
    }
    fs::rename(&db_partial, db)?;
    Ok(id)
}

fn check_version(path: &Path, version: i64, sender: &str) -> Result<()> {
    let shown = file::shown(path);
    if version < SCHEMA_VERSION {
        return Err(Error::invalid(FIELD, format!(
            "「{shown}」は古い版のアプリ（データの版 {version}）で作られています。先に送り元の端末「{sender}」のアプリを更新して、もう一度作り直してください。何も取り込んでいません。"
        )));
    }
    if version > SCHEMA_VERSION {
        return Err(Error::invalid(FIELD, format!(
            "「{shown}」は新しい版のアプリ（データの版 {version}）で作られています。先にこの端末のアプリを更新してから取り込んでください（この端末のデータの版 {SCHEMA_VERSION}）。何も取り込んでいません。"
        )));
    }
    Ok(())
}

/// An exchange file's changeset and history rows.
struct Content {
    manifest: Manifest,
    changeset: Vec<u8>,
    history: Vec<HistoryRows>,
}

impl Content {
    fn get(&self, key: &str) -> String {
        self.manifest.get(key).cloned().unwrap_or_default()
    }

    fn counts(&self) -> Result<Vec<KindCount>> {
        counts_of(&self.changeset, &self.history)
    }
}

fn read_content(path: &Path, key: Option<&DataKey>) -> Result<Content> {
    let (manifest, parts) = file::read(path, key)?;
    let part = |name: &str| {
        parts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| d.clone())
            .unwrap_or_default()
    };
    let history: Vec<HistoryRows> = serde_json::from_slice(&part("history")).map_err(|_| {
        Error::invalid(
            FIELD,
            format!("「{}」を読み取れません。", file::shown(path)),
        )
    })?;
    Ok(Content {
        manifest,
        changeset: part("changeset"),
        history,
    })
}

/// Reads a file and refuses, with nothing changed, one of another kind,
/// office or schema version, or one already taken in.
fn read_checked(
    conn: &Connection,
    path: &Path,
    key: Option<&DataKey>,
    kind: &str,
    me: &Identity,
) -> Result<Content> {
    let c = read_content(path, key)?;
    let shown = file::shown(path);
    if c.get("kind") != kind {
        let what = if kind == KIND_EXPORT {
            "子機から書き出したファイル"
        } else {
            "親機からの返信ファイル"
        };
        return Err(Error::invalid(
            FIELD,
            format!("「{shown}」は{what}ではありません。"),
        ));
    }
    if c.get("office_id") != me.office_id {
        return Err(Error::invalid(
            FIELD,
            format!("「{shown}」は別の事業所のファイルです。何も取り込んでいません。"),
        ));
    }
    let version = c.get("schema_version").parse().unwrap_or(0);
    check_version(path, version, &c.get("device_name"))?;
    let taken: Vec<String> = json_setting(conn, TAKEN)?;
    if taken.contains(&c.get("file_id")) {
        return Err(Error::Conflict(format!(
            "取り込み済みです（「{shown}」）。"
        )));
    }
    Ok(c)
}

fn remember_taken(conn: &Connection, file_id: String) -> Result<()> {
    let mut taken: Vec<String> = json_setting(conn, TAKEN)?;
    taken.push(file_id);
    let excess = taken.len().saturating_sub(500);
    taken.drain(..excess);
    set_json_setting(conn, TAKEN, &taken)
}

fn counts_of(changeset: &[u8], history: &[HistoryRows]) -> Result<Vec<KindCount>> {
    let by_table = changes::counts(changeset)?;
    let mut out = Vec::new();
    for t in tables::TABLES {
        let [added, changed, deleted] = if t.history {
            let n = history
                .iter()
                .filter(|h| h.table == t.name)
                .map(|h| h.rows.len())
                .sum();
            [n, 0, 0]
        } else {
            by_table.get(t.name).copied().unwrap_or_default()
        };
        if added + changed + deleted == 0 {
            continue;
        }
        let mut parts = Vec::new();
        for (n, what) in [(added, "追加"), (changed, "変更"), (deleted, "削除")] {
            if n > 0 {
                parts.push(format!("{n}件{what}"));
            }
        }
        out.push(KindCount {
            label: t.label,
            added,
            changed,
            deleted,
            text: format!("{} {}", t.label, parts.join("・")),
        });
    }
    Ok(out)
}

fn shown_value(v: &Option<Value>) -> String {
    v.as_ref().map(changes::text_of).unwrap_or_default()
}

fn view(raw: &RawConflict) -> Conflict {
    const DELETED: &str = "（削除）";
    let fields = raw
        .fields
        .iter()
        .map(|&i| {
            let (base, here, there) = match raw.kind {
                ConflictKind::BothChanged => (
                    shown_value(&raw.old[i]),
                    shown_value(&raw.here[i]),
                    shown_value(&raw.new[i]),
                ),
                ConflictKind::DeletedThere => (
                    shown_value(&raw.old[i]),
                    shown_value(&raw.here[i]),
                    DELETED.into(),
                ),
                ConflictKind::DeletedHere => (
                    shown_value(&raw.old[i]),
                    DELETED.into(),
                    shown_value(&raw.new[i]),
                ),
            };
            FieldConflict {
                column: raw.columns[i].clone(),
                base,
                here,
                there,
            }
        })
        .collect();
    let label = tables::table(&raw.table).map_or("", |t| t.label);
    Conflict {
        key: format!("{}:{}", raw.table, raw.row_id()),
        table: raw.table.clone(),
        label,
        record: String::new(),
        row_id: raw.row_id(),
        kind: raw.kind,
        kind_label: match raw.kind {
            ConflictKind::BothChanged => "両方の端末で変更",
            ConflictKind::DeletedThere => "この端末で変更・相手の端末で削除",
            ConflictKind::DeletedHere => "この端末で削除・相手の端末で変更",
        },
        fields,
    }
}

/// Runs `body` with `path` attached as `schema`, detaching afterwards
/// whatever happens (ATTACH and DETACH must be outside a transaction).
fn with_attached<T>(
    conn: &Connection,
    path: &Path,
    schema: &str,
    key: Option<&DataKey>,
    body: impl FnOnce() -> Result<T>,
) -> Result<T> {
    file::attach(conn, path, schema, key)?;
    let result = body();
    if !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    conn.execute_batch(&format!("DETACH DATABASE {schema}"))?;
    result
}

fn find_device(conn: &Connection, c: &Content, shown: &str) -> Result<Device> {
    let devices: Vec<Device> = json_setting(conn, DEVICES)?;
    devices
        .into_iter()
        .find(|d| d.id == c.get("device_id"))
        .ok_or_else(|| {
            Error::invalid(
                FIELD,
                format!("「{shown}」は、この親機で準備した子機のファイルではありません。何も取り込んでいません。"),
            )
        })
}

/// The base for `device` names the state the file was made against.
fn check_base(conn: &Connection, c: &Content, shown: &str) -> Result<()> {
    let base: Option<String> = conn
        .query_row(
            "SELECT value FROM base.exchange_state WHERE key = 'base_id'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if base.as_deref() != Some(c.get("base_id").as_str()) {
        return Err(Error::Conflict(format!(
            "「{shown}」は前回の交換より前の状態から書き出されています。子機で親機からの返信を取り込んでから、もう一度書き出してください。何も取り込んでいません。"
        )));
    }
    Ok(())
}

/// The conflicts taking in `c` meets, found by applying it in a
/// transaction that is rolled back.
fn dry_run(
    conn: &Connection,
    db: &Path,
    c: &Content,
    device: &Device,
    key: Option<&DataKey>,
    shown: &str,
) -> Result<Vec<RawConflict>> {
    with_attached(conn, &base_path(db, &device.id), "base", key, || {
        check_base(conn, c, shown)?;
        conn.execute_batch("BEGIN")?;
        let raws = changes::apply(conn, &c.changeset)?;
        conn.execute_batch("ROLLBACK")?;
        Ok(raws)
    })
}

/// 取り込む, first step (親機): what the file will do and its conflicts.
/// Nothing is changed.
pub fn import(conn: &Connection, db: &Path, path: &Path, key: Option<&DataKey>) -> Result<Preview> {
    let me = require(conn, Role::Parent)?;
    recover(conn, db, key)?;
    let c = read_checked(conn, path, key, KIND_EXPORT, &me)?;
    let shown = file::shown(path);
    let device = find_device(conn, &c, &shown)?;
    let conflicts = dry_run(conn, db, &c, &device, key, &shown)?;
    Ok(Preview {
        file_id: c.get("file_id"),
        device_name: device.name,
        counts: c.counts()?,
        conflicts: conflicts
            .iter()
            .filter(|r| !r.settled())
            .map(|r| Conflict {
                record: record_name(conn, &r.table, &r.row_id()),
                ..view(r)
            })
            .collect(),
    })
}

/// Names a conflicting record as staff know it: a case by its 受付番号 and
/// person, a 経過記録 by its case and date, a person by name. Empty when
/// this PC no longer holds it (deleted here) or for other kinds of record.
fn record_name(conn: &Connection, table: &str, id: &str) -> String {
    const CASE: &str = "'受付番号 ' || c.case_no || '　' || p.name";
    let sql = match table {
        "cases" => format!(
            "SELECT {CASE} FROM cases c JOIN persons p ON p.id = c.person_id WHERE c.id = ?1"
        ),
        "case_entries" => format!(
            "SELECT {CASE} || '　' || e.entry_date FROM case_entries e
             JOIN cases c ON c.id = e.case_id JOIN persons p ON p.id = c.person_id
             WHERE e.id = ?1"
        ),
        "persons" => "SELECT name FROM persons WHERE id = ?1".to_string(),
        _ => return String::new(),
    };
    conn.query_row(&sql, [id], |r| r.get(0)).unwrap_or_default()
}

/// The pick for `field` of conflict `key`: the field's own choice, else
/// the record's.
fn pick_for(choices: &[Choice], key: &str, field: Option<&str>) -> Option<Pick> {
    let of_key = || choices.iter().filter(|c| c.key == key);
    field
        .and_then(|f| of_key().find(|c| c.field.as_deref() == Some(f)))
        .or_else(|| of_key().find(|c| c.field.is_none()))
        .map(|c| c.pick)
}

/// Every conflict has a pick for each of its fields (or the record).
fn check_choices(raws: &[RawConflict], choices: &[Choice]) -> Result<()> {
    let open = raws
        .iter()
        .filter(|r| !r.settled())
        .filter(|r| {
            let key = view(r).key;
            match r.kind {
                ConflictKind::BothChanged => r
                    .fields
                    .iter()
                    .any(|&i| pick_for(choices, &key, Some(&r.columns[i])).is_none()),
                _ => pick_for(choices, &key, None).is_none(),
            }
        })
        .count();
    if open > 0 {
        return Err(Error::invalid(
            "choices",
            format!("どちらを残すか選ばれていない競合が{open}件あります。すべて選んでから取り込んでください。"),
        ));
    }
    Ok(())
}

/// Cases whose search text a changeset may change, with their sort key
/// before it is applied.
fn touched_cases(conn: &Connection, cs: &[u8]) -> Result<BTreeMap<String, Option<i64>>> {
    let mut ids: BTreeSet<String> = BTreeSet::new();
    let text = |v: Value| match v {
        Value::Text(t) => Some(t),
        _ => None,
    };
    ids.extend(
        changes::touched(cs, "cases", None)?
            .into_iter()
            .filter_map(text),
    );
    ids.extend(
        changes::touched(cs, "case_entries", Some(1))?
            .into_iter()
            .filter_map(text),
    );
    for entry in changes::touched(cs, "case_entries", None)?
        .into_iter()
        .filter_map(text)
    {
        ids.extend(
            conn.query_row(
                "SELECT case_id FROM case_entries WHERE id = ?1",
                [&entry],
                |r| r.get::<_, String>(0),
            )
            .optional()?,
        );
    }
    let persons: Vec<String> = changes::touched(cs, "persons", None)?
        .into_iter()
        .filter_map(text)
        .collect();
    for p in &persons {
        let mut stmt = conn.prepare_cached("SELECT id FROM cases WHERE person_id = ?1")?;
        for id in stmt.query_map([p], |r| r.get::<_, String>(0))? {
            ids.insert(id?);
        }
    }
    let mut out = BTreeMap::new();
    for id in ids {
        let key: Option<i64> = conn
            .query_row("SELECT sort_key FROM cases WHERE id = ?1", [&id], |r| {
                r.get(0)
            })
            .optional()?;
        out.insert(id, key);
    }
    Ok(out)
}

/// Rebuilds this PC's search index for the cases a changeset touched.
fn reindex(conn: &Connection, cs: &[u8], before: BTreeMap<String, Option<i64>>) -> Result<()> {
    let mut all = before;
    for (id, _) in touched_cases(conn, cs)? {
        all.entry(id).or_insert(None);
    }
    for (id, old) in all {
        let exists: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM cases WHERE id = ?1)",
            [&id],
            |r| r.get(0),
        )?;
        if exists {
            crate::cases::reindex_case(conn, &id, old)?;
        } else if let Some(old) = old {
            crate::cases::unindex_case(conn, old)?;
        }
    }
    Ok(())
}

/// 取り込む, second step (親機): after an automatic backup, applies the
/// file with the person's `choices` in one transaction, then writes the
/// reply for the 子機 (also copied into `reply_dir`).
pub fn apply(
    conn: &mut Connection,
    db: &Path,
    path: &Path,
    key: Option<&DataKey>,
    choices: &[Choice],
    reply_dir: Option<&Path>,
    now: NaiveDateTime,
) -> Result<Applied> {
    let me = require(conn, Role::Parent)?;
    recover(conn, db, key)?;
    let c = read_checked(conn, path, key, KIND_EXPORT, &me)?;
    let shown = file::shown(path);
    let mut device = find_device(conn, &c, &shown)?;
    // Refused before the backup: a missing choice changes nothing at all.
    check_choices(&dry_run(conn, db, &c, &device, key, &shown)?, choices)?;
    backup::backup_now(conn, key, db, BackupKind::PreExchange, now)?;
    let kept = folder(db).join(format!("in-{}.{EXTENSION}", device.id));
    copy_into(path, &kept)?;
    let conn: &Connection = conn;
    let conflicts = with_attached(conn, &base_path(db, &device.id), "base", key, || {
        check_base(conn, &c, &shown)?;
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let before = touched_cases(conn, &c.changeset)?;
        let raws = changes::apply(conn, &c.changeset)?;
        check_choices(&raws, choices)?;
        for raw in &raws {
            let key = view(raw).key;
            changes::resolve(
                conn,
                raw,
                |field| pick_for(choices, &key, field).unwrap_or(Pick::Here),
                Some("base"),
            )?;
        }
        for rows in &c.history {
            changes::append_history(conn, rows, true)?;
        }
        reindex(conn, &c.changeset, before)?;
        remember_taken(conn, c.get("file_id"))?;
        let mut devices: Vec<Device> = json_setting(conn, DEVICES)?;
        for d in devices.iter_mut().filter(|d| d.id == device.id) {
            d.last_file = Some(c.get("file_id"));
        }
        set_json_setting(conn, DEVICES, &devices)?;
        conn.execute_batch("COMMIT")?;
        Ok(raws.iter().filter(|r| !r.settled()).count())
    })?;
    device.last_file = Some(c.get("file_id"));
    let reply = answer(db, &me, &device, key, now)?;
    if let Some(dir) = reply_dir {
        copy_into(&reply, &dir.join(reply.file_name().unwrap_or_default()))?;
    }
    Ok(Applied {
        counts: c.counts()?,
        conflicts,
        reply,
    })
}

/// Applies a changeset to a base, which must meet no conflict: the base is
/// the very state the changeset was made against.
fn apply_exact(conn: &Connection, cs: &[u8]) -> Result<()> {
    let raws = changes::apply(conn, cs)?;
    if raws.iter().any(|r| !r.settled() || !r.merged.is_empty()) {
        return Err(Error::Corrupt(
            "交換の基準の状態が一致しません。親機の管理者に連絡してください。".into(),
        ));
    }
    Ok(())
}

fn reply_path(db: &Path, device: &str) -> PathBuf {
    folder(db).join(format!("reply-{device}.{EXTENSION}"))
}

/// Writes the reply for `device` after its file was taken in: advances its
/// base by that file, diffs the base against this database (what the 子機
/// lacks), writes the reply, and advances the base by the reply.
fn answer(
    db: &Path,
    me: &Identity,
    device: &Device,
    key: Option<&DataKey>,
    now: NaiveDateTime,
) -> Result<PathBuf> {
    let incoming = read_content(
        &folder(db).join(format!("in-{}.{EXTENSION}", device.id)),
        key,
    )?;
    let b = file::open(&base_path(db, &device.id), key, false)?;
    let reply = reply_path(db, &device.id);
    with_attached(&b, db, "office", key, || {
        b.execute_batch("BEGIN IMMEDIATE")?;
        let history = changes::history_tables(&b)?;
        let before: Vec<i64> = history
            .iter()
            .map(|t| changes::max_seq(&b, "main", t.name))
            .collect::<Result<_>>()?;
        apply_exact(&b, &incoming.changeset)?;
        for rows in &incoming.history {
            changes::append_history(&b, rows, false)?;
        }
        let r = changes::invert(&changes::diff(&b, "office")?)?;
        let mut r_hist = Vec::new();
        for (t, wb) in history.iter().zip(&before) {
            let wm = mark(&b, &format!("main_seq:{}", t.name))?;
            r_hist.push(changes::history_delta(
                &b,
                t.name,
                ("office", wm),
                ("main", *wb),
            )?);
        }
        let old_base = base_state(&b, "base_id")?.unwrap_or_default();
        let new_base = crate::text::new_id();
        let manifest: Manifest = [
            ("kind", KIND_REPLY.to_string()),
            ("file_id", crate::text::new_id()),
            ("office_id", me.office_id.clone()),
            ("device_id", me.device_id.clone()),
            ("device_name", me.name.clone()),
            ("to_device", device.id.clone()),
            ("base_id", old_base),
            ("new_base_id", new_base.clone()),
            ("answers", incoming.get("file_id")),
            ("schema_version", SCHEMA_VERSION.to_string()),
            ("created_at", store::stamp(now)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let hist_json = serde_json::to_vec(&r_hist).map_err(|e| Error::Corrupt(e.to_string()))?;
        file::write(
            &reply,
            key,
            &manifest,
            &[
                ("changeset".into(), r.clone()),
                ("history".into(), hist_json),
            ],
        )?;
        apply_exact(&b, &r)?;
        for rows in &r_hist {
            changes::append_history(&b, rows, false)?;
        }
        for t in &history {
            let wm = changes::max_seq(&b, "office", t.name)?;
            let wb = changes::max_seq(&b, "main", t.name)?;
            set_base_state(&b, &format!("main_seq:{}", t.name), &wm.to_string())?;
            set_base_state(&b, &format!("self_seq:{}", t.name), &wb.to_string())?;
        }
        set_base_state(&b, "base_id", &new_base)?;
        set_base_state(&b, "last_file", &incoming.get("file_id"))?;
        b.execute_batch("COMMIT")?;
        Ok(())
    })?;
    Ok(reply)
}

/// Completes an exchange interrupted after a commit: a 親機 whose database
/// took in a file its base has not followed answers again; a 子機 whose
/// database took in a reply its snapshot has not followed advances it.
pub fn recover(conn: &Connection, db: &Path, key: Option<&DataKey>) -> Result<()> {
    let Some(me) = identity(conn)? else {
        return Ok(());
    };
    match me.role {
        Role::Parent => {
            let devices: Vec<Device> = json_setting(conn, DEVICES)?;
            for d in devices {
                let Some(last) = &d.last_file else { continue };
                let b = file::open(&base_path(db, &d.id), key, false)?;
                let followed = base_state(&b, "last_file")?;
                drop(b);
                if followed.as_ref() != Some(last) {
                    answer(db, &me, &d, key, chrono::Local::now().naive_local())?;
                }
            }
        }
        Role::Child => {
            let agreed = store::setting(conn, BASE_ID)?.unwrap_or_default();
            let s = file::open(&snapshot_path(db), key, false)?;
            let held = base_state(&s, "base_id")?.unwrap_or_default();
            drop(s);
            if held != agreed {
                let reply = read_content(&folder(db).join(format!("reply.{EXTENSION}")), key)?;
                advance_snapshot(db, key, &reply, &[])?;
            }
        }
    }
    Ok(())
}

/// The 子機's snapshot follows what the 親機 did to its base: the export
/// answered, then the reply.
/// `kept`: the reply's changes this PC did not take (changed here after
/// the export); the snapshot keeps their state before the reply.
fn advance_snapshot(
    db: &Path,
    key: Option<&DataKey>,
    reply: &Content,
    kept: &[&RawConflict],
) -> Result<()> {
    let sent = read_content(
        &sent_dir(db).join(format!("{}.{EXTENSION}", reply.get("answers"))),
        key,
    )?;
    let s = file::open(&snapshot_path(db), key, false)?;
    let tx = s.unchecked_transaction()?;
    apply_exact(&tx, &sent.changeset)?;
    for rows in &sent.history {
        changes::append_history(&tx, rows, false)?;
    }
    let history = changes::history_tables(&tx)?;
    let own: Vec<i64> = history
        .iter()
        .map(|t| changes::max_seq(&tx, "main", t.name))
        .collect::<Result<_>>()?;
    apply_exact(&tx, &reply.changeset)?;
    for rows in &reply.history {
        changes::append_history(&tx, rows, false)?;
    }
    for raw in kept {
        changes::restore_base(&tx, raw)?;
    }
    for (t, ws) in history.iter().zip(own) {
        let we = sent.get(&format!("mark:{}", t.name));
        set_base_state(&tx, &format!("main_seq:{}", t.name), &we)?;
        set_base_state(&tx, &format!("self_seq:{}", t.name), &ws.to_string())?;
    }
    set_base_state(&tx, "base_id", &reply.get("new_base_id"))?;
    tx.commit()?;
    drop(s);
    if let Ok(entries) = fs::read_dir(sent_dir(db)) {
        for e in entries.flatten() {
            let _ = fs::remove_file(e.path());
        }
    }
    Ok(())
}

/// 変更を書き出す (子機): everything changed since the last exchange, into a
/// new file in `out_dir`.
pub fn export(
    conn: &Connection,
    db: &Path,
    out_dir: &Path,
    key: Option<&DataKey>,
    now: NaiveDateTime,
) -> Result<Exported> {
    let me = require(conn, Role::Child)?;
    if !out_dir.is_dir() {
        return Err(Error::invalid(
            "out_dir",
            format!(
                "保存先のフォルダ「{}」がありません。",
                Error::path_text(out_dir)
            ),
        ));
    }
    recover(conn, db, key)?;
    let agreed = store::setting(conn, BASE_ID)?.unwrap_or_default();
    let (changeset, history, marks) = with_attached(conn, &snapshot_path(db), "snap", key, || {
        let held: Option<String> = conn
            .query_row(
                "SELECT value FROM snap.exchange_state WHERE key = 'base_id'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if held.as_deref() != Some(agreed.as_str()) {
            return Err(Error::Corrupt(
                "前回の交換の状態が見つかりません。親機で子機を準備し直してください。".into(),
            ));
        }
        conn.execute_batch("BEGIN")?;
        let changeset = changes::diff(conn, "snap")?;
        let mut history = Vec::new();
        let mut marks = Vec::new();
        for t in changes::history_tables(conn)? {
            let get = |k: &str| -> Result<i64> {
                Ok(conn
                    .query_row(
                        "SELECT value FROM snap.exchange_state WHERE key = ?1",
                        [format!("{k}:{}", t.name)],
                        |r| r.get::<_, String>(0),
                    )
                    .optional()?
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0))
            };
            let (wm, ws) = (get("main_seq")?, get("self_seq")?);
            history.push(changes::history_delta(
                conn,
                t.name,
                ("main", wm),
                ("snap", ws),
            )?);
            marks.push((
                format!("mark:{}", t.name),
                changes::max_seq(conn, "main", t.name)?.to_string(),
            ));
        }
        conn.execute_batch("COMMIT")?;
        Ok((changeset, history, marks))
    })?;
    let file_id = crate::text::new_id();
    let mut manifest: Manifest = [
        ("kind", KIND_EXPORT.to_string()),
        ("file_id", file_id.clone()),
        ("office_id", me.office_id.clone()),
        ("device_id", me.device_id.clone()),
        ("device_name", me.name.clone()),
        ("base_id", agreed),
        ("schema_version", SCHEMA_VERSION.to_string()),
        ("created_at", store::stamp(now)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    manifest.extend(marks);
    let hist_json = serde_json::to_vec(&history).map_err(|e| Error::Corrupt(e.to_string()))?;
    let counts = counts_of(&changeset, &history)?;
    let path = out_dir.join(format!(
        "zaitaku-{}-{}.{EXTENSION}",
        me.device_no,
        stamp(now)
    ));
    fs::create_dir_all(sent_dir(db))?;
    let kept = sent_dir(db).join(format!("{file_id}.{EXTENSION}"));
    file::write(
        &kept,
        key,
        &manifest,
        &[
            ("changeset".into(), changeset),
            ("history".into(), hist_json),
        ],
    )?;
    copy_into(&kept, &path)?;
    Ok(Exported {
        size_bytes: fs::metadata(&path)?.len(),
        path,
        counts,
    })
}

/// The 子機 takes in the 親機's reply: afterwards both hold the same
/// records. A record changed here after the export and in the reply keeps
/// this PC's value (counted in [`Taken::kept_here`]).
pub fn take_reply(
    conn: &mut Connection,
    db: &Path,
    path: &Path,
    key: Option<&DataKey>,
) -> Result<Taken> {
    let me = require(conn, Role::Child)?;
    recover(conn, db, key)?;
    let c = read_checked(conn, path, key, KIND_REPLY, &me)?;
    let shown = file::shown(path);
    if c.get("to_device") != me.device_id {
        return Err(Error::invalid(
            FIELD,
            format!("「{shown}」は別の子機あての返信です。何も取り込んでいません。"),
        ));
    }
    let agreed = store::setting(conn, BASE_ID)?.unwrap_or_default();
    let sent = sent_dir(db).join(format!("{}.{EXTENSION}", c.get("answers")));
    if c.get("base_id") != agreed || !sent.is_file() {
        return Err(Error::Conflict(format!(
            "「{shown}」はこの子機の最新の書き出しへの返信ではありません。何も取り込んでいません。"
        )));
    }
    copy_into(path, &folder(db).join(format!("reply.{EXTENSION}")))?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let before = touched_cases(&tx, &c.changeset)?;
    let raws = changes::apply(&tx, &c.changeset)?;
    for raw in &raws {
        changes::resolve(&tx, raw, |_| Pick::Here, None)?;
    }
    for rows in &c.history {
        changes::append_history(&tx, rows, true)?;
    }
    reindex(&tx, &c.changeset, before)?;
    store::set_setting(&tx, BASE_ID, &c.get("new_base_id"))?;
    remember_taken(&tx, c.get("file_id"))?;
    tx.commit()?;
    let kept: Vec<&RawConflict> = raws.iter().filter(|r| !r.settled()).collect();
    advance_snapshot(db, key, &c, &kept)?;
    Ok(Taken {
        counts: c.counts()?,
        kept_here: kept.len(),
    })
}

/// Keeps a file whose conflicts need a person (the command line never
/// decides them) for the 親機's screen.
pub fn keep_for_screen(db: &Path, path: &Path) -> Result<PathBuf> {
    fs::create_dir_all(waiting_dir(db))?;
    let to = waiting_dir(db).join(path.file_name().unwrap_or_default());
    copy_into(path, &to)?;
    Ok(to)
}

/// This PC's role, its 子機 and what is waiting.
pub fn status(conn: &Connection, db: &Path) -> Result<Status> {
    let identity = identity(conn)?;
    let devices: Vec<Device> = json_setting(conn, DEVICES)?;
    let mut waiting: Vec<PathBuf> = fs::read_dir(waiting_dir(db))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    waiting.sort();
    let awaiting_reply = fs::read_dir(sent_dir(db)).is_ok_and(|mut d| d.next().is_some());
    Ok(Status {
        identity,
        devices: devices
            .into_iter()
            .map(|d| DeviceStatus {
                name: d.name,
                no: d.no,
                exchanged: d.last_file.is_some(),
            })
            .collect(),
        waiting,
        awaiting_reply,
    })
}
