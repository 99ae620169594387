//! The one database connection of the window, who is working on it, and
//! the one rule of who may call what.
//!
//! - The invoke handler asks [`AppState::admit`] before a command reads its
//!   arguments: while the window is locked, only the lock screen's own
//!   commands ([`LOCK_SCREEN`]) are answered; a member who must set their
//!   own credential first (none yet, or a temporary one from a 管理者) gets
//!   [`OWN_CREDENTIAL`] besides; a command marked `#[admin]` in
//!   commands/list.rs is answered for a 管理者 only.
//! - Commands reach the connection only through [`AppState::read`] and
//!   [`AppState::write`], which apply the same rule; `write` also hands over
//!   the [`Actor`] to record. The lock screen's commands use the few methods
//!   marked "answered while locked" instead.
//!
//! Locked means: staff are registered and nobody is signed in. An office
//! with no staff registered cannot sign in, so it works unlocked (as its
//! own 管理者) and its changes are recorded under no name (（未設定）),
//! until it registers its first member.
//!
//! A new, empty database starts with 初期設定 (`first_run`): until it is
//! finished, only the commands marked `#[first_run]` in list.rs and the
//! lock screen's are answered, so the office works unlocked only for its
//! first two steps (事業所, 市と圏域), before it has anyone to sign in;
//! from the third step on it has its 管理者, and the lock applies. An
//! office that already had data before 初期設定 existed is not asked to
//! go through it: with no staff it keeps working unlocked, as before,
//! until it registers its first member in 設定.
//!
//! An encrypted database (see `zaitaku_core::keys`) starts with no
//! connection at all: the lock screen lists the members of its key file,
//! and a sign-in unwraps the data key with the password and opens the
//! database. Locking (the button, or the idle lock noticed by the next
//! call) closes the connection and forgets the key again, so a laptop left
//! locked holds neither in memory; the next sign-in costs one key
//! derivation (~0.3 s). The 回復キー opens it too, and has a 管理者 set a
//! new password at once.
//!
//! The idle lock is kept here too, not only by the page's timer: every
//! admitted command (the lock screen's own calls do not count) records the
//! time, and a command that comes more than `access::lock_minutes` after
//! the last one locks the window and is refused. So a laptop resumed from
//! sleep is locked even if the page's timer never fired. The wall clock is
//! used, because a monotonic clock stops while the machine sleeps.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use zaitaku_core::access::{self, Actor, StaffMember};
use zaitaku_core::keys::{self, KeyHolder, Keyring};
use zaitaku_core::store::Connection;
use zaitaku_core::{access_log, backup, first_run, store};

use crate::{error, UiError};

mod encryption;
pub use encryption::{Encrypted, Passwords};
mod exchange;
pub use exchange::ExchangeRound;

/// The commands the lock screen calls, answered while the window is locked.
/// The automatic backup's notice shows on the lock screen too: the window
/// starts locked, and the backup tells only how far it is or why it failed.
pub const LOCK_SCREEN: &[&str] = &[
    "app_status",
    "access_status",
    "sign_in",
    "recover_with_key",
    "lock_screen",
    "start_auto_backup",
    "auto_backup_status",
    "help_guide",
];

/// The one command, besides the lock screen's, of a member who must set
/// their own credential before anything else.
pub const OWN_CREDENTIAL: &str = "set_own_credential";

pub struct AppState {
    pub db_path: PathBuf,
    conn: Mutex<Option<Connection>>,
    /// The data key of an encrypted database while it is open; taken after
    /// `conn` whenever both are held.
    keyring: Mutex<Option<Keyring>>,
    /// Whether the database is encrypted: closed while locked. Cleared
    /// when 「デモデータで試す」 makes the new database plain again.
    encrypted: AtomicBool,
    /// The 回復キー shown in 初期設定, until its PDF is saved and its
    /// keeping confirmed.
    shown_recovery_key: Mutex<Option<keys::RecoveryKey>>,
    pub startup_error: Option<UiError>,
    /// Who is working on this window; `None` while locked.
    actor: Mutex<Option<Actor>>,
    /// Whether any staff member is registered, known without a query: the
    /// invoke handler asks on the UI thread, where waiting for the
    /// connection would freeze the window. Set on opening and after every
    /// `write`, the only way the staff list changes.
    staff_registered: AtomicBool,
    /// Whether 初期設定 is not finished yet, kept like `staff_registered`.
    first_run: AtomicBool,
    /// `access::lock_minutes` (0 = never), kept like `staff_registered`.
    lock_minutes: AtomicU32,
    /// The active 管理者' names, for the refusal of a 管理者-only command;
    /// kept like `staff_registered`.
    admins: Mutex<String>,
    /// When the last admitted command came (or the sign-in).
    last_activity: Mutex<Option<SystemTime>>,
    /// Set when the idle lock forgot the actor without the connection (the
    /// invoke handler must not wait for it): who and when. The next holder
    /// of the connection clears the name recorded with changes and puts the
    /// lock in the access log.
    idle_locked: Mutex<Option<(Actor, SystemTime)>>,
    /// Set by the window's first request, so the day's backup is planned once.
    auto_backup_asked: AtomicBool,
    auto_backup: Mutex<AutoBackup>,
}

/// The day's automatic backup, as the notice in the window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AutoBackup {
    /// Not asked for yet, or already made today.
    Idle,
    Running {
        stage: backup::Stage,
    },
    Done {
        file_name: String,
    },
    Failed {
        message: String,
    },
}

/// What the lock screen shows.
#[derive(Serialize)]
pub struct AccessStatus {
    staff: Vec<StaffMember>,
    actor: Option<StaffMember>,
    lock_minutes: u32,
    /// The database is encrypted and closed: the 回復キー can open it.
    closed: bool,
}

fn locked() -> UiError {
    UiError::new(
        "signed_out",
        "操作する担当者が選ばれていません。画面のロックを解除してください。",
    )
}

fn needs_credential() -> UiError {
    UiError::new(
        "credential_required",
        "続けるには、まずご自分の暗証番号またはパスワードを設定してください。",
    )
}

fn first_run_required() -> UiError {
    UiError::new(
        "first_run",
        "初期設定が終わっていません。初期設定の画面で最後の手順まで進めてください。",
    )
}

fn has_staff(conn: &Connection) -> zaitaku_core::Result<bool> {
    Ok(!access::staff(conn)?.is_empty())
}

fn admin_names(conn: &Connection) -> zaitaku_core::Result<String> {
    Ok(access::admin_names(conn)?.join("、"))
}

impl AppState {
    /// The connection slot (`None` while an encrypted database is closed).
    fn lock_conn(&self) -> Result<MutexGuard<'_, Option<Connection>>, UiError> {
        self.conn.lock().map_err(|_| internal())
    }

    pub fn open(db_path: PathBuf) -> Self {
        // New databases are encrypted (see the module's documentation).
        let opened = keys::start(&db_path, true);
        let (conn, keyring) = match opened {
            Ok(keys::Start::Open { conn, keyring }) => (Ok(conn), keyring),
            Ok(keys::Start::Locked { .. }) => {
                log::info!("encrypted database, locked: {}", db_path.display());
                return AppState {
                    encrypted: AtomicBool::new(true),
                    staff_registered: AtomicBool::new(true),
                    ..AppState::without(db_path, None, None)
                };
            }
            Err(e) => (Err(e), None),
        };
        match conn {
            Ok(conn) => {
                log::info!("database opened: {}", db_path.display());
                // When the staff cannot be read, the window stays locked.
                let staff_registered = has_staff(&conn).unwrap_or(true);
                // Nor does anything but 初期設定 open when that cannot be read.
                let first_run = first_run::pending(&conn).unwrap_or(true);
                let lock_minutes =
                    access::lock_minutes(&conn).unwrap_or(access::DEFAULT_LOCK_MINUTES);
                let admins = admin_names(&conn).unwrap_or_default();
                AppState {
                    staff_registered: AtomicBool::new(staff_registered),
                    first_run: AtomicBool::new(first_run),
                    lock_minutes: AtomicU32::new(lock_minutes),
                    admins: Mutex::new(admins),
                    encrypted: AtomicBool::new(keyring.is_some()),
                    keyring: Mutex::new(keyring),
                    ..AppState::without(db_path, Some(conn), None)
                }
            }
            Err(err) => AppState::without(db_path, None, Some(UiError::from(err))),
        }
    }

    fn without(db_path: PathBuf, conn: Option<Connection>, startup_error: Option<UiError>) -> Self {
        AppState {
            db_path,
            conn: Mutex::new(conn),
            keyring: Mutex::new(None),
            encrypted: AtomicBool::new(false),
            shown_recovery_key: Mutex::new(None),
            startup_error,
            actor: Mutex::new(None),
            staff_registered: AtomicBool::new(false),
            first_run: AtomicBool::new(false),
            lock_minutes: AtomicU32::new(access::DEFAULT_LOCK_MINUTES),
            admins: Mutex::new(String::new()),
            last_activity: Mutex::new(None),
            idle_locked: Mutex::new(None),
            auto_backup_asked: AtomicBool::new(false),
            auto_backup: Mutex::new(AutoBackup::Idle),
        }
    }

    /// Runs `f` with the connection; one caller at a time. Private: the
    /// commands go through `read`, `write` or the lock screen's methods.
    fn with_conn<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, UiError>,
    ) -> Result<T, UiError> {
        let mut guard = self.lock_conn()?;
        let idle_locked = self.idle_locked.lock().ok().and_then(|mut l| l.take());
        if let (Some(conn), Some((actor, at))) = (guard.as_mut(), idle_locked) {
            store::audit::set_actor(conn, "", "")?;
            let detail = "操作がなかったため自動でロック";
            record_access(conn, &actor, access_log::Kind::Lock, detail, at);
            if self.closes_when_locked() {
                self.close(&mut guard);
            }
        }
        match guard.as_mut() {
            Some(conn) => f(conn),
            None if self.is_encrypted() && self.startup_error.is_none() => Err(locked()),
            None => Err(self.startup_error.clone().unwrap_or_else(|| {
                UiError::new(
                    "internal",
                    "データベースが開かれていません。アプリを再起動してください。",
                )
            })),
        }
    }

    /// Whether locking closes the database and forgets its key: an
    /// encrypted one whose key is wrapped for its members (not one still
    /// in 初期設定, whose key file opens it without a password anyway).
    fn closes_when_locked(&self) -> bool {
        self.is_encrypted()
            && keys::KeyFile::load(&self.db_path)
                .ok()
                .flatten()
                .is_some_and(|f| f.setup_key().is_none())
    }

    /// Whether the database is encrypted: its credentials are passwords.
    pub fn is_encrypted(&self) -> bool {
        self.encrypted.load(Ordering::SeqCst)
    }

    /// 「デモデータで試す」 on a new database. The demo office's staff sign
    /// in with PINs, which an encrypted database refuses: a new encrypted
    /// database (nothing in it, its key not yet wrapped for anyone) is
    /// made again as a plain one first.
    pub fn fill_demo(&self) -> Result<first_run::DemoAccounts, UiError> {
        let now = chrono::Local::now().naive_local();
        let mut guard = self.lock_conn()?;
        let Some(conn) = guard.as_mut() else {
            return Err(locked());
        };
        first_run::demo_allowed(conn)?;
        if self.keyring().is_some() {
            *guard = None;
            keys::discard_new(&self.db_path)?;
            *guard = Some(store::open(&self.db_path)?);
            if let Ok(mut keyring) = self.keyring.lock() {
                *keyring = None;
            }
            self.encrypted.store(false, Ordering::SeqCst);
            log::info!("new database made plain for the demo office");
        }
        let conn = guard.as_mut().ok_or_else(locked)?;
        let accounts = first_run::fill_demo(conn, now)?;
        self.refresh(conn);
        Ok(accounts)
    }

    /// 初期設定's 回復キー step: a new key, shown once; kept here until its
    /// PDF is saved and its keeping confirmed.
    pub fn new_recovery_key(&self) -> Result<String, UiError> {
        let keyring = self
            .keyring()
            .ok_or_else(|| UiError::new("conflict", "このデータベースは暗号化されていません。"))?;
        let key = self.read(|conn| first_run::new_recovery_key(conn, &keyring))?;
        let shown = key.display().to_string();
        if let Ok(mut kept) = self.shown_recovery_key.lock() {
            *kept = Some(key);
        }
        Ok(shown)
    }

    /// The 回復キー shown last in 初期設定, for its PDF.
    pub fn shown_recovery_key(&self) -> Result<keys::RecoveryKey, UiError> {
        self.shown_recovery_key
            .lock()
            .ok()
            .and_then(|k| k.clone())
            .ok_or_else(|| {
                UiError::new(
                    "conflict",
                    "回復キーがまだ表示されていません。画面を開き直してください。",
                )
            })
    }

    /// Ends 初期設定 once the office confirms it kept the 回復キー.
    pub fn finish_recovery_key(&self, kept: bool) -> Result<first_run::FirstRun, UiError> {
        let status =
            self.write(|conn, _| first_run::finish_recovery_key(conn, &self.db_path, kept))?;
        if let Ok(mut shown) = self.shown_recovery_key.lock() {
            *shown = None;
        }
        Ok(status)
    }

    /// Closes the connection and forgets the key (the window locked).
    fn close(&self, conn: &mut Option<Connection>) {
        *conn = None;
        if let Ok(mut keyring) = self.keyring.lock() {
            *keyring = None;
        }
        if let Ok(mut actor) = self.actor.lock() {
            *actor = None;
        }
        log::info!("encrypted database closed");
    }

    /// The open encrypted database's key, for a change that rewraps it or
    /// makes an encrypted backup; `None` for a plain database.
    pub fn keyring(&self) -> Option<Keyring> {
        self.keyring.lock().ok().and_then(|k| k.clone())
    }

    /// The data key of the open database, if encrypted.
    pub fn data_key(&self) -> Option<zaitaku_core::store::DataKey> {
        self.keyring().map(|k| k.key().clone())
    }

    /// Takes the connection and key of an encrypted database just opened
    /// by a sign-in, and the member working on it.
    fn opened(&self, unlocked: access::Unlocked) -> Result<Actor, UiError> {
        let access::Unlocked {
            conn,
            keyring,
            actor,
        } = unlocked;
        let mut guard = self.lock_conn()?;
        if let Ok(mut k) = self.keyring.lock() {
            *k = Some(keyring);
        }
        let conn = guard.insert(conn);
        self.remember(conn, Some(actor.clone()))?;
        self.refresh(conn);
        Ok(actor)
    }

    /// Whether 初期設定 is not finished yet.
    pub fn first_run_pending(&self) -> bool {
        self.first_run.load(Ordering::SeqCst)
    }

    fn actor(&self) -> Option<Actor> {
        self.actor.lock().ok().and_then(|a| a.clone())
    }

    /// The signed-in actor, `None` in an office without staff, refused
    /// while locked.
    fn signed_in(&self) -> Result<Option<Actor>, UiError> {
        match self.actor() {
            Some(actor) => Ok(Some(actor)),
            None if !self.staff_registered.load(Ordering::SeqCst) => Ok(None),
            None => Err(locked()),
        }
    }

    /// The rule itself: [`signed_in`](Self::signed_in), and refused to a
    /// member who must set their own credential first.
    fn session(&self) -> Result<Option<Actor>, UiError> {
        let actor = self.signed_in()?;
        if actor.as_ref().is_some_and(Actor::needs_credential) {
            return Err(needs_credential());
        }
        Ok(actor)
    }

    /// Refuses a 管理者-only `command` to anyone else, naming whom to ask.
    fn check_role(&self, command: &str, actor: Option<&Actor>) -> Result<(), UiError> {
        if !crate::commands::admin_only(command) || actor.is_none_or(Actor::is_admin) {
            return Ok(());
        }
        let admins = self.admins.lock().map(|a| a.clone()).unwrap_or_default();
        Err(UiError::from(zaitaku_core::Error::AdminOnly { admins }))
    }

    /// Whether `command` may be called now; asked by the invoke handler
    /// before the command runs.
    pub fn admit(&self, command: &str) -> Result<(), UiError> {
        self.admit_at(command, SystemTime::now())
    }

    /// [`admit`](Self::admit) at the time `now`: locks first when the
    /// window has been idle too long, and records `now` as the last
    /// activity of an admitted command.
    fn admit_at(&self, command: &str, now: SystemTime) -> Result<(), UiError> {
        if LOCK_SCREEN.contains(&command) {
            return Ok(());
        }
        if self.first_run.load(Ordering::SeqCst) && !crate::commands::first_run_step(command) {
            return Err(first_run_required());
        }
        self.lock_if_idle(now);
        if command == OWN_CREDENTIAL {
            self.signed_in()?;
        } else {
            let actor = self.session()?;
            self.check_role(command, actor.as_ref())?;
        }
        self.touch(now);
        Ok(())
    }

    fn touch(&self, now: SystemTime) {
        if let Ok(mut last) = self.last_activity.lock() {
            *last = Some(now);
        }
    }

    /// Forgets the signed-in member when the last activity is more than the
    /// lock minutes before `now`. A clock set back counts as activity now.
    fn lock_if_idle(&self, now: SystemTime) {
        let minutes = self.lock_minutes.load(Ordering::SeqCst);
        if minutes == 0 {
            return;
        }
        let Some(last) = self.last_activity.lock().ok().and_then(|l| *l) else {
            return;
        };
        let idle = now.duration_since(last).unwrap_or_default();
        if idle <= Duration::from_secs(u64::from(minutes) * 60) {
            return;
        }
        let forgotten = self.actor.lock().ok().and_then(|mut a| a.take());
        if let Some(actor) = forgotten {
            log::info!("locked after {minutes} idle minutes: {}", actor.name());
            let locked_at = last + Duration::from_secs(u64::from(minutes) * 60);
            if let Ok(mut pending) = self.idle_locked.lock() {
                *pending = Some((actor, locked_at));
            }
        }
    }

    /// The connection for a command that only reads. Refused while locked.
    pub fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> zaitaku_core::Result<T>,
    ) -> Result<T, UiError> {
        // Asked holding the connection, so that a lock cannot slip between.
        self.with_conn(|conn| {
            self.session()?;
            f(conn).map_err(UiError::from)
        })
    }

    /// The connection for a command that changes data, with who is making
    /// the change (taken from the sign-in, never from the page). Refused
    /// while locked.
    pub fn write<T>(
        &self,
        f: impl FnOnce(&mut Connection, &Actor) -> zaitaku_core::Result<T>,
    ) -> Result<T, UiError> {
        self.write_as(|conn, actor| f(conn, actor).map_err(UiError::from))
    }

    fn write_as<T>(
        &self,
        f: impl FnOnce(&mut Connection, &Actor) -> Result<T, UiError>,
    ) -> Result<T, UiError> {
        self.with_conn(|conn| {
            let actor = match self.session()? {
                Some(actor) => actor,
                None => access::unregistered(conn)?.ok_or_else(locked)?,
            };
            let result = f(conn, &actor);
            self.refresh(conn);
            result
        })
    }

    /// After a change: what the invoke handler keeps without a query, and
    /// the signed-in member as they are now (a 管理者 may have changed
    /// their role, or retired them: then the window locks).
    fn refresh(&self, conn: &Connection) {
        // The change may have registered the first staff member (or, by a
        // restore, removed them all).
        match has_staff(conn) {
            Ok(any) => self.staff_registered.store(any, Ordering::SeqCst),
            Err(e) => log::warn!("cannot read the staff list: {}", error::loggable(&e)),
        }
        // Or finished 初期設定 (or, by a restore, went back before it).
        match first_run::pending(conn) {
            Ok(pending) => self.first_run.store(pending, Ordering::SeqCst),
            Err(e) => log::warn!("cannot read the first-run step: {}", error::loggable(&e)),
        }
        // Or changed the lock minutes.
        match access::lock_minutes(conn) {
            Ok(minutes) => self.lock_minutes.store(minutes, Ordering::SeqCst),
            Err(e) => log::warn!("cannot read the lock minutes: {}", error::loggable(&e)),
        }
        match admin_names(conn) {
            Ok(names) => {
                if let Ok(mut admins) = self.admins.lock() {
                    *admins = names;
                }
            }
            Err(e) => log::warn!("cannot read the 管理者: {}", error::loggable(&e)),
        }
        let Some(actor) = self.actor() else { return };
        match actor.reloaded(conn) {
            Ok(Some(now)) if now == actor => {}
            Ok(now) => {
                if let Err(e) = self.remember(conn, now) {
                    log::warn!("cannot record the actor: {}", e.kind);
                }
            }
            Err(e) => log::warn!("cannot read the actor: {}", error::loggable(&e)),
        }
    }

    /// Signs in as `actor` (or locks with `None`); the connection records
    /// their name with every settings change from now on.
    fn remember(&self, conn: &Connection, actor: Option<Actor>) -> Result<(), UiError> {
        let (id, name) = actor
            .as_ref()
            .map_or(("", ""), |a| (a.staff_id(), a.name()));
        store::audit::set_actor(conn, id, name)?;
        if let Ok(mut pending) = self.idle_locked.lock() {
            *pending = None;
        }
        if actor.is_some() {
            self.touch(SystemTime::now());
        }
        if let Ok(mut current) = self.actor.lock() {
            *current = actor;
        }
        Ok(())
    }

    /// Answered while locked: the staff to choose from and who is working.
    pub fn access_status(&self) -> Result<AccessStatus, UiError> {
        let open = self.with_conn(|conn| Ok((access::staff(conn)?, access::lock_minutes(conn)?)));
        let (staff, lock_minutes) = match open {
            Ok(found) => found,
            Err(e) if e.kind == "signed_out" => (self.key_holders()?, 0),
            Err(e) => return Err(e),
        };
        Ok(AccessStatus {
            staff,
            actor: self.actor().and_then(|a| a.member().cloned()),
            lock_minutes,
            closed: self.is_closed(),
        })
    }

    /// The members who can open the closed encrypted database, as the
    /// lock screen lists them (their role is known once it is open).
    fn key_holders(&self) -> Result<Vec<StaffMember>, UiError> {
        let file = keys::KeyFile::load(&self.db_path)?;
        Ok(file
            .map(|f| f.holders())
            .unwrap_or_default()
            .into_iter()
            .map(|KeyHolder { staff_id, name }| StaffMember {
                id: staff_id,
                name,
                role: access::Role::Staff,
                credential: Some(access::CredentialKind::Password),
                must_change: false,
            })
            .collect())
    }

    /// Whether the database is closed (encrypted and locked).
    fn is_closed(&self) -> bool {
        self.is_encrypted()
            && self.startup_error.is_none()
            && self.conn.lock().map(|c| c.is_none()).unwrap_or(false)
    }

    /// Answered while locked: checks the member's PIN or password and
    /// unlocks (after five wrong ones in a row, only once a wait has
    /// passed; the refusal says how long). A closed encrypted database is
    /// opened with the key the password unwraps.
    pub fn sign_in(&self, staff_id: &str, credential: &str) -> Result<StaffMember, UiError> {
        let now = chrono::Local::now().naive_local();
        if self.is_closed() {
            let unlocked = access::sign_in_encrypted(&self.db_path, staff_id, credential, now)?;
            let actor = self.opened(unlocked)?;
            log::info!("signed in (database opened): {}", actor.name());
            return member_of(&actor);
        }
        let actor = self.with_conn(|conn| {
            let actor = access::sign_in(conn, staff_id, credential, now)?;
            self.remember(conn, Some(actor.clone()))?;
            Ok(actor)
        })?;
        log::info!("signed in: {}", actor.name());
        member_of(&actor)
    }

    /// Answered while locked: opens the closed encrypted database with the
    /// 回復キー; 管理者 `staff_id` sets a new password and is signed in.
    pub fn recover(
        &self,
        recovery_key: &str,
        staff_id: &str,
        new_password: &str,
    ) -> Result<StaffMember, UiError> {
        if !self.is_closed() {
            return Err(UiError::new(
                "conflict",
                "回復キーは、暗号化したデータベースが閉じているときに使います。",
            ));
        }
        let now = chrono::Local::now().naive_local();
        let unlocked = access::recover(&self.db_path, recovery_key, staff_id, new_password, now)?;
        let actor = self.opened(unlocked)?;
        log::info!("opened with the recovery key: {}", actor.name());
        member_of(&actor)
    }

    /// Answered while locked: nobody is signed in until the next sign-in.
    pub fn lock(&self) -> Result<(), UiError> {
        self.forget(access_log::Kind::Lock)
    }

    /// When the window closes: whoever is signed in is signed out.
    pub fn sign_out(&self) -> Result<(), UiError> {
        self.forget(access_log::Kind::SignOut)
    }

    /// Forgets the signed-in member, recording `kind` (画面ロック or
    /// サインアウト) in the access log if there was one.
    fn forget(&self, kind: access_log::Kind) -> Result<(), UiError> {
        if self.is_closed() {
            return Ok(());
        }
        self.with_conn(|conn| {
            if let Some(actor) = self.actor().filter(|a| a.member().is_some()) {
                log::info!("{}: {}", kind.code(), actor.name());
                record_access(conn, &actor, kind, "", SystemTime::now());
            }
            self.remember(conn, None)
        })?;
        if self.closes_when_locked() {
            if let Ok(mut guard) = self.conn.lock() {
                self.close(&mut guard);
            }
        }
        Ok(())
    }

    /// Answered while locked: the schema version, for the about line.
    pub fn schema_version(&self) -> Option<i64> {
        self.with_conn(|conn| Ok(store::schema_version(conn)?)).ok()
    }

    /// The signed-in member sets their own PIN or password, and works on
    /// as the member they now are (no longer limited to this, if they were).
    pub fn set_own_credential(
        &self,
        current: &str,
        kind: access::CredentialKind,
        credential: &str,
    ) -> Result<StaffMember, UiError> {
        let now = chrono::Local::now().naive_local();
        let actor = self.with_conn(|conn| {
            let me = self
                .signed_in()?
                .map_or_else(|| access::unregistered(conn)?.ok_or_else(locked), Ok)?;
            let actor = access::set_own_credential(conn, &me, current, kind, credential, now)?;
            self.rewrap(&actor, kind, credential)?;
            self.remember(conn, Some(actor.clone()))?;
            Ok(actor)
        })?;
        member_of(&actor)
    }

    /// A new office registers its first member, 管理者, and works as them
    /// (in 初期設定, once its office and cities are saved). Refused once
    /// any member is registered.
    pub fn register_first(
        &self,
        name: &str,
        kind: access::CredentialKind,
        credential: &str,
    ) -> Result<StaffMember, UiError> {
        let now = chrono::Local::now().naive_local();
        let actor = self.with_conn(|conn| {
            self.signed_in()?;
            let actor = first_run::register_admin(conn, name, kind, credential, now)?;
            self.rewrap(&actor, kind, credential)?;
            self.remember(conn, Some(actor.clone()))?;
            self.refresh(conn);
            Ok(actor)
        })?;
        log::info!("first member registered and signed in");
        member_of(&actor)
    }
}

impl AppState {
    /// After `actor`'s own credential was set: their copy of the data key
    /// wrapped under it (encrypted databases only).
    fn rewrap(
        &self,
        actor: &Actor,
        kind: access::CredentialKind,
        typed: &str,
    ) -> Result<(), UiError> {
        if let (Some(keyring), Some(member)) = (self.keyring(), actor.member()) {
            access::wrap_for_member(&keyring, member, kind, typed)?;
        }
        Ok(())
    }
}

/// The day's automatic backup. It runs after the window is drawn, on a
/// thread and a read-only connection of its own (`backup::copy_file`), so a
/// large database never keeps the window black nor the office from saving;
/// the app's connection is taken only for a moment to plan and to record.
/// A failure must not keep the office from working: the notice says why,
/// and 設定 goes on warning while the last backup is old.
impl AppState {
    /// Plans the day's backup on the window's first request; `None` when
    /// there is nothing to make (asked before, made today, no database).
    pub fn plan_auto_backup(&self) -> Option<backup::Plan> {
        // A closed encrypted database is asked again after the sign-in.
        if self.is_closed() {
            return None;
        }
        if self.auto_backup_asked.swap(true, Ordering::SeqCst) || self.startup_error.is_some() {
            return None;
        }
        let now = chrono::Local::now().naive_local();
        match self.with_conn(|conn| Ok(backup::auto_plan(conn, &self.db_path, now)?)) {
            Ok(Some(plan)) => {
                self.set_auto_backup(AutoBackup::Running {
                    stage: backup::Stage::Copying {
                        done_pages: 0,
                        total_pages: 0,
                    },
                });
                Some(plan)
            }
            Ok(None) => None,
            Err(e) => {
                self.auto_backup_failed(e);
                None
            }
        }
    }

    /// Makes the planned backup, telling its stages to the notice.
    pub fn run_auto_backup(&self, plan: &backup::Plan) {
        let now = chrono::Local::now().naive_local();
        let mut tell = |stage| self.set_auto_backup(AutoBackup::Running { stage });
        let key = self.data_key();
        let result = backup::copy_file(&self.db_path, key.as_ref(), plan, now, &mut tell)
            .map_err(UiError::from)
            .and_then(|file| {
                self.with_conn(|conn| Ok(backup::finish(conn, plan, &file, now)?))?;
                Ok(file)
            });
        match result {
            Ok(file) => {
                log::info!("automatic backup: {}", file.path);
                self.set_auto_backup(AutoBackup::Done {
                    file_name: file.file_name,
                });
            }
            Err(e) => self.auto_backup_failed(e),
        }
    }

    fn auto_backup_failed(&self, e: UiError) {
        log::warn!("automatic backup failed: {}", e.kind);
        self.set_auto_backup(AutoBackup::Failed { message: e.message });
    }

    fn set_auto_backup(&self, now: AutoBackup) {
        if let Ok(mut current) = self.auto_backup.lock() {
            *current = now;
        }
    }

    /// Answered while locked.
    pub fn auto_backup(&self) -> AutoBackup {
        self.auto_backup
            .lock()
            .map(|a| a.clone())
            .unwrap_or(AutoBackup::Idle)
    }
}

/// The member a sign-in returns (`access::sign_in` always has one).
/// Records a lock or sign-out at `at`. A failure is logged, not shown: it
/// must not keep the window from locking.
fn record_access(
    conn: &Connection,
    actor: &Actor,
    kind: access_log::Kind,
    detail: &str,
    at: SystemTime,
) {
    let at = chrono::DateTime::<chrono::Local>::from(at).naive_local();
    if let Err(e) = access_log::record(conn, actor, kind, actor.staff_id(), detail, at) {
        log::warn!("cannot record {}: {}", kind.code(), error::loggable(&e));
    }
}

fn member_of(actor: &Actor) -> Result<StaffMember, UiError> {
    actor.member().cloned().ok_or_else(internal)
}

/// What the window says when the app's own state is broken (a thread
/// panicked holding the connection): nothing the person can fix but a restart.
fn internal() -> UiError {
    UiError::new(
        "internal",
        "内部エラーが起きました。アプリを再起動してください。",
    )
}

/// `<app data dir>/zaitaku-desk.db`, creating the folder on first start.
pub fn default_db_path(app_data_dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(app_data_dir)?;
    Ok(app_data_dir.join("zaitaku-desk.db"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    /// The state on the demo database, signed in as its first member
    /// (管理者).
    pub(super) fn signed_in() -> (tempfile::TempDir, AppState) {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("office.db");
        {
            let mut conn = store::open(&db).expect("open");
            zaitaku_core::demo::fill(&mut conn, chrono::Local::now().naive_local()).expect("demo");
        }
        let state = AppState::open(db);
        let member = state
            .with_conn(|conn| Ok(access::staff(conn)?.remove(0)))
            .expect("staff");
        state
            .sign_in(&member.id, zaitaku_core::demo::cases::DEMO_PIN)
            .expect("sign in");
        (dir, state)
    }

    fn set_minutes(state: &AppState, minutes: i64) {
        state
            .write(|conn, _| access::save_lock_minutes(conn, minutes))
            .expect("lock minutes");
    }

    fn recorded_actor(state: &AppState) -> String {
        state
            .with_conn(|conn| {
                Ok(conn
                    .query_row(
                        "SELECT COALESCE((SELECT name FROM session_actor), '')",
                        [],
                        |r| r.get::<_, String>(0),
                    )
                    .map_err(zaitaku_core::Error::from)?)
            })
            .expect("session actor")
    }

    #[test]
    fn each_admitted_command_postpones_the_idle_lock() {
        let (_dir, state) = signed_in();
        set_minutes(&state, 10);
        let start = SystemTime::now();
        for step in 1..=5 {
            let at = start + 9 * MINUTE * step;
            assert!(state.admit_at("get_office", at).is_ok(), "step {step}");
        }
        assert!(state.actor().is_some());
    }

    #[test]
    fn a_call_after_the_lock_minutes_locks_and_is_refused() {
        let (_dir, state) = signed_in();
        set_minutes(&state, 10);
        let start = SystemTime::now();
        assert!(state.admit_at("list_cases", start + MINUTE).is_ok());
        // As after a night in sleep: the page's timer never fired.
        let refused = state
            .admit_at("get_case", start + 12 * MINUTE)
            .expect_err("idle too long");
        assert_eq!(refused.kind, "signed_out");
        assert!(state.actor().is_none(), "the state locked itself");
        // And stays locked: the next call is refused too, reads and writes.
        assert!(state.admit_at("get_office", start + 12 * MINUTE).is_err());
        assert_eq!(state.read(|_| Ok(())).expect_err("read").kind, "signed_out");
        assert_eq!(recorded_actor(&state), "", "changes no longer carry a name");
        // The lock screen is still answered.
        assert!(state.admit_at("access_status", start + 13 * MINUTE).is_ok());
        assert!(state.admit_at("sign_in", start + 13 * MINUTE).is_ok());
    }

    /// (kind, member id, detail, at) of the access log, oldest first.
    fn access_events(state: &AppState) -> Vec<(String, String, String, String)> {
        let read = |conn: &Connection| -> zaitaku_core::Result<Vec<_>> {
            let rows = conn
                .prepare(
                    "SELECT kind, staff_id, detail, at FROM access_log
                  WHERE kind IN ('lock', 'sign_out') ORDER BY seq",
                )?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<Result<_, _>>()?;
            Ok(rows)
        };
        state.with_conn(|conn| Ok(read(conn)?)).expect("access log")
    }

    #[test]
    fn locks_and_sign_outs_are_in_the_access_log_under_the_member() {
        let (_dir, state) = signed_in();
        let me = state.actor().expect("signed in");
        set_minutes(&state, 10);
        let start = SystemTime::now();
        assert!(state.admit_at("list_cases", start).is_ok());
        assert!(state.admit_at("get_case", start + 12 * MINUTE).is_err());
        // Recorded by the next holder of the connection (here the reading
        // below), at the moment the lock minutes ran out, not when noticed.
        let events = access_events(&state);
        let locked_at = chrono::DateTime::<chrono::Local>::from(start + 10 * MINUTE).naive_local();
        assert_eq!(
            events,
            [(
                "lock".to_string(),
                me.staff_id().to_string(),
                "操作がなかったため自動でロック".to_string(),
                store::stamp(locked_at),
            )]
        );
        // A lock with nobody signed in records nothing; a sign-out does.
        state.lock().expect("lock");
        assert_eq!(access_events(&state).len(), 1);
        let member = me.staff_id().to_string();
        state
            .sign_in(&member, zaitaku_core::demo::cases::DEMO_PIN)
            .expect("sign in");
        state.lock().expect("lock");
        state
            .sign_in(&member, zaitaku_core::demo::cases::DEMO_PIN)
            .expect("sign in");
        state.sign_out().expect("sign out");
        let kinds: Vec<String> = access_events(&state).into_iter().map(|e| e.0).collect();
        assert_eq!(kinds, ["lock", "lock", "sign_out"]);
        assert!(state.actor().is_none());
    }

    #[test]
    fn the_lock_screen_s_calls_do_not_count_as_activity() {
        let (_dir, state) = signed_in();
        set_minutes(&state, 10);
        let start = SystemTime::now();
        assert!(state.admit_at("get_office", start).is_ok());
        for minute in [5, 9] {
            assert!(state
                .admit_at("app_status", start + minute * MINUTE)
                .is_ok());
            assert!(state
                .admit_at("access_status", start + minute * MINUTE)
                .is_ok());
        }
        assert!(state.admit_at("get_office", start + 11 * MINUTE).is_err());
    }

    #[test]
    fn zero_lock_minutes_never_lock() {
        let (_dir, state) = signed_in();
        set_minutes(&state, 0);
        let later = SystemTime::now() + 1000 * 60 * MINUTE;
        assert!(state.admit_at("get_office", later).is_ok());
        assert!(state.actor().is_some());
    }

    #[test]
    fn signing_in_again_starts_a_new_idle_period() {
        let (_dir, state) = signed_in();
        set_minutes(&state, 1);
        let start = SystemTime::now();
        assert!(state.admit_at("get_office", start + 5 * MINUTE).is_err());
        let member = state
            .with_conn(|conn| Ok(access::staff(conn)?.remove(0)))
            .expect("staff");
        state
            .sign_in(&member.id, zaitaku_core::demo::cases::DEMO_PIN)
            .expect("sign in again");
        assert!(state.admit_at("get_office", SystemTime::now()).is_ok());
        assert_eq!(recorded_actor(&state), member.name);
    }

    const PASSWORD: &str = "kanri-password-1";

    /// An encrypted office with its first 管理者, closed (as after a
    /// restart), and the state the app starts with on it.
    fn encrypted() -> (tempfile::TempDir, AppState, String) {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("office.db");
        let admin_id = {
            let keys::Start::Open {
                mut conn,
                keyring: Some(keyring),
            } = keys::start(&db, true).expect("start")
            else {
                panic!("a new encrypted database opens in 初期設定");
            };
            let now = chrono::Local::now().naive_local();
            let admin = access::register_first(
                &mut conn,
                "坂戸 一郎",
                access::CredentialKind::Password,
                PASSWORD,
                now,
            )
            .expect("admin");
            let member = admin.member().expect("member");
            access::wrap_for_member(&keyring, member, access::CredentialKind::Password, PASSWORD)
                .expect("wrap");
            member.id.clone()
        };
        (dir, AppState::open(db), admin_id)
    }

    #[test]
    fn an_encrypted_database_stays_closed_until_a_password_opens_it() {
        let (_dir, state, admin_id) = encrypted();
        assert!(state.startup_error.is_none());
        assert!(state.is_closed());
        assert_eq!(
            state.read(|_| Ok(())).expect_err("closed").kind,
            "signed_out"
        );
        let status = state.access_status().expect("lock screen");
        assert_eq!(status.staff.len(), 1);
        assert_eq!(status.staff[0].name, "坂戸 一郎");

        let wrong = state
            .sign_in(&admin_id, "not-the-password")
            .expect_err("wrong");
        assert_eq!(wrong.message, "パスワードが違います。");
        assert!(state.is_closed(), "nothing opened");

        state.sign_in(&admin_id, PASSWORD).expect("sign in");
        assert!(!state.is_closed());
        assert!(state.keyring().is_some());
        assert!(state.admit("get_office").is_ok());

        // Locking closes the database and forgets the key.
        state.lock().expect("lock");
        assert!(state.is_closed());
        assert!(state.keyring().is_none());
        assert_eq!(
            state.read(|_| Ok(())).expect_err("closed").kind,
            "signed_out"
        );
        state.sign_in(&admin_id, PASSWORD).expect("sign in again");
        assert!(state.admit("get_office").is_ok());
    }

    #[test]
    fn the_idle_lock_closes_an_encrypted_database_at_the_next_call() {
        let (_dir, state, admin_id) = encrypted();
        state.sign_in(&admin_id, PASSWORD).expect("sign in");
        set_minutes(&state, 10);
        let start = SystemTime::now();
        assert!(state.admit_at("list_cases", start + MINUTE).is_ok());
        assert!(state.admit_at("get_case", start + 12 * MINUTE).is_err());
        // The lock screen's next call finds the idle lock: closed.
        state.access_status().expect("lock screen");
        assert!(state.is_closed());
        assert!(state.keyring().is_none());
    }
}
