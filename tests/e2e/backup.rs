use zaitaku_core::{office, store};

use crate::harness::{demo_app_on, demo_db, App};

const BACKUPS: &str = ".backup-list tbody tr";

#[tokio::test]
async fn backup_now_then_restore_brings_back_the_old_data() {
    let (dir, _db, app) = demo_app_on(zaitaku_core::demo::DEFAULT_CASES, "settings").await;
    // The day's backup runs in the background once the window is drawn;
    // its notice says when it is made, and the open 設定 screen shows it.
    app.wait_for_text("#backup-notice", "今日の自動バックアップを作成しました")
        .await;
    app.wait_for_text("#backup-status", "最後のバックアップ：令和")
        .await;
    assert_eq!(app.count(BACKUPS).await, 1, "one automatic backup at start");

    app.click_for_message("#backup-now", "バックアップを作成しました")
        .await;
    assert_eq!(app.count(BACKUPS).await, 2);

    app.fill("[data-field='name']", "書き換えた事業所名").await;
    app.click_for_message("#save-settings", "保存しました")
        .await;

    // Restore the newest backup (first row): asks first, then reloads.
    app.click(".backup-list tbody tr:first-child button").await;
    let question = app.dialog_text().await;
    assert!(
        question.contains("坂戸鶴ヶ島医師会 在宅医療相談室"),
        "{question}"
    );
    assert!(question.contains("日常生活圏域：9件"), "{question}");
    app.client.accept_alert().await.unwrap();
    app.wait_for_text("#message-text", "復元しました").await;
    app.click("a[data-view='settings']").await;
    app.wait_for_text("#backup-status", "最後のバックアップ")
        .await;
    assert_eq!(
        app.value("[data-field='name']").await,
        "坂戸鶴ヶ島医師会 在宅医療相談室"
    );
    app.screenshot("backup-restored").await;
    app.quit().await;

    // The data that was replaced is kept as a 復元前 backup.
    let backups = zaitaku_core::backup::list(&dir.path().join("backups")).unwrap();
    let safety = backups
        .iter()
        .find(|b| b.kind_label == "復元前")
        .expect("pre-restore copy");
    let contents = zaitaku_core::backup::inspect(std::path::Path::new(&safety.path), None).unwrap();
    assert_eq!(contents.office_name, "書き換えた事業所名");
}

#[tokio::test]
async fn a_missing_backup_folder_is_reported_and_warned_about() {
    let (dir, db) = demo_db();
    {
        let mut conn = store::open(&db).unwrap();
        let usb = dir.path().join("usb-stick");
        std::fs::create_dir(&usb).unwrap();
        let settings = zaitaku_core::backup::BackupSettings {
            dir: usb.display().to_string(),
            keep_daily: 14,
            keep_monthly: 12,
        };
        zaitaku_core::backup::save_settings(&mut conn, &settings).unwrap();
        // The stick is unplugged before the app starts.
        std::fs::remove_dir(&usb).unwrap();
    }
    let app = App::launch(&db).await;
    // The automatic backup says why it could not be made, above the lock
    // screen and the screens alike.
    let notice = app
        .wait_for_text("#backup-notice", "自動バックアップに失敗しました")
        .await;
    assert!(notice.contains("usb-stick"), "{notice}");
    app.click("a[data-view='settings']").await;
    let status = app
        .wait_for_text("#backup-status", "まだバックアップがありません")
        .await;
    let stale = app
        .eval("return document.getElementById('backup-status').classList.contains('stale')")
        .await;
    assert_eq!(stale, true, "{status} should be shown as a warning");
    let message = app.click_for_message("#backup-now", "見つかりません").await;
    assert!(message.contains("usb-stick"), "{message}");
    app.screenshot("backup-missing-folder").await;
    app.quit().await;
    let conn = store::open(&db).unwrap();
    assert_eq!(
        office::load(&conn).unwrap().name,
        "坂戸鶴ヶ島医師会 在宅医療相談室"
    );
}
