//! The one database connection of the window, or the reason it could not
//! be opened (shown by the UI instead of a blank window).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use zaitaku_core::store::Connection;
use zaitaku_core::{backup, store};

use crate::UiError;

pub struct AppState {
    pub db_path: PathBuf,
    conn: Mutex<Option<Connection>>,
    pub startup_error: Option<UiError>,
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
                }
            }
            Err(err) => {
                let ui = UiError::from(err);
                AppState {
                    db_path,
                    conn: Mutex::new(None),
                    startup_error: Some(ui),
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

/// `<app data dir>/zaitaku-desk.db`, creating the folder on first start.
pub fn default_db_path(app_data_dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(app_data_dir)?;
    Ok(app_data_dir.join("zaitaku-desk.db"))
}
