//! The one database connection of the window, or the reason it could not
//! be opened (shown by the UI instead of a blank window).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use zaitaku_core::access::StaffMember;
use zaitaku_core::store::Connection;
use zaitaku_core::{backup, store};

use crate::UiError;

pub struct AppState {
    pub db_path: PathBuf,
    conn: Mutex<Option<Connection>>,
    pub startup_error: Option<UiError>,
    /// The staff member signed in on this window; `None` while locked.
    actor: Mutex<Option<StaffMember>>,
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
                    Err(e) => log::warn!("automatic backup failed: {e}: {e:?}"),
                }
                AppState {
                    db_path,
                    conn: Mutex::new(Some(conn)),
                    startup_error: None,
                    actor: Mutex::new(None),
                }
            }
            Err(err) => {
                let ui = UiError::from(err);
                AppState {
                    db_path,
                    conn: Mutex::new(None),
                    startup_error: Some(ui),
                    actor: Mutex::new(None),
                }
            }
        }
    }

    /// Runs `f` with the connection; one caller at a time.
    pub fn with_conn<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> zaitaku_core::Result<T>,
    ) -> Result<T, UiError> {
        let mut guard = self.conn.lock().map_err(|_| {
            UiError::new(
                "internal",
                "内部エラーが起きました。アプリを再起動してください。",
            )
        })?;
        match guard.as_mut() {
            Some(conn) => f(conn).map_err(UiError::from),
            None => Err(self.startup_error.clone().unwrap_or_else(|| {
                UiError::new(
                    "internal",
                    "データベースが開かれていません。アプリを再起動してください。",
                )
            })),
        }
    }
}

impl AppState {
    /// Signs a member in (or out with `None`); the connection records their
    /// name with every settings change from now on.
    pub fn set_actor(&self, member: Option<StaffMember>) -> Result<(), UiError> {
        let name = member.as_ref().map(|m| m.name.clone()).unwrap_or_default();
        self.with_conn(|conn| store::audit::set_actor(conn, &name))?;
        if let Ok(mut actor) = self.actor.lock() {
            *actor = member;
        }
        Ok(())
    }

    pub fn actor(&self) -> Option<StaffMember> {
        self.actor.lock().ok().and_then(|a| a.clone())
    }

    /// The name recorded in change histories: the signed-in member, or
    /// empty (shown as （未設定）) while the office has no staff registered
    /// and so nobody can sign in.
    pub fn recorded_name(&self) -> Result<String, UiError> {
        if let Some(member) = self.actor() {
            return Ok(member.name);
        }
        let nobody_registered =
            self.with_conn(|conn| Ok(zaitaku_core::access::staff(conn)?.is_empty()))?;
        if nobody_registered {
            Ok(String::new())
        } else {
            Err(self
                .require_actor()
                .err()
                .unwrap_or_else(|| UiError::new("signed_out", "")))
        }
    }

    /// Who is making a change, as recorded in change histories. Taken from
    /// the sign-in, never from what the page sends.
    pub fn require_actor(&self) -> Result<StaffMember, UiError> {
        self.actor().ok_or_else(|| {
            UiError::new(
                "signed_out",
                "操作する担当者が選ばれていません。画面のロックを解除してください。",
            )
        })
    }
}

/// `<app data dir>/zaitaku-desk.db`, creating the folder on first start.
pub fn default_db_path(app_data_dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(app_data_dir)?;
    Ok(app_data_dir.join("zaitaku-desk.db"))
}
