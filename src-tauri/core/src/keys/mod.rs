//! The key file: the data key of an encrypted database, wrapped once per
//! staff member (under their password) and once under the printed
//! 回復キー. It lives beside the database as `<database file name>.keys`
//! and holds no patient data: ids and display names of staff (for the
//! sign-in list before the database is open), KDF parameters, nonces and
//! wrapped keys.
//!
//! Each wrap: Argon2id(password, salt, params) → a 256-bit key encrypting
//! the data key with XChaCha20-Poly1305 under a random 192-bit nonce; the
//! entry's own label (member id or "recovery") is the associated data, so
//! entries cannot be swapped between members.
//!
//! Before the first 管理者 exists (half-way through 初期設定) the key is
//! kept in a `setup` entry as it is: the database then holds no patient
//! data, and the key must survive quitting. The first member wrap removes
//! it ([`KeyFile::set_member`]).

pub mod convert;
mod recovery;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

pub use recovery::RecoveryKey;

use crate::store::DataKey;
use crate::{Error, Result};

/// The key file's format; a newer one is refused rather than misread.
pub const FORMAT: u32 = 1;

/// Argon2id for wrapping: 64 MiB, 3 passes, 1 lane. One unwrap takes
/// ~0.2 s here (well under the 1 s a sign-in may take) and makes every
/// guess at a stolen key file cost the same. Stored per entry, so a later
/// version can raise them as entries are rewrapped.
const M_KIB: u32 = 64 * 1024;
const T_COST: u32 = 3;
const P_COST: u32 = 1;

/// `<database file name>.keys` beside the database.
pub fn path_for(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".keys");
    db.with_file_name(name)
}

/// Argon2id parameters and salt of one wrap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Kdf {
    m_kib: u32,
    t: u32,
    p: u32,
    salt: String,
}

/// One wrapped copy of the data key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Wrapped {
    kdf: Kdf,
    nonce: String,
    key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct MemberEntry {
    staff_id: String,
    name: String,
    #[serde(flatten)]
    wrapped: Wrapped,
    /// Wrong passwords in a row and when the last one was typed: the wait
    /// after wrong attempts must hold before the database can be opened.
    #[serde(default)]
    failures: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_failed_at: Option<String>,
}

/// A sign-in attempt made while the database was closed, kept until the
/// next opening writes it to the access log. Holds what the access log
/// would: who, when, and the detail (never what was typed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingAttempt {
    pub staff_id: String,
    pub name: String,
    pub at: String,
    /// `failed` (a wrong password) or `refused` (typed during a wait).
    pub outcome: String,
    pub detail: String,
}

/// A member as the lock screen lists them, before the database is open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyHolder {
    pub staff_id: String,
    pub name: String,
}

/// The key file's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFile {
    format: u32,
    #[serde(default)]
    members: Vec<MemberEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    recovery: Option<Wrapped>,
    /// The key itself (hex), only until the first member's wrap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    setup: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pending: Vec<PendingAttempt>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    let mut out = Zeroizing::new(Vec::with_capacity(text.len() / 2));
    for pair in text.as_bytes().chunks(2) {
        let pair = std::str::from_utf8(pair).ok()?;
        out.push(u8::from_str_radix(pair, 16).ok()?);
    }
    Some(out)
}

fn damaged(path_shown: &str) -> Error {
    Error::Corrupt(format!(
        "鍵ファイル「{path_shown}」を読み取れません。バックアップと一緒に保存した鍵ファイルに戻すか、管理者に連絡してください。"
    ))
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

impl Kdf {
    fn new() -> Kdf {
        Kdf {
            m_kib: M_KIB,
            t: T_COST,
            p: P_COST,
            salt: hex(&random::<16>()),
        }
    }

    /// The wrapping key for `secret`; `None` for parameters this program
    /// refuses (a damaged or hostile file asking for absurd memory).
    fn derive(&self, secret: &[u8]) -> Option<Zeroizing<[u8; 32]>> {
        if self.m_kib > 1024 * 1024 || self.t > 64 || self.p > 16 {
            return None;
        }
        let params = Params::new(self.m_kib, self.t, self.p, Some(32)).ok()?;
        let salt = unhex(&self.salt)?;
        let mut out = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(secret, &salt, out.as_mut())
            .ok()?;
        Some(out)
    }
}

impl Wrapped {
    fn seal(data_key: &DataKey, secret: &[u8], label: &str) -> Result<Wrapped> {
        let kdf = Kdf::new();
        let kek = kdf.derive(secret).ok_or_else(|| {
            Error::Conflict("鍵を保存できませんでした。もう一度お試しください。".into())
        })?;
        let nonce = random::<24>();
        let sealed = XChaCha20Poly1305::new(kek.as_ref().into())
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: data_key.as_bytes(),
                    aad: aad(label).as_bytes(),
                },
            )
            .map_err(|_| {
                Error::Conflict("鍵を保存できませんでした。もう一度お試しください。".into())
            })?;
        Ok(Wrapped {
            kdf,
            nonce: hex(&nonce),
            key: hex(&sealed),
        })
    }

    /// The data key, or `None` when `secret` is not the one it was wrapped
    /// under (or the entry was changed).
    fn open(&self, secret: &[u8], label: &str) -> Option<DataKey> {
        let kek = self.kdf.derive(secret)?;
        let nonce = unhex(&self.nonce).filter(|n| n.len() == 24)?;
        let sealed = unhex(&self.key)?;
        let plain = Zeroizing::new(
            XChaCha20Poly1305::new(kek.as_ref().into())
                .decrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: &sealed,
                        aad: aad(label).as_bytes(),
                    },
                )
                .ok()?,
        );
        let bytes: [u8; 32] = plain.as_slice().try_into().ok()?;
        Some(DataKey::from_bytes(bytes))
    }
}

fn aad(label: &str) -> String {
    format!("zaitaku-desk key file v{FORMAT}: {label}")
}

const RECOVERY_LABEL: &str = "recovery";

fn member_label(staff_id: &str) -> String {
    format!("member {staff_id}")
}

impl KeyFile {
    /// A key file for a new database: the data key kept as it is in the
    /// `setup` entry until the first member's wrap. The 回復キー comes
    /// later ([`KeyFile::new_recovery_key`]), when it is shown and printed.
    pub fn create(data_key: &DataKey) -> KeyFile {
        KeyFile {
            format: FORMAT,
            members: Vec::new(),
            recovery: None,
            setup: Some(hex(data_key.as_bytes())),
            pending: Vec::new(),
        }
    }

    /// Whether a 回復キー has been made for this database.
    pub fn has_recovery_key(&self) -> bool {
        self.recovery.is_some()
    }

    /// Reads the key file of the database at `db`; `None` when there is
    /// none (a plain database).
    pub fn load(db: &Path) -> Result<Option<KeyFile>> {
        let path = path_for(db);
        let shown = Error::path_text(&path);
        let text = match fs::read(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(Error::CannotOpen {
                    path: shown,
                    source,
                })
            }
        };
        let file: KeyFile = serde_json::from_slice(&text).map_err(|_| damaged(&shown))?;
        if file.format > FORMAT {
            return Err(Error::Conflict(format!(
                "鍵ファイル「{shown}」は新しい版のアプリで作られています。アプリを更新してください。"
            )));
        }
        Ok(Some(file))
    }

    /// Writes the key file of the database at `db` so that a crash leaves
    /// either the old or the new file: a temporary file, flushed to disk,
    /// renamed over the old one, and the folder flushed.
    pub fn save(&self, db: &Path) -> Result<()> {
        let path = path_for(db);
        let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
        tmp_name.push(".tmp");
        let tmp = path.with_file_name(tmp_name);
        let text = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        let written = (|| {
            let mut file = fs::File::create(&tmp)?;
            file.write_all(&text)?;
            file.sync_all()?;
            fs::rename(&tmp, &path)?;
            sync_dir(&path);
            Ok::<_, std::io::Error>(())
        })();
        if written.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        written.map_err(|source| Error::CannotOpen {
            path: Error::path_text(&path),
            source,
        })
    }

    /// The members who can open the database, in the order they were added.
    pub fn holders(&self) -> Vec<KeyHolder> {
        self.members
            .iter()
            .map(|m| KeyHolder {
                staff_id: m.staff_id.clone(),
                name: m.name.clone(),
            })
            .collect()
    }

    pub fn holds(&self, staff_id: &str) -> bool {
        self.members.iter().any(|m| m.staff_id == staff_id)
    }

    /// The key kept as it is during 初期設定, if still there.
    pub fn setup_key(&self) -> Option<DataKey> {
        let bytes = unhex(self.setup.as_deref()?)?;
        Some(DataKey::from_bytes(bytes.as_slice().try_into().ok()?))
    }

    /// The data key, for `staff_id` typing `password` (exactly as typed).
    /// A wrong password and an unknown member give the same answer.
    pub fn unwrap_member(&self, staff_id: &str, password: &str) -> Result<DataKey> {
        self.members
            .iter()
            .find(|m| m.staff_id == staff_id)
            .and_then(|m| m.wrapped.open(password.as_bytes(), &member_label(staff_id)))
            .ok_or_else(|| Error::invalid("credential", "パスワードが違います。"))
    }

    /// The data key, from the 回復キー as typed.
    pub fn unwrap_recovery(&self, typed: &str) -> Result<DataKey> {
        let recovery = RecoveryKey::parse("recovery_key", typed)?;
        self.recovery
            .as_ref()
            .and_then(|w| w.open(recovery.as_bytes(), RECOVERY_LABEL))
            .ok_or_else(|| {
                Error::invalid(
                    "recovery_key",
                    "回復キーが違います。このデータベース用に印刷した回復キーか確かめてください。",
                )
            })
    }

    /// Wraps `data_key` for a member under `password` (a value the
    /// credential policy accepted), replacing their copy if they had one:
    /// setting, changing or resetting a password. The first wrap ends the
    /// 初期設定 `setup` entry.
    pub fn set_member(
        &mut self,
        data_key: &DataKey,
        staff_id: &str,
        name: &str,
        password: &str,
    ) -> Result<()> {
        let wrapped = Wrapped::seal(data_key, password.as_bytes(), &member_label(staff_id))?;
        let entry = MemberEntry {
            staff_id: staff_id.to_string(),
            name: name.to_string(),
            wrapped,
            failures: 0,
            last_failed_at: None,
        };
        match self.members.iter_mut().find(|m| m.staff_id == staff_id) {
            Some(old) => *old = entry,
            None => self.members.push(entry),
        }
        self.setup = None;
        Ok(())
    }

    /// Renames a member on the sign-in list (their wrap is unchanged).
    pub fn rename_member(&mut self, staff_id: &str, name: &str) {
        if let Some(m) = self.members.iter_mut().find(|m| m.staff_id == staff_id) {
            m.name = name.to_string();
        }
    }

    /// A member's wrong passwords in a row and when the last one was typed.
    pub fn failures(&self, staff_id: &str) -> (u32, Option<String>) {
        self.members
            .iter()
            .find(|m| m.staff_id == staff_id)
            .map_or((0, None), |m| (m.failures, m.last_failed_at.clone()))
    }

    /// Sets a member's count of wrong passwords in a row.
    pub fn set_failures(&mut self, staff_id: &str, failures: u32, last: Option<String>) {
        if let Some(m) = self.members.iter_mut().find(|m| m.staff_id == staff_id) {
            m.failures = failures;
            m.last_failed_at = last;
        }
    }

    /// Keeps an attempt for the access log of the next opening.
    pub fn push_pending(&mut self, attempt: PendingAttempt) {
        // Bounded: a key file must not grow without end from guessing.
        const MAX: usize = 1000;
        if self.pending.len() >= MAX {
            self.pending.remove(0);
        }
        self.pending.push(attempt);
    }

    /// The attempts kept for the access log, leaving none.
    pub fn take_pending(&mut self) -> Vec<PendingAttempt> {
        std::mem::take(&mut self.pending)
    }

    /// Removes a member's copy (a retired member): their password no
    /// longer opens the database. Whether they had one.
    pub fn remove_member(&mut self, staff_id: &str) -> bool {
        let before = self.members.len();
        self.members.retain(|m| m.staff_id != staff_id);
        self.members.len() != before
    }

    /// Replaces the recovery wrap with one under a new 回復キー, returned to
    /// be printed (the old printout then opens nothing).
    pub fn new_recovery_key(&mut self, data_key: &DataKey) -> Result<RecoveryKey> {
        let recovery = RecoveryKey::generate();
        self.recovery = Some(Wrapped::seal(
            data_key,
            recovery.as_bytes(),
            RECOVERY_LABEL,
        )?);
        Ok(recovery)
    }
}

/// The data key of the open encrypted database and where its key file is:
/// what changing, resetting or retiring a member's password needs to keep
/// their wrapped copy in step. Dropped by the idle lock with the connection.
#[derive(Debug, Clone)]
pub struct Keyring {
    db: PathBuf,
    key: DataKey,
}

impl Keyring {
    pub fn new(db: &Path, key: DataKey) -> Keyring {
        Keyring {
            db: db.to_path_buf(),
            key,
        }
    }

    pub fn key(&self) -> &DataKey {
        &self.key
    }

    pub fn db(&self) -> &Path {
        &self.db
    }

    /// Reads, changes and writes the key file.
    pub fn update<T>(&self, change: impl FnOnce(&mut KeyFile, &DataKey) -> Result<T>) -> Result<T> {
        let mut file = KeyFile::load(&self.db)?.unwrap_or_else(|| KeyFile::create(&self.key));
        let out = change(&mut file, &self.key)?;
        file.save(&self.db)?;
        Ok(out)
    }

    /// Wraps the key for a member under the password they (or a 管理者)
    /// just set.
    pub fn wrap_for(&self, staff_id: &str, name: &str, password: &str) -> Result<()> {
        self.update(|file, key| file.set_member(key, staff_id, name, password))
    }

    /// Removes a retired member's copy.
    pub fn remove(&self, staff_id: &str) -> Result<()> {
        self.update(|file, _| {
            file.remove_member(staff_id);
            Ok(())
        })
    }
}

/// What the app finds when it starts on the database at `db`.
#[derive(Debug)]
pub enum Start {
    /// Open: a plain database (`keyring` none), or an encrypted one still
    /// in 初期設定, opened with the key of the `setup` entry.
    Open {
        conn: rusqlite::Connection,
        keyring: Option<Keyring>,
    },
    /// Encrypted: closed until a member signs in (or the 回復キー is
    /// typed); these members can.
    Locked { holders: Vec<KeyHolder> },
}

/// Opens the database at `db` as the app starts. A new database is
/// encrypted when `encrypt_new`: a new data key goes into a new key file
/// (its `setup` entry) before the database file exists, so quitting at
/// any moment leaves a key file that opens whatever was written.
pub fn start(db: &Path, encrypt_new: bool) -> Result<Start> {
    use crate::store::{self, Storage};
    // A conversion cut off before its last step: the plain original stays.
    convert::resolve_leftover(db)?;
    let storage = store::storage(db)?;
    let new_plain = storage == Storage::New && !encrypt_new && !path_for(db).exists();
    if storage == Storage::Plain || new_plain {
        return Ok(Start::Open {
            conn: store::open(db)?,
            keyring: None,
        });
    }
    let file = match KeyFile::load(db)? {
        Some(file) => file,
        None => {
            // Storage::New without a key file: a new office.
            let key = DataKey::generate();
            let file = KeyFile::create(&key);
            file.save(db)?;
            file
        }
    };
    match file.setup_key() {
        Some(key) => Ok(Start::Open {
            conn: store::open_with(db, Some(&key))?,
            keyring: Some(Keyring::new(db, key)),
        }),
        None => Ok(Start::Locked {
            holders: file.holders(),
        }),
    }
}

/// Removes a new encrypted database that holds nothing yet (its key still
/// in the `setup` entry, no member holding it) with its key file, so that
/// it can be made again as a plain one: the demo office (whose staff sign
/// in with PINs) is plain. The database must be closed.
pub fn discard_new(db: &Path) -> Result<()> {
    let holds_nothing =
        KeyFile::load(db)?.is_some_and(|f| f.setup_key().is_some() && f.members.is_empty());
    if !holds_nothing {
        return Err(Error::Conflict(
            "暗号化したデータベースに担当者が登録されているため、作り直せません。".into(),
        ));
    }
    for suffix in ["-wal", "-shm", "-journal", ""] {
        let mut path = db.as_os_str().to_owned();
        path.push(suffix);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    fs::remove_file(path_for(db))?;
    sync_dir(db);
    Ok(())
}

fn sync_dir(path: &Path) {
    // Makes the rename durable on Unix; not possible (nor needed) on Windows.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

#[cfg(test)]
mod tests;
