//! 設定 ›「このパソコンのデータを暗号化する」 on the window's database:
//! the connection is closed for `keys::convert` (the same conversion as
//! `zaitaku encrypt`) and opened again encrypted, the 管理者 staying
//! signed in; a refused or failed conversion opens the plain original
//! again, untouched.

use std::sync::atomic::Ordering;

use serde::Serialize;
use zaitaku_core::access::handover::TemporaryPassword;
use zaitaku_core::keys::convert::{self, Request, Stage};
use zaitaku_core::keys::Keyring;
use zaitaku_core::store;

use super::{locked, AppState};
use crate::UiError;

/// What the window shows after a conversion (the 回復キー once; so no
/// `Debug`).
#[derive(Serialize)]
pub struct Encrypted {
    pub recovery_key: String,
    /// The file name of the backup made first.
    pub backup: String,
    /// Members who sign in only once a 管理者 gives them a password.
    pub need_password: Vec<String>,
    /// Members given a temporary password now.
    pub temporary: Vec<String>,
}

/// The passwords a conversion asks for (see `access::handover`).
pub struct Passwords<'a> {
    pub current: &'a str,
    pub password: &'a str,
    pub temporary: &'a [TemporaryPassword],
}

impl AppState {
    /// Encrypts the plain database as the signed-in 管理者; `tell` hears
    /// each stage. The 回復キー is kept for its PDF until
    /// [`AppState::close_recovery_key`].
    pub fn encrypt_database(
        &self,
        passwords: &Passwords<'_>,
        tell: &mut dyn FnMut(Option<Stage>),
    ) -> Result<Encrypted, UiError> {
        let now = chrono::Local::now().naive_local();
        let mut guard = self.lock_conn()?;
        if self.is_encrypted() {
            return Err(UiError::new(
                "conflict",
                "このパソコンのデータは既に暗号化されています。",
            ));
        }
        let actor = self.session()?.ok_or_else(locked)?;
        if !actor.is_admin() || actor.member().is_none() {
            return Err(UiError::new(
                "admin_only",
                "暗号化は、管理者がサインインして行ってください。",
            ));
        }
        if guard.is_none() {
            return Err(locked());
        }
        // No other connection may be open while the file is replaced.
        *guard = None;
        let request = Request {
            admin_id: actor.staff_id(),
            current: passwords.current,
            password: passwords.password,
            temporary: passwords.temporary,
        };
        let converted = convert::convert(&self.db_path, &request, now, &mut |s| tell(Some(s)));
        tell(None);
        let done = match converted {
            Ok(done) => done,
            Err(e) => {
                // Untouched: the plain original opens again as it was
                // (without a key file a cut-off conversion left beside it).
                convert::resolve_leftover(&self.db_path)?;
                let conn = guard.insert(store::open(&self.db_path)?);
                self.remember(conn, Some(actor))?;
                return Err(e.into());
            }
        };
        log::info!("database encrypted from 設定");
        let conn = guard.insert(store::open_with(&self.db_path, Some(&done.key))?);
        if let Ok(mut keyring) = self.keyring.lock() {
            *keyring = Some(Keyring::new(&self.db_path, done.key.clone()));
        }
        self.encrypted.store(true, Ordering::SeqCst);
        // The same member, now with a password.
        let now_actor = actor.reloaded(conn)?.ok_or_else(locked)?;
        self.remember(conn, Some(now_actor))?;
        self.refresh(conn);
        let shown = done.recovery_key.display().to_string();
        if let Ok(mut kept) = self.shown_recovery_key.lock() {
            *kept = Some(done.recovery_key);
        }
        Ok(Encrypted {
            recovery_key: shown,
            backup: done.backup.file_name,
            need_password: done.need_password,
            temporary: done.temporary,
        })
    }

    /// Forgets the 回復キー shown after a conversion, once the 管理者
    /// confirms it is kept.
    pub fn close_recovery_key(&self, kept: bool) -> Result<(), UiError> {
        if !kept {
            return Err(UiError::from(zaitaku_core::Error::invalid(
                "kept",
                "回復キーをPDFで保存して印刷し、安全な場所に保管してから、チェックを入れてください。",
            )));
        }
        if let Ok(mut shown) = self.shown_recovery_key.lock() {
            *shown = None;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use zaitaku_core::access;
    use zaitaku_core::demo::cases::DEMO_PIN;

    use super::*;

    const PASSWORD: &str = "kanri-password-1";

    /// The window on the plain demo office, its 管理者 signed in with
    /// the demo PIN.
    fn plain_office() -> (tempfile::TempDir, AppState, access::StaffMember) {
        let (dir, state) = crate::state::tests::signed_in();
        let admin = state
            .actor()
            .and_then(|a| a.member().cloned())
            .expect("signed in");
        (dir, state, admin)
    }

    fn passwords<'a>(current: &'a str, password: &'a str) -> Passwords<'a> {
        Passwords {
            current,
            password,
            temporary: &[],
        }
    }

    #[test]
    fn converting_keeps_the_admin_signed_in_on_the_encrypted_database() {
        let (_dir, state, admin) = plain_office();
        let mut stages = Vec::new();
        let refused = state
            .encrypt_database(&passwords("0000", PASSWORD), &mut |s| stages.push(s))
            .err()
            .expect("wrong PIN");
        assert_eq!(refused.field.as_deref(), Some("current"));
        // Refused: the plain database is open again, still signed in.
        assert!(!state.is_encrypted());
        assert!(state.admit("get_office").is_ok());
        assert!(state.read(access::staff).is_ok());

        let done = state
            .encrypt_database(&passwords(DEMO_PIN, PASSWORD), &mut |s| stages.push(s))
            .expect("converted");
        assert_eq!(stages.first(), Some(&None), "the refusal ended at once");
        assert_eq!(
            stages.iter().flatten().count(),
            4,
            "{stages:?}: backup, copy, check, switch"
        );
        assert_eq!(stages.last(), Some(&None));
        assert_eq!(done.recovery_key.len(), 39);
        assert_eq!(done.need_password.len(), 3, "{:?}", done.need_password);
        assert!(state.is_encrypted());
        assert!(state.keyring().is_some());
        assert!(state.admit("get_office").is_ok(), "still signed in");
        let me = state.actor().expect("signed in");
        assert_eq!(me.staff_id(), admin.id);
        // The 回復キー shown is the one its PDF prints, until kept.
        assert_eq!(
            state
                .shown_recovery_key()
                .expect("shown")
                .display()
                .as_str(),
            done.recovery_key
        );
        assert!(state.close_recovery_key(false).is_err());
        state.close_recovery_key(true).expect("kept");
        assert!(state.shown_recovery_key().is_err());
        // Converting again is refused.
        let again = state
            .encrypt_database(&passwords(PASSWORD, PASSWORD), &mut |_| {})
            .err()
            .expect("already encrypted");
        assert_eq!(again.kind, "conflict");

        // Locking closes it; the PIN no longer opens it, the password does.
        state.lock().expect("lock");
        assert!(state.is_closed());
        assert!(state.sign_in(&admin.id, DEMO_PIN).is_err());
        state.sign_in(&admin.id, PASSWORD).expect("password");
        assert!(state.admit("get_office").is_ok());
    }
}
