//! Exchange through a shared folder (NAS, Windows share): each PC names
//! the folder in its local settings; the database itself stays on the
//! local disk. A round decides what to do with the files there:
//!
//! - 子機: when it waits for a reply, takes in the reply addressed to it
//!   (`reply-<device id>.zdx`); otherwise writes its changes when it has
//!   any (other than the access log of the exchanges), or when it has not exchanged for [`IDLE_EXCHANGE_MINUTES`] (so
//!   that the office's own work reaches it even when nothing changed here).
//! - 親機: takes in every 子機's file (`zaitaku-<no>-<time>.zdx`) and
//!   writes the reply into the folder; a file with conflicts is kept for
//!   the screen (a person decides) and counts as waiting.
//!
//! The shell only schedules rounds; what a round does is decided here.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDateTime};
use rusqlite::Connection;
use serde::Serialize;

use super::file;
use super::flow::{self, waiting_dir};
use super::{identity, json_setting, Role, EXTENSION, TAKEN};
use crate::access_log::{self, Kind};
use crate::store::{self, tables, DataKey};
use crate::{Error, Result};

/// The shared folder of this PC (local setting, never exchanged).
const SHARED_DIR: &str = "exchange.shared_dir";
/// 子機: when it last took in a reply (local time stamp).
const LAST_EXCHANGE: &str = "exchange.last_exchange";
/// A 子機 with nothing to send still exchanges this often, to receive.
pub const IDLE_EXCHANGE_MINUTES: i64 = 60;

/// The shared folder, if this PC has one.
pub fn shared_dir(conn: &Connection) -> Result<Option<PathBuf>> {
    Ok(store::setting(conn, SHARED_DIR)?
        .filter(|d| !d.is_empty())
        .map(PathBuf::from))
}

/// Sets (or with an empty `dir`, clears) the shared folder: an existing
/// folder, on a PC that exchanges.
pub fn set_shared_dir(conn: &Connection, dir: &str) -> Result<Option<PathBuf>> {
    let dir = dir.trim();
    if dir.is_empty() {
        store::set_setting(conn, SHARED_DIR, "")?;
        return Ok(None);
    }
    if identity(conn)?.is_none() {
        return Err(Error::Conflict(
            "共有フォルダは、親機か子機になった端末で設定します。先に「子機を準備」するか、子機として開始してください。".into(),
        ));
    }
    let path = PathBuf::from(dir);
    if !path.is_absolute() || !path.is_dir() {
        return Err(Error::invalid(
            "shared_dir",
            format!(
                "共有フォルダ「{}」が見つかりません。フォルダを作ってから、もう一度選んでください。",
                Error::path_text(&path)
            ),
        ));
    }
    store::set_setting(conn, SHARED_DIR, dir)?;
    Ok(Some(path))
}

/// A file waiting for a person on the 親機, by its file name (never a
/// path from the window).
pub fn waiting_file(db: &Path, name: &str) -> Result<PathBuf> {
    let plain = !name.is_empty()
        && !name.contains(['/', '\\'])
        && name != "."
        && name != ".."
        && name.ends_with(&format!(".{EXTENSION}"));
    let path = waiting_dir(db).join(name);
    if !plain || !path.is_file() {
        return Err(Error::invalid(
            "name",
            "選んだファイルは待ちの一覧にありません。画面を開き直してください。",
        ));
    }
    Ok(path)
}

/// After a file was taken in: a copy kept for the screen is not waiting
/// any more.
pub fn done_with(db: &Path, path: &Path) -> Result<()> {
    if path.parent() == Some(waiting_dir(db).as_path()) {
        fs::remove_file(path)?;
    }
    Ok(())
}

/// What a round did, for the screen and the log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Round {
    /// Lines such as 「ノートPCから: 相談記録 1件追加」.
    pub done: Vec<String>,
    /// Files now waiting for a person (親機).
    pub waiting: usize,
    /// Files refused, with the reason (they stay in the folder).
    pub problems: Vec<String>,
}

/// What a file brings in one line: 「相談記録 1件追加、経過記録 2件追加」.
pub fn counts_text(counts: &[flow::KindCount]) -> String {
    if counts.is_empty() {
        "変更なし".into()
    } else {
        counts
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// Whether the exchange file at `path` was taken in already.
fn already_taken(conn: &Connection, path: &Path, key: Option<&DataKey>) -> Result<bool> {
    let (manifest, _) = file::read(path, key)?;
    let taken: Vec<String> = json_setting(conn, TAKEN)?;
    Ok(manifest.get("file_id").is_some_and(|id| taken.contains(id)))
}

fn copy_in(from: &Path, to: &Path) -> Result<()> {
    let partial = file::partial_path(to);
    fs::copy(from, &partial)?;
    fs::rename(&partial, to)?;
    Ok(())
}

/// One round of this PC with its shared folder (nothing without one).
pub fn round(
    conn: &mut Connection,
    db: &Path,
    key: Option<&DataKey>,
    now: NaiveDateTime,
) -> Result<Round> {
    let (Some(me), Some(dir)) = (identity(conn)?, shared_dir(conn)?) else {
        return Ok(Round::default());
    };
    if !dir.is_dir() {
        return Ok(Round {
            problems: vec![format!(
                "共有フォルダ「{}」が見つかりません（ネットワークにつながっていますか）。",
                Error::path_text(&dir)
            )],
            ..Round::default()
        });
    }
    match me.role {
        Role::Parent => parent_round(conn, db, &dir, key, now),
        Role::Child => child_round(conn, db, &dir, &me.device_id, key, now),
    }
}

fn parent_round(
    conn: &mut Connection,
    db: &Path,
    dir: &Path,
    key: Option<&DataKey>,
    now: NaiveDateTime,
) -> Result<Round> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = access_log::file_name(p);
            name.starts_with("zaitaku-") && name.ends_with(&format!(".{EXTENSION}"))
        })
        .collect();
    // Oldest first: the names end with the time they were written.
    files.sort();
    let mut out = Round::default();
    for path in files {
        let name = access_log::file_name(&path);
        if already_taken(conn, &path, key).unwrap_or(false) {
            fs::remove_file(&path)?;
            continue;
        }
        let preview = match flow::import(conn, db, &path, key) {
            Ok(p) => p,
            Err(e) => {
                out.problems.push(format!("{name}: {e}"));
                continue;
            }
        };
        if !preview.conflicts.is_empty() {
            flow::keep_for_screen(db, &path)?;
            fs::remove_file(&path)?;
            out.waiting += 1;
            continue;
        }
        match flow::apply(conn, db, &path, key, &[], Some(dir), now) {
            Ok(applied) => {
                access_log::record_here(conn, Kind::ExchangeImport, &name, "", now)?;
                access_log::record_here(
                    conn,
                    Kind::ExchangeExport,
                    &access_log::file_name(&applied.reply),
                    "",
                    now,
                )?;
                fs::remove_file(&path)?;
                out.done.push(format!(
                    "{}から: {}",
                    preview.device_name,
                    counts_text(&applied.counts)
                ));
            }
            Err(e) => out.problems.push(format!("{name}: {e}")),
        }
    }
    out.waiting = flow::status(conn, db)?.waiting.len();
    Ok(out)
}

fn child_round(
    conn: &mut Connection,
    db: &Path,
    dir: &Path,
    device_id: &str,
    key: Option<&DataKey>,
    now: NaiveDateTime,
) -> Result<Round> {
    let mut out = Round::default();
    if flow::status(conn, db)?.awaiting_reply {
        let reply = dir.join(format!("reply-{device_id}.{EXTENSION}"));
        if !reply.is_file() {
            return Ok(out);
        }
        if already_taken(conn, &reply, key).unwrap_or(false) {
            fs::remove_file(&reply)?;
            return Ok(out);
        }
        match flow::take_reply(conn, db, &reply, key) {
            Ok(taken) => {
                let name = access_log::file_name(&reply);
                access_log::record_here(conn, Kind::ExchangeImport, &name, "", now)?;
                store::set_setting(conn, LAST_EXCHANGE, &store::stamp(now))?;
                fs::remove_file(&reply)?;
                out.done
                    .push(format!("親機からの返信: {}", counts_text(&taken.counts)));
            }
            Err(e) => out.problems.push(e.to_string()),
        }
        return Ok(out);
    }
    // Written beside the database first: a file with nothing in it is not
    // sent while the last exchange is recent.
    let outbox = super::folder(db).join("outbox");
    fs::create_dir_all(&outbox)?;
    let exported = flow::export(conn, db, &outbox, key, now)?;
    let last = store::setting(conn, LAST_EXCHANGE)?.and_then(|s| store::parse_stamp(&s).ok());
    let recent = last.is_some_and(|t| now - t < Duration::minutes(IDLE_EXCHANGE_MINUTES));
    // The access log of the exchange itself is no reason to send a file:
    // it goes with the next one (else each round would answer the last).
    let log = tables::table("access_log").map(|t| t.label);
    let substantive = exported.counts.iter().any(|c| Some(c.label) != log);
    if !substantive && recent {
        fs::remove_file(&exported.path)?;
        flow::forget_sent(db)?;
        return Ok(out);
    }
    let name = access_log::file_name(&exported.path);
    let to = dir.join(&name);
    let copied = copy_in(&exported.path, &to);
    fs::remove_file(&exported.path)?;
    if let Err(e) = copied {
        flow::forget_sent(db)?;
        return Err(e);
    }
    access_log::record_here(conn, Kind::ExchangeExport, &name, "", now)?;
    out.done.push(format!(
        "変更を書き出しました: {}",
        counts_text(&exported.counts)
    ));
    Ok(out)
}
