//! Converting a plain database into an encrypted one, and the way back
//! out (a plain copy for migrating away).
//!
//! A power cut at any moment leaves either the plain original or the
//! encrypted result, because a database is encrypted iff its key file
//! exists *and* its header is not SQLite's (`store::storage`):
//!
//! 1. a backup of the plain database (like any other backup);
//! 2. `sqlcipher_export` into `.<name>.encrypting` beside it, flushed, and
//!    checked: integrity and the fingerprint of every table equal;
//! 3. the key file written (atomically). The database is still plain: its
//!    header is SQLite's;
//! 4. the plain database closed with its WAL checkpointed away, then the
//!    encrypted file renamed over it (one atomic rename), the folder
//!    flushed. From here on it is encrypted.
//!
//! A plain database with a key file beside it is therefore a conversion
//! cut off before step 4: [`resolve_leftover`] (run by `keys::start` and
//! the command line) removes the key file and the half-made copy.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use rusqlite::Connection;

use super::{path_for, sync_dir, KeyFile, RecoveryKey};
use serde::Serialize;

use crate::access::handover::{self, Handover, TemporaryPassword};
use crate::backup::{self, BackupFile, BackupKind};
use crate::store::{self, DataKey, Storage, APPLICATION_ID};
use crate::{Error, Result};

/// What a conversion made.
#[derive(Debug)]
pub struct Converted {
    /// The backup of the plain database made first.
    pub backup: BackupFile,
    /// To be printed and kept in the office safe.
    pub recovery_key: RecoveryKey,
    /// The new data key, for opening the encrypted database at once.
    pub key: DataKey,
    /// Active members left without a credential: they sign in again only
    /// once a 管理者 has given them a (temporary) password in 設定.
    pub need_password: Vec<String>,
    /// Members given a temporary password by the conversion.
    pub temporary: Vec<String>,
}

/// How far a conversion is, for the screen that waits for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The backup of the plain database.
    Backup,
    /// Writing the encrypted copy.
    Copying,
    /// Comparing the copy with the original, table by table.
    Checking,
    /// Passwords, the key file, and the copy put in the original's place.
    Switching,
}

/// A conversion as asked for: who converts and the passwords from now on
/// (see `access::handover`). No `Debug`: it holds passwords.
#[derive(Clone, Copy)]
pub struct Request<'a> {
    /// An active 管理者.
    pub admin_id: &'a str,
    /// What they sign in with now (PIN or password).
    pub current: &'a str,
    /// Their password from now on (8+ characters).
    pub password: &'a str,
    /// Other members given a temporary password now.
    pub temporary: &'a [TemporaryPassword],
}

fn staging(db: &Path) -> PathBuf {
    let name = db.file_name().unwrap_or_default().to_string_lossy();
    db.with_file_name(format!(".{name}.encrypting"))
}

fn remove_with_journals(path: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let _ = fs::remove_file(&file);
    }
}

/// Clears what a conversion cut off before its last step left beside a
/// plain database: the key file and the half-made encrypted copy. Whether
/// there was anything.
pub fn resolve_leftover(db: &Path) -> Result<bool> {
    if store::storage(db)? != Storage::Plain {
        return Ok(false);
    }
    let keys = path_for(db);
    let copy = staging(db);
    let found = keys.exists() || copy.exists();
    if found {
        remove_with_journals(&copy);
        match fs::remove_file(&keys) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
        sync_dir(db);
    }
    Ok(found)
}

/// Converts the plain database at `db` (closed: no other connection may be
/// open) into an encrypted one. `admin_id` must be an active 管理者 and
/// `password` their password (8+ characters), which wraps the new data
/// key; the other members need a new password from a 管理者 afterwards.
pub fn encrypt(db: &Path, admin_id: &str, password: &str, now: NaiveDateTime) -> Result<Converted> {
    let request = Request {
        admin_id,
        current: password,
        password,
        temporary: &[],
    };
    convert(db, &request, now, &mut |_| {})
}

/// [`encrypt`] as 設定 asks for it: the 管理者 confirms with their current
/// PIN or password and chooses a password, and may give other members a
/// temporary one at once. `tell` hears each [`Stage`] as it starts.
pub fn convert(
    db: &Path,
    request: &Request<'_>,
    now: NaiveDateTime,
    tell: &mut dyn FnMut(Stage),
) -> Result<Converted> {
    if store::storage(db)? != Storage::Plain {
        return Err(Error::Conflict(
            "暗号化できるのは、暗号化していないデータベースだけです。".into(),
        ));
    }
    resolve_leftover(db)?;
    let conn = store::open(db)?;
    let plan = handover::plan(
        &conn,
        request.admin_id,
        request.current,
        request.password,
        request.temporary,
    )?;
    // A backup file only: nothing is written into the database, so the
    // encrypted one holds exactly what the plain one held.
    tell(Stage::Backup);
    let dir = backup::resolve_dir(&backup::load_settings(&conn)?, db);
    fs::create_dir_all(&dir)?;
    let backup = backup::create(&conn, None, db, &dir, BackupKind::Manual, now)?;
    let key = DataKey::generate();
    let copy = staging(db);
    remove_with_journals(&copy);
    tell(Stage::Copying);
    let made = export(&conn, &copy, Some(&key))
        .and_then(|()| {
            tell(Stage::Checking);
            verify(&conn, &copy, &key)
        })
        .and_then(|()| {
            tell(Stage::Switching);
            hand_over(&copy, &key, &plan, now)
        });
    let need_password = match made {
        Ok(names) => names,
        Err(e) => {
            remove_with_journals(&copy);
            return Err(e);
        }
    };
    let mut file = KeyFile::create(&key);
    file.set_member(&key, &plan.admin.id, &plan.admin.name, plan.password())?;
    let mut temporary = Vec::new();
    for (member, password) in plan.temporary() {
        file.set_member(&key, &member.id, &member.name, password)?;
        temporary.push(member.name.clone());
    }
    let recovery_key = file.new_recovery_key(&key)?;
    // Step 3: the key file; the database is still plain.
    file.save(db)?;
    // Step 4: the plain database closed with nothing left in its WAL.
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    drop(conn);
    for suffix in ["-wal", "-shm"] {
        let mut side = db.as_os_str().to_owned();
        side.push(suffix);
        let _ = fs::remove_file(&side);
    }
    fs::rename(&copy, db)?;
    sync_dir(db);
    Ok(Converted {
        backup,
        recovery_key,
        key,
        need_password,
        temporary,
    })
}

/// The credential changes of `plan` made in the checked encrypted copy,
/// recorded under the 管理者 who converts, the copy then closed whole (no
/// WAL beside it) and flushed. Answers who is left without a credential.
fn hand_over(
    copy: &Path,
    key: &DataKey,
    plan: &Handover,
    now: NaiveDateTime,
) -> Result<Vec<String>> {
    let mut conn = store::open_staged(copy, key)?;
    store::audit::set_actor(&conn, &plan.admin.id, &plan.admin.name)?;
    let without = handover::apply(&mut conn, plan, now)?;
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    drop(conn);
    fs::File::open(copy)?.sync_all()?;
    Ok(without)
}

/// Copies the database of `conn` into a new file at `to`, encrypted with
/// `key` (`None`: plain), with its version and application id.
fn export(conn: &Connection, to: &Path, key: Option<&DataKey>) -> Result<()> {
    let to_text = to
        .to_str()
        .ok_or_else(|| Error::Conflict("保存先の名前を読み取れないため書き出せません。".into()))?;
    match key {
        Some(key) => key.attach(conn, to, "converted")?,
        None => {
            conn.execute("ATTACH DATABASE ?1 AS converted KEY ''", [to_text])?;
        }
    }
    let version = store::schema_version(conn)?;
    let copied = conn
        .query_row("SELECT sqlcipher_export('converted')", [], |_| Ok(()))
        .and_then(|()| {
            conn.execute_batch(&format!(
                "PRAGMA converted.user_version = {version};
                 PRAGMA converted.application_id = {APPLICATION_ID};"
            ))
        });
    let detached = conn.execute_batch("DETACH DATABASE converted");
    copied?;
    detached?;
    fs::File::open(to)?.sync_all()?;
    Ok(())
}

/// The encrypted copy at `copy` holds what `conn` holds, row for row.
fn verify(conn: &Connection, copy: &Path, key: &DataKey) -> Result<()> {
    let encrypted = Connection::open(copy)?;
    key.unlock(&encrypted)?;
    let verdict: String = encrypted.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if verdict != "ok"
        || store::content_fingerprint(&encrypted)? != store::content_fingerprint(conn)?
    {
        return Err(Error::Corrupt(
            "暗号化したコピーが元のデータと一致しないため、暗号化を中止しました。元のデータはそのままです".into(),
        ));
    }
    Ok(())
}

/// A plain copy of the (encrypted) database of `conn` at `to`, a new
/// file, for a 管理者 migrating away: anyone can read it.
pub fn export_plain(conn: &Connection, to: &Path) -> Result<()> {
    if to.exists() {
        return Err(Error::invalid(
            "out",
            "書き出し先のファイルが既にあります。別の名前を指定してください。",
        ));
    }
    let made = export(conn, to, None);
    if made.is_err() {
        remove_with_journals(to);
    }
    made
}
