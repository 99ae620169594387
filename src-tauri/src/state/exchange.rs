//! The exchange's part of the app state: 子機として開始 (the new database
//! replaced by the office's records) and the rounds through the shared
//! folder on a thread of their own. What a round does is decided in
//! `zaitaku_core::exchange::auto`; this only schedules it.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;
use zaitaku_core::exchange::{self, auto};
use zaitaku_core::keys;
use zaitaku_core::store::DataKey;

use super::{has_staff, locked, AppState};
use crate::UiError;

/// How often a PC with a shared folder exchanges through it.
const EVERY: Duration = Duration::from_secs(3 * 60);

/// The last round through the shared folder, for 設定.
#[derive(Debug, Clone, Serialize)]
pub struct ExchangeRound {
    pub at_label: String,
    #[serde(flatten)]
    pub round: auto::Round,
    /// The round could not run at all (the message says why).
    pub failed: Option<String>,
}

static LAST_ROUND: Mutex<Option<ExchangeRound>> = Mutex::new(None);
static ROUNDS_STARTED: AtomicBool = AtomicBool::new(false);

fn every() -> Duration {
    #[cfg(feature = "e2e")]
    if let Some(s) = std::env::var("ZAITAKU_E2E_EXCHANGE_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return Duration::from_secs(s);
    }
    EVERY
}

impl AppState {
    /// The last round through the shared folder.
    pub fn exchange_round(&self) -> Option<ExchangeRound> {
        LAST_ROUND.lock().ok().and_then(|r| r.clone())
    }

    /// Whether the rounds are to be started now (the first call only).
    pub fn start_exchange_rounds(&self) -> bool {
        !ROUNDS_STARTED.swap(true, Ordering::SeqCst)
    }

    /// The rounds, forever: the thread's body.
    pub fn run_exchange_rounds(&self) {
        loop {
            self.exchange_round_now();
            std::thread::sleep(every());
        }
    }

    /// One round, when the database is open and this PC has a shared
    /// folder; a locked (closed) database waits for the next one.
    fn exchange_round_now(&self) {
        let now = chrono::Local::now().naive_local();
        let key = self.data_key();
        let result = self.with_conn(|conn| {
            if auto::shared_dir(conn)?.is_none() {
                return Ok(None);
            }
            let round = auto::round(conn, &self.db_path, key.as_ref(), now);
            self.refresh(conn);
            Ok(Some(round.map_err(UiError::from)))
        });
        let round = match result {
            Ok(None) | Err(_) => return,
            Ok(Some(Ok(round))) => ExchangeRound {
                at_label: now.format("%H:%M").to_string(),
                round,
                failed: None,
            },
            Ok(Some(Err(e))) => {
                log::warn!("exchange round failed: {}", e.kind);
                ExchangeRound {
                    at_label: now.format("%H:%M").to_string(),
                    round: auto::Round::default(),
                    failed: Some(e.message),
                }
            }
        };
        if !round.round.done.is_empty() || round.failed.is_some() {
            log::info!("exchange round: {:?}", round.round.done);
        }
        if let Ok(mut last) = LAST_ROUND.lock() {
            *last = Some(round);
        }
    }

    /// 子機として開始 on a new, empty database (初期設定's first step): it
    /// is removed and made again from the setup file; an encrypted office's
    /// database then stays closed until a member signs in.
    pub fn start_child(
        &self,
        setup: &Path,
        key: Option<&DataKey>,
    ) -> Result<exchange::Identity, UiError> {
        let mut guard = self.lock_conn()?;
        let Some(conn) = guard.as_mut() else {
            return Err(locked());
        };
        zaitaku_core::first_run::demo_allowed(conn).map_err(|_| {
            UiError::new(
                "conflict",
                "この端末にはすでにデータがあります。子機として開始できるのは、まだ何も入力していない端末だけです。",
            )
        })?;
        // Checked before the new database goes: a bad file changes nothing.
        exchange::file::read_setup(setup, key)?;
        *guard = None;
        let discarded = if self.keyring().is_some() {
            keys::discard_new(&self.db_path)
        } else {
            remove_database(&self.db_path)
        };
        let started = discarded.and_then(|()| exchange::start_child(setup, &self.db_path, key));
        if let Ok(mut keyring) = self.keyring.lock() {
            *keyring = None;
        }
        // Whatever happened, the window goes on with what is there now: the
        // 子機's database, or (after a failure) a new empty one.
        let reopened = keys::start(&self.db_path, true);
        match reopened {
            Ok(keys::Start::Open { conn, keyring }) => {
                self.encrypted.store(keyring.is_some(), Ordering::SeqCst);
                if let Ok(mut k) = self.keyring.lock() {
                    *k = keyring;
                }
                let conn = guard.insert(conn);
                self.refresh(conn);
            }
            Ok(keys::Start::Locked { .. }) => {
                self.encrypted.store(true, Ordering::SeqCst);
                self.staff_registered.store(true, Ordering::SeqCst);
                self.first_run.store(false, Ordering::SeqCst);
            }
            Err(e) => log::error!("cannot reopen after 子機として開始: {e}"),
        }
        let id = started?;
        if let Some(conn) = guard.as_ref() {
            let registered = has_staff(conn).unwrap_or(true);
            self.staff_registered.store(registered, Ordering::SeqCst);
        }
        log::info!("started as 子機 {}", id.device_no);
        Ok(id)
    }
}

/// Removes a new plain database (and its WAL files).
fn remove_database(db: &Path) -> zaitaku_core::Result<()> {
    for suffix in ["-wal", "-shm", "-journal", ""] {
        let mut path = db.as_os_str().to_owned();
        path.push(suffix);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    Ok(())
}
