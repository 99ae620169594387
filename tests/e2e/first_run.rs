//! 初期設定 on a new, empty database: every step by keyboard with a refused
//! input on the way, resuming after a quit, and 「デモデータで試す」.

use std::path::Path;

use crate::harness::{db_number, db_text, temp_db, App};

const ENTER: &str = "\u{E007}";
/// The first 管理者's password; it also unwraps the key in [`open_db`].
const PASSWORD: &str = crate::harness::E2E_PASSWORD;

/// The step the wizard shows: its count and heading.
async fn on_step(app: &App, count: &str, title: &str) {
    app.wait_for_text("#first-run-count", count).await;
    app.wait_for_text("#first-run-title", title).await;
}

/// Whether the rest of the app is out of reach (hidden, not just covered).
async fn app_hidden(app: &App) -> bool {
    app.eval("return document.querySelector('.app').hidden")
        .await
        == true
}

/// The data-field of the focused control.
async fn focused_field(app: &App) -> String {
    let field = app
        .eval("return document.activeElement?.dataset?.field ?? document.activeElement?.id ?? ''")
        .await;
    field.as_str().unwrap_or_default().to_string()
}

fn first_run_mark(db: &Path) -> String {
    db_text(
        db,
        "SELECT COALESCE((SELECT value FROM app_settings WHERE key = 'first_run'), '')",
    )
}

/// Step 5: the 回復キー shown, saved as a PDF at `pdf`, its keeping
/// confirmed; refused unticked.
async fn recovery_key_step(app: &App, pdf: &Path) {
    on_step(app, "手順 5 / 5", "回復キー").await;
    let key = app.wait_for_text("#first-run-recovery-key", "-").await;
    assert_eq!(key.trim().len(), 39, "{key}");
    app.snap("first-run-5-recovery-key").await;
    app.click("#first-run-next").await;
    app.wait_for_text("#first-run .field-error, #first-run-error", "保管")
        .await;
    app.click("#first-run-recovery-pdf").await;
    app.wait_for_text("#first-run-recovery-saved", "保存しました")
        .await;
    let text = crate::harness::pdf_text(pdf);
    assert!(text.contains(key.trim()), "{text}");
    assert!(text.contains("金庫"), "{text}");
    app.click("#first-run-recovery-kept").await;
    app.click("#first-run-next").await;
}

/// Step 1 with valid data, by keyboard (Enter = 次へ).
async fn office_step(app: &App) {
    on_step(app, "手順 1 / 5", "事業所の情報").await;
    app.fill_fields(
        "#first-run",
        &[
            ("name", "坂戸鶴ヶ島医師会 在宅医療相談室"),
            ("address", "埼玉県坂戸市千代田一丁目1番地"),
        ],
    )
    .await;
    app.fill("[data-field='phone']", &format!("049-283-1234{ENTER}"))
        .await;
    on_step(app, "手順 2 / 5", "市と日常生活圏域").await;
}

/// Step 2: two cities, one with a 圏域.
async fn cities_step(app: &App) {
    assert_eq!(focused_field(app).await, "cities.0.name");
    app.fill("[data-field='cities.0.name']", "坂戸市").await;
    app.fill("[data-field='cities.0.areas.0.name']", "入西圏域")
        .await;
    app.click("#first-run-add-city").await;
    app.fill("[data-field='cities.1.name']", "鶴ヶ島市").await;
    app.press(
        "[data-field='cities.1.areas.0.name']",
        &format!("北部圏域{ENTER}"),
    )
    .await;
    on_step(app, "手順 3 / 5", "最初の管理者").await;
}

/// Step 3: the 管理者 with a password (a new database is encrypted: no PIN).
async fn admin_step(app: &App) {
    assert_eq!(focused_field(app).await, "name");
    assert_eq!(
        app.count("#first-run-admin-kind").await,
        0,
        "passwords only"
    );
    let form = app
        .wait_for_text("#first-run", "パスワード（8文字以上）")
        .await;
    assert!(!form.contains("null"), "no stray text in the form: {form}");
    app.fill("#first-run-admin-name", "山田 花子").await;
    app.fill("#first-run-admin-credential", PASSWORD).await;
    app.press("#first-run-admin-confirm", &format!("{PASSWORD}{ENTER}"))
        .await;
    on_step(app, "手順 4 / 5", "バックアップの保存先").await;
}

#[tokio::test]
async fn first_run_walks_every_step_and_refuses_a_bad_input_on_the_field() {
    let (dir, db) = temp_db();
    // Where the 回復キー PDF goes (the e2e build skips the native dialog).
    let pdf = dir.path().join("回復キー.pdf");
    std::env::set_var("ZAITAKU_E2E_SAVE_PATH", &pdf);
    let app = App::launch_locked(&db).await;
    app.wait_for("#first-run").await;
    assert!(
        app_hidden(&app).await,
        "the rest of the app is out of reach"
    );
    on_step(&app, "手順 1 / 5", "事業所の情報").await;
    assert_eq!(
        focused_field(&app).await,
        "name",
        "focus on the first field"
    );
    assert_eq!(app.required_fields("#first-run-office").await, 1);
    app.snap("first-run-1-office").await;

    // A bad phone number: the message by the field, nothing saved.
    app.fill("[data-field='name']", "坂戸鶴ヶ島医師会 在宅医療相談室")
        .await;
    app.press("[data-field='phone']", &format!("abc-123{ENTER}"))
        .await;
    let message = app
        .wait_for_text("#first-run .field-error", "電話番号は")
        .await;
    assert!(message.contains("10桁か11桁"), "{message}");
    assert_eq!(focused_field(&app).await, "phone");
    app.snap("first-run-1-office-refused").await;
    assert_eq!(db_text(&db, "SELECT name FROM office"), "");
    assert_eq!(first_run_mark(&db), "");
    on_step(&app, "手順 1 / 5", "事業所の情報").await;

    office_step(&app).await;
    app.snap("first-run-2-cities").await;
    cities_step(&app).await;
    // 戻る shows what step 2 saved; 次へ goes on.
    app.click("#first-run-back").await;
    on_step(&app, "手順 2 / 5", "市と日常生活圏域").await;
    assert_eq!(app.value("[data-field='cities.1.name']").await, "鶴ヶ島市");
    app.click("#first-run-next").await;
    on_step(&app, "手順 3 / 5", "最初の管理者").await;
    app.snap("first-run-3-admin").await;
    admin_step(&app).await;
    app.wait_for_text("#first-run-default-dir", "backups").await;
    app.snap("first-run-4-backup").await;

    // The suggested folder; then the 回復キー, and the app opens, signed in.
    app.click("#first-run-next").await;
    recovery_key_step(&app, &pdf).await;
    app.wait_for_text("#message-text", "初期設定が終わりました")
        .await;
    app.wait_for_text("#view h1", "相談記録").await;
    app.wait_for_text("#actor-name", "山田 花子").await;
    assert_eq!(app.count("#first-run").await, 0);
    assert!(!app_hidden(&app).await);
    app.snap("first-run-done").await;
    // The encrypted database's staff get passwords only: 設定's form to add
    // a member offers no 暗証番号.
    app.open_view("settings").await;
    app.wait_for("#staff-add #staff-credential").await;
    assert_eq!(app.count("#staff-kind").await, 0);
    app.quit().await;

    assert_eq!(
        db_text(&db, "SELECT name FROM office"),
        "坂戸鶴ヶ島医師会 在宅医療相談室"
    );
    assert_eq!(db_number(&db, "SELECT count(*) FROM areas"), 2);
    assert_eq!(first_run_mark(&db), "finished");
    // The next start asks who is working, and goes to the main screen.
    let app = App::launch_locked(&db).await;
    app.wait_for_text("#lock .lock-panel", "山田 花子").await;
    assert_eq!(app.count("#first-run").await, 0);
    // Encrypted: closed until the password opens it, and the 回復キー is offered.
    assert_eq!(app.count("#lock-recover").await, 1);
    app.quit().await;
    assert_eq!(
        zaitaku_core::store::storage(&db).unwrap(),
        zaitaku_core::store::Storage::Encrypted
    );
    std::env::remove_var("ZAITAKU_E2E_SAVE_PATH");
}

#[tokio::test]
async fn quitting_half_way_resumes_at_the_first_unfinished_step() {
    let (_dir, db) = temp_db();
    let app = App::launch_locked(&db).await;
    office_step(&app).await;
    app.quit().await;

    let app = App::launch_locked(&db).await;
    on_step(&app, "手順 2 / 5", "市と日常生活圏域").await;
    assert!(app_hidden(&app).await);
    // The demo is offered only while nothing is entered.
    app.click("#first-run-back").await;
    on_step(&app, "手順 1 / 5", "事業所の情報").await;
    assert_eq!(app.count("#first-run-demo").await, 0);
    assert_eq!(
        app.value("[data-field='name']").await,
        "坂戸鶴ヶ島医師会 在宅医療相談室"
    );
    app.click("#first-run-next").await;
    on_step(&app, "手順 2 / 5", "市と日常生活圏域").await;
    cities_step(&app).await;
    admin_step(&app).await;
    app.quit().await;

    // With its 管理者 registered, the office signs in first, then goes on.
    let app = App::launch_locked(&db).await;
    app.click("#lock .lock-member").await;
    app.fill("#lock-credential", &format!("{PASSWORD}{ENTER}"))
        .await;
    on_step(&app, "手順 4 / 5", "バックアップの保存先").await;
    // A folder that is not there: refused by the field, not finished.
    app.click("#first-run-backup-other").await;
    app.press(
        "#first-run-backup-dir",
        &format!("/この/フォルダは/ない{ENTER}"),
    )
    .await;
    let message = app
        .wait_for_text("#first-run .field-error", "見つかりません")
        .await;
    assert!(message.contains("/この/フォルダは/ない"), "{message}");
    app.snap("first-run-4-backup-refused").await;
    assert_eq!(first_run_mark(&db), "started");
    app.click("#first-run-backup-default").await;
    app.click("#first-run-next").await;
    on_step(&app, "手順 5 / 5", "回復キー").await;
    assert_eq!(first_run_mark(&db), "recovery_key");
    app.click("#first-run-recovery-kept").await;
    app.click("#first-run-next").await;
    app.wait_for_text("#view h1", "相談記録").await;
    app.quit().await;
    assert_eq!(first_run_mark(&db), "finished");
}

#[tokio::test]
async fn the_demo_choice_leads_to_a_working_sign_in() {
    let (_dir, db) = temp_db();
    let app = App::launch_locked(&db).await;
    on_step(&app, "手順 1 / 5", "事業所の情報").await;
    app.click("#first-run-demo").await;
    let note = app.wait_for_text("#lock-note", "1234").await;
    assert!(note.contains("山田 花子"), "{note}");
    app.snap("first-run-demo-sign-in").await;
    app.sign_in_as("山田 花子").await;
    app.wait_for_text("#view h1", "相談記録").await;
    assert_eq!(app.count("#first-run").await, 0);
    app.quit().await;
    assert!(db_number(&db, "SELECT count(*) FROM cases") > 0);
}
