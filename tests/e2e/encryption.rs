//! Encryption from the window: 設定 converts a plain office (the 管理者
//! signed in with a PIN chooses a password, one member gets a temporary
//! one), shows the 回復キー once with its PDF, and writes a plain copy only
//! behind a warning; on the lock screen 「回復キーで開く」 lets a 管理者
//! set a new password and signs them in.

use std::path::Path;

use zaitaku_core::keys::{self, KeyFile, Start};
use zaitaku_core::store::{self, Storage};
use zaitaku_core::{access, first_run, office};

use crate::harness::{db_number, demo_db, temp_db, App, E2E_PASSWORD};

const ENTER: &str = "\u{E007}";
const TEMPORARY: &str = "kari-pass-1357";

#[tokio::test]
async fn settings_encrypts_a_plain_office_and_shows_the_recovery_key_once() {
    let (dir, db) = demo_db();
    let pdf = dir.path().join("回復キー.pdf");
    std::env::set_var("ZAITAKU_E2E_SAVE_PATH", &pdf);
    let (admin, others) = {
        let conn = store::open(&db).unwrap();
        let staff = access::staff(&conn).unwrap();
        let admin = staff[0].clone();
        assert_eq!(admin.role, access::Role::Admin, "the demo's first member");
        (admin, staff[1..].to_vec())
    };
    let cases = db_number(&db, "SELECT count(*) FROM cases");
    let app = App::launch(&db).await;
    app.open_view("settings").await;
    app.wait_for_text("#encryption-section", "暗号化されていません")
        .await;
    app.snap("encryption-plain").await;

    // A wrong PIN: refused by its field, nothing converted.
    app.eval("window.confirm = () => true; return true;").await;
    app.fill("#encrypt-current", "9999").await;
    app.fill("#encrypt-credential", E2E_PASSWORD).await;
    app.fill("#encrypt-confirm", E2E_PASSWORD).await;
    app.fill("#encrypt-temporary-0", TEMPORARY).await;
    app.click("#encrypt-start").await;
    app.wait_for_text("#encrypt-form .field-error", "違います")
        .await;
    assert_eq!(store::storage(&db).unwrap(), Storage::Plain);

    app.fill("#encrypt-current", zaitaku_core::demo::cases::DEMO_PIN)
        .await;
    app.click("#encrypt-start").await;
    let key = app.wait_for_text("#encrypt-recovery-key", "-").await;
    assert_eq!(key.trim().len(), 39, "{key}");
    let notes = app
        .wait_for_text("#encrypt-done-notes", "仮のパスワード")
        .await;
    assert!(notes.contains(&others[0].name), "{notes}");
    assert!(notes.contains(&others[1].name), "{notes}");
    app.snap("encryption-recovery-key").await;
    // Not closed before the key is kept.
    app.click("#encrypt-finish").await;
    app.wait_for_text("#encrypt-recovery .field-error", "保管")
        .await;
    app.click("#encrypt-recovery-pdf").await;
    let saved = app
        .wait_for_text("#encrypt-recovery-saved", "保存しました")
        .await;
    assert!(saved.contains("暗号化されていません"), "{saved}");
    let text = crate::harness::pdf_text(&pdf);
    assert!(text.contains(key.trim()), "{text}");
    app.click("#encrypt-recovery-kept").await;
    app.click("#encrypt-finish").await;
    app.wait_for_text("#message-text", "暗号化されています")
        .await;
    // 設定 drawn again: the plain copy is offered, the members without a
    // password are told they cannot sign in, and the forms ask for passwords.
    app.wait_for("#plain-copy").await;
    let table = app
        .wait_for_text("#staff-table", "サインインできません")
        .await;
    assert!(table.contains(&others[1].name), "{table}");
    assert_eq!(app.count("#staff-kind").await, 0, "passwords only");
    app.snap("encryption-done").await;
    app.quit().await;

    assert_eq!(store::storage(&db).unwrap(), Storage::Encrypted);
    assert_eq!(db_number(&db, "SELECT count(*) FROM cases"), cases);
    let Start::Locked { holders } = keys::start(&db, true).unwrap() else {
        panic!("encrypted and closed");
    };
    let names: Vec<&str> = holders.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, [admin.name.as_str(), others[0].name.as_str()]);

    // After a restart: the password opens it; the plain copy needs the
    // warning ticked, then lands where the dialog said.
    let copy = dir.path().join("移行用.db");
    std::env::set_var("ZAITAKU_E2E_SAVE_PATH", &copy);
    let app = App::launch_locked(&db).await;
    app.wait_for_text("#lock .lock-panel", &others[0].name)
        .await;
    app.click("#lock .lock-member").await;
    app.fill("#lock-credential", &format!("{E2E_PASSWORD}{ENTER}"))
        .await;
    app.wait_for_text("#actor-name", &admin.name).await;
    app.open_view("settings").await;
    app.wait_for_text("#plain-copy-warning", "誰でも読めます")
        .await;
    app.click("#plain-copy").await;
    app.wait_for_text("#encryption-section .field-error", "チェック")
        .await;
    assert!(!copy.exists());
    app.eval("window.confirm = () => true; return true;").await;
    app.click("#plain-copy-confirmed").await;
    app.click("#plain-copy").await;
    let result = app
        .wait_for_text("#plain-copy-result", "書き出しました")
        .await;
    assert!(result.contains("暗号化されていません"), "{result}");
    app.snap("encryption-plain-copy").await;
    app.quit().await;
    std::env::remove_var("ZAITAKU_E2E_SAVE_PATH");
    let plain = store::open(&copy).expect("the copy opens without a key");
    let copied: i64 = plain
        .query_row("SELECT count(*) FROM cases", [], |r| r.get(0))
        .unwrap();
    assert_eq!(copied, cases);
}

/// An encrypted office whose 初期設定 is done, with its 管理者 「坂戸 一郎」
/// (password [`E2E_PASSWORD`]); answers the 回復キー as printed.
fn encrypted_office(db: &Path) -> (String, String) {
    let Start::Open {
        mut conn,
        keyring: Some(keyring),
    } = keys::start(db, true).unwrap()
    else {
        panic!("a new database opens encrypted");
    };
    let now = chrono::Local::now().naive_local();
    office::save(&mut conn, &zaitaku_core::demo::office_input(), now).unwrap();
    let admin = access::register_first(
        &mut conn,
        "坂戸 一郎",
        access::CredentialKind::Password,
        E2E_PASSWORD,
        now,
    )
    .unwrap();
    let member = admin.member().unwrap().clone();
    access::wrap_for_member(
        &keyring,
        &member,
        access::CredentialKind::Password,
        E2E_PASSWORD,
    )
    .unwrap();
    let recovery = keyring
        .update(|file, key| file.new_recovery_key(key))
        .unwrap();
    store::set_setting(&conn, first_run::KEY, "finished").unwrap();
    (member.id, recovery.display().to_string())
}

#[tokio::test]
async fn the_recovery_key_opens_the_lock_screen_and_a_admin_sets_a_new_password() {
    let (_dir, db) = temp_db();
    let (admin_id, recovery) = encrypted_office(&db);
    let app = App::launch_locked(&db).await;
    app.wait_for_text("#lock .lock-panel", "坂戸 一郎").await;
    app.click("#lock-recover").await;
    app.wait_for_text("#recover-title", "回復キーで開く").await;
    // A key of another office: refused, nothing opened.
    app.fill("#recover-key", &keys::RecoveryKey::generate().display())
        .await;
    app.fill("#recover-credential", "atarashii-pass-1").await;
    app.fill("#recover-confirm", "atarashii-pass-1").await;
    app.click("#recover-open").await;
    app.wait_for_text(
        "#recover-error, .recover-form .field-error",
        "回復キーが違います",
    )
    .await;
    app.snap("recover-wrong-key").await;
    // The printed key, typed in lower case without hyphens.
    let typed = recovery.replace('-', "").to_lowercase();
    app.fill("#recover-key", &typed).await;
    app.press("#recover-key", ENTER).await;
    app.wait_for_text("#actor-name", "坂戸 一郎").await;
    app.wait_for("#view > *").await;
    app.quit().await;

    // The new password opens it, the old one no longer does.
    let now = chrono::Local::now().naive_local();
    assert!(access::sign_in_encrypted(&db, &admin_id, E2E_PASSWORD, now).is_err());
    access::sign_in_encrypted(&db, &admin_id, "atarashii-pass-1", now).unwrap();
    let file = KeyFile::load(&db).unwrap().unwrap();
    assert!(file.has_recovery_key(), "the 回復キー still opens it");
}
