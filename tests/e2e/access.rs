//! Access record: who is working is asked at start and after locking, with
//! their PIN or password; 管理者 and 職員 see what is theirs to change.

use zaitaku_core::{access, demo, store};

use crate::harness::{temp_db, App};

fn demo_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, db) = temp_db();
    let mut conn = store::open(&db).unwrap();
    demo::fill(&mut conn, chrono::Local::now().naive_local()).unwrap();
    (dir, db)
}

fn staff(db: &std::path::Path) -> Vec<access::StaffMember> {
    access::staff(&store::open(db).unwrap()).unwrap()
}

#[tokio::test]
async fn the_app_asks_who_is_working_and_locks_on_request() {
    let (_dir, db) = demo_db();
    let members = staff(&db);
    assert!(members.len() >= 2, "demo data has staff");
    let app = App::launch_locked(&db).await;
    let panel = app
        .wait_for_text("#lock .lock-panel", "担当者を選んでください")
        .await;
    for m in &members {
        assert!(panel.contains(&m.name), "{} missing from {panel}", m.name);
    }
    // Nothing behind the lock can be reached meanwhile, and the page asked
    // for nothing the locked backend refuses (it would show the refusal).
    assert_eq!(
        app.eval("return document.querySelector('.app').inert")
            .await,
        true
    );
    assert_eq!(
        app.eval("return document.getElementById('message').hidden")
            .await,
        true
    );
    app.screenshot("lock-screen").await;

    app.click(&format!(
        "#lock .lock-member[data-staff-id='{}']",
        members[1].id
    ))
    .await;
    app.fill("#lock-credential", "1234\u{E007}").await;
    let actor = app.wait_for_text("#actor-name", "操作者").await;
    assert_eq!(actor, format!("操作者：{}", members[1].name));
    assert_eq!(
        app.eval("return document.querySelector('.app').inert")
            .await,
        false
    );

    app.click("#lock-now").await;
    app.wait_for_text("#lock .lock-panel", "担当者を選んでください")
        .await;
    assert_eq!(
        app.eval("return document.getElementById('message').hidden")
            .await,
        true
    );
    assert_eq!(
        app.eval("return document.getElementById('sidebar-actor').hidden")
            .await,
        true
    );
    app.quit().await;
}

#[tokio::test]
async fn a_member_with_a_pin_must_type_it() {
    let (_dir, db) = demo_db();
    let members = staff(&db);
    let app = App::launch_locked(&db).await;
    app.click(&format!(
        "#lock .lock-member[data-staff-id='{}']",
        members[0].id
    ))
    .await;
    // A PIN gets the numeric keypad.
    assert_eq!(
        app.eval(
            "const i = document.getElementById('lock-credential'); return [i.type, i.inputMode];"
        )
        .await,
        serde_json::json!(["password", "numeric"])
    );
    app.fill("#lock-credential", "1111").await;
    app.click("#lock .lock-pin-form button[type='submit']")
        .await;
    app.wait_for_text("#lock-credential-error", "暗証番号が違います")
        .await;
    // The PIN field is a form part like any other: labelled, required,
    // its error by it (said once, announced) and focused for the next try.
    let field = app
        .eval(
            "const pin = document.getElementById('lock-credential');
             return [document.querySelector(`label[for='lock-credential']`)?.textContent,
                     pin.getAttribute('aria-required'), pin.getAttribute('aria-invalid'),
                     document.getElementById(pin.getAttribute('aria-describedby'))?.textContent,
                     document.getElementById('lock-credential-error').getAttribute('role'),
                     document.getElementById('lock-error').textContent,
                     document.activeElement === pin];",
        )
        .await;
    assert_eq!(
        field,
        serde_json::json!([
            format!("{} さんの暗証番号必須", members[0].name),
            "true",
            "true",
            "暗証番号が違います。",
            "alert",
            "",
            true
        ])
    );
    assert_eq!(
        app.eval("return document.getElementById('lock').hidden")
            .await,
        false
    );
    app.screenshot("lock-wrong-pin").await;

    // Enter in the field signs in.
    app.fill("#lock-credential", "１２３４\u{E007}").await;
    let actor = app.wait_for_text("#actor-name", "操作者").await;
    assert!(actor.contains(&members[0].name), "{actor}");
    app.quit().await;
}

#[tokio::test]
async fn after_five_wrong_pins_the_lock_screen_says_how_long_to_wait() {
    let (_dir, db) = demo_db();
    let members = staff(&db);
    {
        let mut conn = store::open(&db).unwrap();
        let now = chrono::Local::now().naive_local();
        for _ in 0..5 {
            assert!(access::sign_in(&mut conn, &members[0].id, "1111", now).is_err());
        }
    }
    // The count was kept in the database: a fresh start still waits, and
    // the right PIN is refused meanwhile.
    let app = App::launch_locked(&db).await;
    app.click(&format!(
        "#lock .lock-member[data-staff-id='{}']",
        members[0].id
    ))
    .await;
    app.fill("#lock-credential", "1234").await;
    app.click("#lock .lock-pin-form button[type='submit']")
        .await;
    let error = app
        .wait_for_text("#lock-credential-error", "お待ちください")
        .await;
    assert!(
        error.starts_with("暗証番号を5回まちがえたため、あと") && error.contains("秒"),
        "{error}"
    );
    assert_eq!(
        app.eval("return document.getElementById('lock').hidden")
            .await,
        false
    );
    app.screenshot("lock-wait").await;
    app.quit().await;
}

#[tokio::test]
async fn a_member_changes_their_own_credential_in_settings() {
    let (_dir, db) = demo_db();
    let app = App::launch(&db).await;
    let me = app.wait_for_text("#actor-name", "操作者").await;
    app.click("a[data-view='settings']").await;
    app.fill("#current-credential", "1234").await;
    app.fill("#new-credential", "12").await;
    app.fill("#new-confirm", "12").await;
    app.click("#save-credential").await;
    app.wait_for_text("#message-text", "4〜8桁").await;
    app.fill("#new-credential", "13579").await;
    app.fill("#new-confirm", "13579").await;
    app.click("#save-credential").await;
    app.wait_for_text("#message-text", "暗証番号を変更しました")
        .await;
    // A settings change made now is recorded under the signed-in member.
    app.fill("[data-field='contact_person']", "記録確認 太郎")
        .await;
    app.click("#save-settings").await;
    app.wait_for_text("#message-text", "事業所情報を保存しました")
        .await;
    app.click("a[data-view='cases']").await;
    app.click("a[data-view='settings']").await;
    app.click("#audit-log summary").await;
    let log = app.wait_for_text("#audit-log tbody", "記録確認 太郎").await;
    let name = me.trim_start_matches("操作者：");
    let first_row = log.lines().next().unwrap_or_default().to_string();
    assert!(
        first_row.contains(name) && first_row.contains("事業所情報"),
        "{log}"
    );
    assert!(log.contains("暗証番号"), "{log}");
    assert!(!log.contains("$argon2"), "PIN hashes never appear: {log}");
    app.screenshot("audit-log").await;
    app.quit().await;
    let mine = staff(&db)
        .into_iter()
        .find(|m| me.ends_with(&m.name))
        .unwrap();
    assert_eq!(mine.credential, Some(access::CredentialKind::Pin));
    let mut conn = store::open(&db).unwrap();
    assert!(access::sign_in(
        &mut conn,
        &mine.id,
        "13579",
        chrono::Local::now().naive_local()
    )
    .is_ok());
}

/// A member given a temporary PIN by a 管理者 chooses their own right
/// after signing in, before anything else is shown.
#[tokio::test]
async fn a_temporary_pin_is_changed_right_after_sign_in() {
    let (_dir, db) = demo_db();
    let members = staff(&db);
    {
        let mut conn = store::open(&db).unwrap();
        let now = chrono::Local::now().naive_local();
        let admin = access::sign_in(&mut conn, &members[0].id, "1234", now).unwrap();
        access::reset_credential(
            &mut conn,
            &admin,
            &members[1].id,
            access::CredentialKind::Pin,
            "7777",
            now,
        )
        .unwrap();
    }
    let app = App::launch_locked(&db).await;
    app.click(&format!(
        "#lock .lock-member[data-staff-id='{}']",
        members[1].id
    ))
    .await;
    app.fill("#lock-credential", "7777\u{E007}").await;
    app.wait_for_text("#own-title", &members[1].name).await;
    assert_eq!(
        app.eval("return document.querySelector('.app').inert")
            .await,
        true,
        "nothing else before the new PIN"
    );
    app.screenshot("own-credential").await;
    // Typed twice, differently: refused by the confirmation.
    app.fill("#own-credential", "2580").await;
    app.fill("#own-confirm", "2581\u{E007}").await;
    app.wait_for_text("#own-confirm-error", "一致しません")
        .await;
    app.fill("#own-confirm", "2580\u{E007}").await;
    let actor = app.wait_for_text("#actor-name", "操作者").await;
    assert!(actor.contains(&members[1].name), "{actor}");
    app.wait_for("#view > *").await;
    app.quit().await;
    let mut conn = store::open(&db).unwrap();
    let now = chrono::Local::now().naive_local();
    assert!(!access::sign_in(&mut conn, &members[1].id, "2580", now)
        .unwrap()
        .needs_credential());
}

/// An office from before 初期設定, without staff, registers its first
/// member (管理者) in 設定 › 担当者, who adds a 職員; the 職員 does not see
/// what only a 管理者 may change.
#[tokio::test]
async fn an_office_without_staff_registers_its_manager_who_adds_staff() {
    let (_dir, db) = temp_db();
    {
        let mut conn = store::open(&db).unwrap();
        let office = zaitaku_core::office::OfficeInput {
            name: "旧相談室".into(),
            ..Default::default()
        };
        zaitaku_core::office::save(&mut conn, &office, chrono::Local::now().naive_local()).unwrap();
    }
    let app = App::launch(&db).await;
    // A named office opens on 相談記録; 設定 once that screen is drawn.
    app.wait_for_text("#view h1", "相談記録").await;
    app.open_view("settings").await;
    app.fill("#first-name", "山田 花子").await;
    app.fill("#first-credential", "2468").await;
    app.fill("#first-confirm", "2468").await;
    app.click("#first-member-save").await;
    app.wait_for_text("#actor-name", "山田 花子").await;
    app.wait_for_text("#staff-table", "管理者").await;
    app.fill("#staff-name", "佐藤 美紀").await;
    app.fill("#staff-credential", "1357").await;
    app.fill("#staff-confirm", "1357").await;
    app.click("#staff-add-save").await;
    let table = app.wait_for_text("#staff-table", "佐藤 美紀").await;
    assert!(table.contains("仮"), "{table}");
    app.screenshot("staff-settings").await;

    app.click("#lock-now").await;
    let members = staff(&db);
    app.click(&format!(
        "#lock .lock-member[data-staff-id='{}']",
        members[1].id
    ))
    .await;
    app.fill("#lock-credential", "1357\u{E007}").await;
    app.fill("#own-credential", "8642").await;
    app.fill("#own-confirm", "8642\u{E007}").await;
    app.wait_for_text("#actor-name", "佐藤 美紀").await;
    app.click("a[data-view='settings']").await;
    app.wait_for_text("#admin-only-note", "管理者だけ").await;
    let staff_text = app.wait_for_text("#staff-section", "佐藤 美紀").await;
    assert!(staff_text.contains("管理者（山田 花子）"), "{staff_text}");
    let hidden = app
        .eval(
            "return ['#save-settings', '#staff-add', '#case-lists', '#save-backup-settings', '#save-lock-minutes', '.staff-role-button']
                .filter((css) => document.querySelector(css) !== null);",
        )
        .await;
    assert_eq!(hidden, serde_json::json!([]));
    app.quit().await;
}

/// What the page holds, shown or hidden, as text.
const PAGE_TEXT: &str = "return document.documentElement.textContent";

/// Locked, the page holds no case text, no preview, and nothing behind the
/// lock takes the keyboard: neither Ctrl+1 nor Tab reaches 相談記録.
async fn assert_nothing_behind_the_lock(app: &App, name: &str) {
    app.wait_for_text("#lock .lock-panel", "担当者を選んでください")
        .await;
    let text = app.eval(PAGE_TEXT).await;
    assert!(
        !text.as_str().unwrap_or_default().contains(name),
        "the case text is still in the page"
    );
    assert_eq!(
        app.eval("return document.getElementById('print-overlay') === null")
            .await,
        true,
        "the print preview is still open"
    );
    assert_eq!(
        app.eval("return document.getElementById('view').childElementCount")
            .await,
        0
    );
    // Ctrl+1 (WebDriver key codes: \u{E009} is Control) draws nothing.
    let body = app.wait_for("body").await;
    body.send_keys("\u{E009}1\u{E000}").await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        app.eval("return document.getElementById('view').childElementCount")
            .await,
        0,
        "Ctrl+1 drew a screen behind the lock"
    );
    // Tab goes round the lock screen only.
    for _ in 0..12 {
        let focused = app.client.active_element().await.unwrap();
        focused.send_keys("\u{E004}").await.unwrap();
        assert_eq!(
            app.eval(
                "const a = document.activeElement; \
                 return a !== null && a.closest('.app, #print-overlay') !== null"
            )
            .await,
            false,
            "Tab reached the page behind the lock"
        );
    }
    let text = app.eval(PAGE_TEXT).await;
    assert!(!text.as_str().unwrap_or_default().contains(name));
}

async fn open_case_preview(app: &App, name: &str) {
    app.click("a[data-view='cases']").await;
    app.wait_for("#case-search").await;
    app.click(".case-open").await;
    app.wait_for_text("#case-title", name).await;
    app.click("#print-case").await;
    app.wait_for("#print-overlay .print-page svg").await;
    let text = app.eval(PAGE_TEXT).await;
    assert!(text.as_str().unwrap_or_default().contains(name));
}

#[tokio::test]
async fn locking_takes_the_case_and_its_preview_out_of_the_page() {
    let (_dir, db) = temp_db();
    crate::cases::demo_db(&db, 0);
    let name = "鳩ヶ谷 ひかり";
    crate::cases::seed_case(&db, name, "はとがや ひかり");
    let member = staff(&db).remove(0);
    let app = App::launch(&db).await;

    // The ロック button (the preview covers it; the page's idle timer calls
    // the same function).
    open_case_preview(&app, name).await;
    app.eval("document.getElementById('lock-now').click(); return null")
        .await;
    assert_nothing_behind_the_lock(&app, name).await;

    // Signed in again, the screen is drawn again and Ctrl+1 works.
    app.sign_in_as(&member.name).await;
    app.wait_for("#case-search").await;
    let body = app.wait_for("body").await;
    body.send_keys("\u{E009}2\u{E000}").await.unwrap();
    app.wait_for_text("#view h1", "意志表示帳").await;
    body.send_keys("\u{E009}1\u{E000}").await.unwrap();
    app.wait_for_text("#view h1", "相談記録").await;

    // Locked by the Rust side (its idle lock, behind the page's back): the
    // next call is refused as signed_out and the page locks itself.
    open_case_preview(&app, name).await;
    app.eval("return window.__TAURI_INTERNALS__.invoke('lock_screen').then(() => null)")
        .await;
    app.click("#print-save").await;
    assert_nothing_behind_the_lock(&app, name).await;
    app.quit().await;
}
