//! The one database connection of the window, who is working on it, and
//! the one rule of who may call what.
//!
//! - The invoke handler asks [`AppState::admit`] before a command reads its
//!   arguments: while the window is locked, only the lock screen's own
//!   commands ([`LOCK_SCREEN`]) are answered.
//! - Commands reach the connection only through [`AppState::read`] and
//!   [`AppState::write`], which apply the same rule; `write` also hands over
//!   the [`Actor`] to record. The lock screen's commands use the few methods
//!   marked "answered while locked" instead.
//!
//! Locked means: staff are registered and nobody is signed in. An office
//! with no staff registered cannot sign in, so it works unlocked and its
//! changes are recorded under no name (（未設定）).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use serde::Serialize;
use zaitaku_core::access::{self, Actor, StaffMember};
use zaitaku_core::store::Connection;
use zaitaku_core::{backup, store};

use crate::{error, UiError};

/// The commands the lock screen calls, answered while the window is locked.
pub const LOCK_SCREEN: &[&str] = &["app_status", "access_status", "sign_in", "lock_screen"];

pub struct AppState {
    pub db_path: PathBuf,
    conn: Mutex<Option<Connection>>,
    pub startup_error: Option<UiError>,
    /// Who is working on this window; `None` while locked.
    actor: Mutex<Option<Actor>>,
    /// Whether any staff member is registered, known without a query: the
    /// invoke handler asks on the UI thread, where waiting for the
    /// connection would freeze the window. Set on opening and after every
    /// `write`, the only way the staff list changes.
    staff_registered: AtomicBool,
}

/// What the lock screen shows.
#[derive(Serialize)]
pub struct AccessStatus {
    staff: Vec<StaffMember>,
    actor: Option<StaffMember>,
    lock_minutes: u32,
}

fn locked() -> UiError {
    UiError::new(
        "signed_out",
        "操作する担当者が選ばれていません。画面のロックを解除してください。",
    )
}

fn has_staff(conn: &Connection) -> zaitaku_core::Result<bool> {
    Ok(!access::staff(conn)?.is_empty())
}

impl AppState {
    pub fn open(db_path: PathBuf) -> Self {
        match store::open(&db_path) {
            Ok(conn) => {
                log::info!("database opened: {}", db_path.display());
                // A failed automatic backup must not keep the office from
                // working; 設定 shows the last backup date and warns.
                match backup::auto_backup(&conn, &db_path, chrono::Local::now().naive_local()) {
                    Ok(Some(file)) => log::info!("automatic backup: {}", file.path),
                    Ok(None) => {}
                    Err(e) => log::warn!("automatic backup failed: {}", error::loggable(&e)),
                }
                // When the staff cannot be read, the window stays locked.
                let staff_registered = has_staff(&conn).unwrap_or(true);
                AppState {
                    db_path,
                    conn: Mutex::new(Some(conn)),
                    startup_error: None,
                    actor: Mutex::new(None),
                    staff_registered: AtomicBool::new(staff_registered),
                }
            }
            Err(err) => {
                let ui = UiError::from(err);
                AppState {
                    db_path,
                    conn: Mutex::new(None),
                    startup_error: Some(ui),
                    actor: Mutex::new(None),
                    staff_registered: AtomicBool::new(false),
                }
            }
        }
    }

    /// Runs `f` with the connection; one caller at a time. Private: the
    /// commands go through `read`, `write` or the lock screen's methods.
    fn with_conn<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, UiError>,
    ) -> Result<T, UiError> {
        let mut guard = self.conn.lock().map_err(|_| {
            UiError::new(
                "internal",
                "内部エラーが起きました。アプリを再起動してください。",
            )
        })?;
        match guard.as_mut() {
            Some(conn) => f(conn),
            None => Err(self.startup_error.clone().unwrap_or_else(|| {
                UiError::new(
                    "internal",
                    "データベースが開かれていません。アプリを再起動してください。",
                )
            })),
        }
    }

    fn actor(&self) -> Option<Actor> {
        self.actor.lock().ok().and_then(|a| a.clone())
    }

    /// The rule itself: the signed-in actor, `None` in an office without
    /// staff, refused while locked.
    fn session(&self) -> Result<Option<Actor>, UiError> {
        match self.actor() {
            Some(actor) => Ok(Some(actor)),
            None if !self.staff_registered.load(Ordering::SeqCst) => Ok(None),
            None => Err(locked()),
        }
    }

    /// Whether `command` may be called now; asked by the invoke handler
    /// before the command runs.
    pub fn admit(&self, command: &str) -> Result<(), UiError> {
        if LOCK_SCREEN.contains(&command) {
            return Ok(());
        }
        self.session().map(drop)
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
            // The change may have registered the first staff member (or,
            // by a restore, removed them all).
            match has_staff(conn) {
                Ok(any) => self.staff_registered.store(any, Ordering::SeqCst),
                Err(e) => log::warn!("cannot read the staff list: {}", error::loggable(&e)),
            }
            result
        })
    }

    /// Signs in as `actor` (or locks with `None`); the connection records
    /// their name with every settings change from now on.
    fn remember(&self, conn: &Connection, actor: Option<Actor>) -> Result<(), UiError> {
        let name = actor.as_ref().map(Actor::name).unwrap_or_default();
        store::audit::set_actor(conn, name)?;
        if let Ok(mut current) = self.actor.lock() {
            *current = actor;
        }
        Ok(())
    }

    /// Answered while locked: the staff to choose from and who is working.
    pub fn access_status(&self) -> Result<AccessStatus, UiError> {
        let (staff, lock_minutes) =
            self.with_conn(|conn| Ok((access::staff(conn)?, access::lock_minutes(conn)?)))?;
        Ok(AccessStatus {
            staff,
            actor: self.actor().and_then(|a| a.member().cloned()),
            lock_minutes,
        })
    }

    /// Answered while locked: checks the name and PIN and unlocks (after
    /// five wrong PINs in a row, only once a wait has passed; the refusal
    /// says how long).
    pub fn sign_in(&self, staff_id: &str, pin: &str) -> Result<StaffMember, UiError> {
        let now = chrono::Local::now().naive_local();
        let actor = self.with_conn(|conn| {
            let actor = access::sign_in(conn, staff_id, pin, now)?;
            self.remember(conn, Some(actor.clone()))?;
            Ok(actor)
        })?;
        log::info!("signed in: {}", actor.name());
        member_of(&actor)
    }

    /// Answered while locked: nobody is signed in until the next sign-in.
    pub fn lock(&self) -> Result<(), UiError> {
        if let Some(actor) = self.actor() {
            log::info!("locked: {}", actor.name());
        }
        self.with_conn(|conn| self.remember(conn, None))
    }

    /// Answered while locked: the schema version, for the about line.
    pub fn schema_version(&self) -> Option<i64> {
        self.with_conn(|conn| Ok(store::schema_version(conn)?)).ok()
    }

    /// The signed-in member sets, changes or removes their own PIN, and
    /// works on as the member they now are.
    pub fn set_own_pin(&self, current: &str, new_pin: &str) -> Result<StaffMember, UiError> {
        let now = chrono::Local::now().naive_local();
        let actor = self.write_as(|conn, me| {
            let actor = access::set_own_pin(conn, me, current, new_pin, now)?;
            self.remember(conn, Some(actor.clone()))?;
            Ok(actor)
        })?;
        member_of(&actor)
    }
}

/// The member a sign-in returns (`access::sign_in` always has one).
fn member_of(actor: &Actor) -> Result<StaffMember, UiError> {
    actor.member().cloned().ok_or_else(|| {
        UiError::new(
            "internal",
            "内部エラーが起きました。アプリを再起動してください。",
        )
    })
}

/// `<app data dir>/zaitaku-desk.db`, creating the folder on first start.
pub fn default_db_path(app_data_dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(app_data_dir)?;
    Ok(app_data_dir.join("zaitaku-desk.db"))
}
