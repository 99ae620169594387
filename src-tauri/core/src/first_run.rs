//! 初期設定: the guided first start of an empty database. The office
//! enters, in order, its 事業所 data, its cities with their 日常生活圏域,
//! its first 管理者 with a credential, and the backup folder; or fills the
//! empty database with the demo office instead.
//!
//! Each step is saved in one transaction with the same rules as the 設定
//! screen (`office::validate`, `backup::validate_settings`). Which step
//! comes next is read from the data itself (an office name, a city, a
//! staff member), so quitting half-way resumes where it stopped. One
//! setting, [`KEY`], tells the steps apart from an office that began
//! before 初期設定 existed: it is `started` from the first step on and
//! `finished` after the last. A database without it counts as one that
//! needs 初期設定 only while it is empty (no office data, no staff); any
//! other is an existing office, which keeps working as it did.

use std::path::Path;

use chrono::NaiveDateTime;
use rusqlite::Connection;
use serde::Serialize;

use crate::access::{self, Actor, CredentialKind, StaffMember};
use crate::backup::{self, BackupSettings};
use crate::keys::{Keyring, RecoveryKey};
use crate::office::{self, CityInput, Office, OfficeInput};
use crate::{demo, store, Error, Result};

/// The app setting that marks 初期設定 as under way or done.
pub const KEY: &str = "first_run";
const STARTED: &str = "started";
/// Backup saved on an encrypted database: the 回復キー is left to do.
const RECOVERY: &str = "recovery_key";
const FINISHED: &str = "finished";

/// The steps, in order. On an encrypted database the printed recovery key
/// (回復キー) is a step after `Backup`: it comes once the first 管理者's
/// password wraps the data key, and 初期設定 ends only when the office has
/// confirmed it saved the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// 事業所: the name and contact block.
    Office,
    /// 市と日常生活圏域: the cities the office reports to.
    Cities,
    /// The first 管理者 and their PIN or password.
    Admin,
    /// バックアップの保存先.
    Backup,
    /// 回復キー: shown once, saved as a PDF, its keeping confirmed.
    RecoveryKey,
}

impl Step {
    /// The step's heading, as the window shows it.
    pub fn title(self) -> &'static str {
        match self {
            Step::Office => "事業所の情報",
            Step::Cities => "市と日常生活圏域",
            Step::Admin => "最初の管理者",
            Step::Backup => "バックアップの保存先",
            Step::RecoveryKey => "回復キー",
        }
    }
}

/// What the 初期設定 window shows: the step to do and what is saved so far.
#[derive(Debug, Clone, Serialize)]
pub struct FirstRun {
    /// The first step not yet done; `None` once 初期設定 is finished (or
    /// was never needed).
    pub step: Option<Step>,
    /// Nothing is entered yet, so 「デモデータで試す」 is offered.
    pub empty: bool,
    pub office: Office,
    /// The 管理者 registered in step 3, once there is one.
    pub admin: Option<StaffMember>,
    pub backup: BackupSettings,
    /// Where backups go when no folder is chosen (beside the database).
    pub default_backup_dir: String,
    /// The database is encrypted: the 回復キー step follows the backup.
    pub encrypted: bool,
}

/// The demo office's staff and how they sign in, for the screen.
#[derive(Debug, Clone, Serialize)]
pub struct DemoAccounts {
    pub admin: String,
    pub staff: Vec<String>,
    pub pin: String,
}

fn is_empty(conn: &Connection) -> Result<bool> {
    Ok(office::is_blank(conn)? && access::staff(conn)?.is_empty())
}

/// The first unfinished step, or `None` when there is nothing to set up.
pub fn step(conn: &Connection) -> Result<Option<Step>> {
    match store::setting(conn, KEY)?.as_deref() {
        Some(FINISHED) => return Ok(None),
        Some(RECOVERY) => return Ok(Some(Step::RecoveryKey)),
        // An office from before 初期設定 (or from the demo data): its own
        // data is there, it keeps working as it did.
        None if !is_empty(conn)? => return Ok(None),
        _ => {}
    }
    let office = office::load(conn)?;
    Ok(Some(if office.name.is_empty() {
        Step::Office
    } else if office.cities.is_empty() {
        Step::Cities
    } else if access::staff(conn)?.is_empty() {
        Step::Admin
    } else {
        Step::Backup
    }))
}

/// Whether 初期設定 is under way: the app answers only its steps.
pub fn pending(conn: &Connection) -> Result<bool> {
    Ok(step(conn)?.is_some())
}

pub fn status(conn: &Connection, db: &Path) -> Result<FirstRun> {
    let backup = backup::load_settings(conn)?;
    let default_backup_dir = backup::resolve_dir(&BackupSettings::default(), db)
        .display()
        .to_string();
    Ok(FirstRun {
        step: step(conn)?,
        empty: is_empty(conn)?,
        office: office::load(conn)?,
        admin: access::staff(conn)?
            .into_iter()
            .find(|m| m.role == access::Role::Admin),
        backup,
        default_backup_dir,
        encrypted: is_encrypted(db)?,
    })
}

fn is_encrypted(db: &Path) -> Result<bool> {
    Ok(store::storage(db)? == store::Storage::Encrypted)
}

/// Refuses a step out of order: before the ones it needs, or once
/// 初期設定 is finished. Going back to an earlier step is allowed.
fn require(conn: &Connection, needed: Step) -> Result<()> {
    match step(conn)? {
        None => Err(Error::Conflict(
            "初期設定は済んでいます。変更は「設定」画面で行ってください。".into(),
        )),
        Some(now) if now < needed => Err(Error::Conflict(format!(
            "先に「{}」を入力して「次へ」を押してください。",
            now.title()
        ))),
        Some(_) => Ok(()),
    }
}

/// Writes `input` and marks 初期設定 as `mark`, in one transaction.
fn save(conn: &mut Connection, input: &OfficeInput, mark: &str, now: NaiveDateTime) -> Result<()> {
    let clean = office::validate(input)?;
    let tx = conn.transaction()?;
    office::write(&tx, &clean, now)?;
    store::set_setting(&tx, KEY, mark)?;
    tx.commit()?;
    Ok(())
}

/// Step 1: the office's name and contact block. The cities are step 2's:
/// the ones stored are kept, any sent here are ignored.
pub fn save_office(
    conn: &mut Connection,
    input: &OfficeInput,
    db: &Path,
    now: NaiveDateTime,
) -> Result<FirstRun> {
    require(conn, Step::Office)?;
    let stored = OfficeInput::from(&office::load(conn)?);
    let input = OfficeInput {
        cities: stored.cities,
        ..input.clone()
    };
    save(conn, &input, STARTED, now)?;
    status(conn, db)
}

/// Step 2: the cities and their 圏域, at least one city (the office
/// reports to its cities); otherwise the rules of 設定.
pub fn save_cities(
    conn: &mut Connection,
    cities: &[CityInput],
    db: &Path,
    now: NaiveDateTime,
) -> Result<FirstRun> {
    require(conn, Step::Cities)?;
    if cities.is_empty() {
        return Err(Error::invalid(
            "cities",
            "市を1つ以上入力してください（相談記録の集計と報告の単位になります）。",
        ));
    }
    let input = OfficeInput {
        cities: cities.to_vec(),
        ..OfficeInput::from(&office::load(conn)?)
    };
    save(conn, &input, STARTED, now)?;
    status(conn, db)
}

/// Step 3: the first 管理者 (`access::register_first`), only once the
/// office and its cities are saved. An office from before 初期設定 with no
/// staff registers its first member from 設定 the same way.
pub fn register_admin(
    conn: &mut Connection,
    name: &str,
    kind: CredentialKind,
    credential: &str,
    now: NaiveDateTime,
) -> Result<Actor> {
    if pending(conn)? {
        require(conn, Step::Admin)?;
    }
    access::register_first(conn, name, kind, credential, now)
}

/// Step 4: the backup folder (empty: the default beside the database),
/// checked as 設定 › バックアップ checks it; the generations keep their
/// defaults. Saved together with the end of 初期設定, or on an encrypted
/// database with the move to the 回復キー step.
pub fn save_backup(conn: &mut Connection, dir: &str, db: &Path) -> Result<FirstRun> {
    require(conn, Step::Backup)?;
    let clean = backup::validate_settings(&BackupSettings {
        dir: dir.to_string(),
        ..backup::load_settings(conn)?
    })?;
    let tx = conn.transaction()?;
    backup::write_settings(&tx, &clean)?;
    let mark = if is_encrypted(db)? {
        RECOVERY
    } else {
        FINISHED
    };
    store::set_setting(&tx, KEY, mark)?;
    tx.commit()?;
    status(conn, db)
}

/// Step 5 on an encrypted database: a new 回復キー for the data key of
/// `keyring`, to be shown once and printed. Each call makes a new one, and
/// the one shown before stops opening anything, so a key shown and not
/// kept (the app quit half-way) is worth nothing.
pub fn new_recovery_key(conn: &Connection, keyring: &Keyring) -> Result<RecoveryKey> {
    require(conn, Step::RecoveryKey)?;
    keyring.update(|file, key| file.new_recovery_key(key))
}

/// The 回復キー sheet of the database at `db` as a PDF's pages.
pub fn recovery_key_sheet(
    conn: &Connection,
    db: &Path,
    key: &RecoveryKey,
    today: chrono::NaiveDate,
) -> Result<crate::print::Printed> {
    let office = office::load(conn)?;
    let file = db
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    crate::print::documents::recovery_key::build(&office.name, &file, &key.display(), today)
        .layout()
}

/// Ends 初期設定 on an encrypted database, once the office confirms it
/// has saved the 回復キー (`kept`).
pub fn finish_recovery_key(conn: &Connection, db: &Path, kept: bool) -> Result<FirstRun> {
    require(conn, Step::RecoveryKey)?;
    let made = crate::keys::KeyFile::load(db)?.is_some_and(|f| f.has_recovery_key());
    if !made {
        return Err(Error::Conflict(
            "回復キーがまだ作られていません。画面を開き直してください。".into(),
        ));
    }
    if !kept {
        return Err(Error::invalid(
            "kept",
            "回復キーをPDFで保存するか書き写して、事務所の金庫など安全な場所に保管したら、チェックを入れてください。回復キーがないと、パスワードを忘れたときにデータを開けません。",
        ));
    }
    store::set_setting(conn, KEY, FINISHED)?;
    status(conn, db)
}

/// Refuses the demo office on a database that is not new and empty.
pub fn demo_allowed(conn: &Connection) -> Result<()> {
    if step(conn)? != Some(Step::Office) || !is_empty(conn)? {
        return Err(Error::Conflict(
            "デモデータは、まだ何も入力していない新しいデータベースにだけ作成できます。".into(),
        ));
    }
    Ok(())
}

/// 「デモデータで試す」: the demo office instead of 初期設定, offered only
/// while the database is still empty. Its staff then sign in.
pub fn fill_demo(conn: &mut Connection, now: NaiveDateTime) -> Result<DemoAccounts> {
    demo_allowed(conn)?;
    demo::fill(conn, now)?;
    store::set_setting(conn, KEY, FINISHED)?;
    Ok(DemoAccounts {
        admin: demo::cases::STAFF[0].to_string(),
        staff: demo::cases::STAFF[1..]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        pin: demo::cases::DEMO_PIN.to_string(),
    })
}
