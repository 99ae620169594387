use zaitaku_core::{office, store};

use crate::harness::{db_text, demo_db, demo_db_with_cases, settings_db, App};

/// What the office data is saved as, field by field (the phone typed with
/// full-width digits, as a Japanese IME often does, is stored half-width).
const OFFICE: &[(&str, &str)] = &[
    ("name", "坂戸鶴ヶ島医師会 在宅医療相談室"),
    ("postal_code", "350-0214"),
    ("address", "埼玉県坂戸市千代田一丁目1番地"),
    ("phone", "049-283-1234"),
    ("fax", "049-283-1235"),
    ("contact_person", "山田 花子"),
    ("cities.0.name", "坂戸市"),
    ("cities.0.areas.0.name", "入西圏域"),
    ("cities.1.name", "鶴ヶ島市"),
];

/// The values of the `fields` of the settings screen, with their names.
async fn shown(app: &App, fields: &[(&str, &str)]) -> Vec<(String, String)> {
    let names: Vec<&str> = fields.iter().map(|(name, _)| *name).collect();
    let values = app.field_values("#view", &names).await;
    names.iter().map(|n| n.to_string()).zip(values).collect()
}

fn expected(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn office_data_is_saved_and_shown_again_after_restart() {
    let (_dir, db) = settings_db();
    let app = App::launch(&db).await;
    app.open_view("settings").await;
    // The office fields as typed: the phone with full-width digits.
    let typed: Vec<(&str, &str)> = OFFICE[..6]
        .iter()
        .map(|&(field, value)| match field {
            "phone" => (field, "０４９－２８３－１２３４"),
            _ => (field, value),
        })
        .collect();
    app.fill_fields("#view", &typed).await;
    app.click("#add-city").await;
    app.fill("[data-field='cities.0.name']", "坂戸市").await;
    app.click(".city button.secondary").await;
    app.fill("[data-field='cities.0.areas.0.name']", "入西圏域")
        .await;
    app.click("#add-city").await;
    app.fill("[data-field='cities.1.name']", "鶴ヶ島市").await;
    app.click_for_message("#save-settings", "保存しました")
        .await;
    // The stored, normalised phone number is what the form now shows.
    assert_eq!(app.value("[data-field='phone']").await, "049-283-1234");
    assert_eq!(
        app.wait_for_text("#sidebar-office", "在宅医療相談室").await,
        "坂戸鶴ヶ島医師会 在宅医療相談室"
    );
    app.snap("settings-saved").await;
    app.quit().await;

    let app = App::launch(&db).await;
    app.open_view("settings").await;
    assert_eq!(shown(&app, OFFICE).await, expected(OFFICE));
    app.wait_for_text("#updated-label", "最終保存：令和").await;
    app.quit().await;
}

#[tokio::test]
async fn an_invalid_phone_number_is_refused_and_nothing_is_saved() {
    let (_dir, db) = settings_db();
    let app = App::launch(&db).await;
    app.open_view("settings").await;
    let typed = [("name", "テスト相談室"), ("phone", "abc-123")];
    app.fill_fields("#view", &typed).await;
    app.click("#save-settings").await;
    // The same message next to the field, tied to it for screen readers.
    let message = app.refused("#view", "電話番号は").await;
    assert!(message.contains("10桁か11桁"), "{message}");
    let described = app
        .eval("const i = document.querySelector(\"[data-field='phone']\"); return [i.getAttribute('aria-invalid'), i.getAttribute('aria-describedby'), document.activeElement === i];")
        .await;
    assert_eq!(described[0], "true");
    assert!(
        described[1].as_str().unwrap_or("").contains("-error"),
        "{described}"
    );
    assert_eq!(described[2], true, "focus should move to the bad field");
    // What was typed is still there to correct.
    assert_eq!(shown(&app, &typed).await, expected(&typed));
    app.snap("settings-invalid-phone").await;
    app.quit().await;

    let conn = store::open(&db).unwrap();
    let stored = office::load(&conn).unwrap();
    assert_eq!(
        stored.name, "",
        "nothing may be saved when the phone is invalid"
    );
    assert_eq!(stored.updated_at, None);
}

#[tokio::test]
async fn removing_an_area_can_be_undone_before_saving() {
    let (_dir, db) = demo_db();
    let app = App::launch(&db).await;
    app.open_view("settings").await;
    let first_area = app.value("[data-field='cities.0.areas.0.name']").await;
    app.click(".city .areas .danger-link").await;
    app.wait_for_text("#message-text", "一覧から外しました")
        .await;
    assert_ne!(
        app.value("[data-field='cities.0.areas.0.name']").await,
        first_area
    );
    // 変更を取り消す asks for confirmation, then shows the stored list again.
    app.click("#revert-settings").await;
    assert!(app.dialog_text().await.contains("取り消して"));
    app.client.accept_alert().await.unwrap();
    app.wait_for_text("#message-text", "保存済みの内容に戻しました")
        .await;
    assert_eq!(
        app.value("[data-field='cities.0.areas.0.name']").await,
        first_area
    );
    app.quit().await;
}

/// Opening a case shows in 設定 › 閲覧・出力記録 by the case's id, under the
/// signed-in member; the 種類 filter narrows the table.
#[tokio::test]
async fn an_opened_case_is_listed_in_the_access_log() {
    let (_dir, db) = demo_db_with_cases(3);
    let app = App::launch(&db).await;
    app.click("a[data-view='cases']").await;
    app.click(".case-open").await;
    app.wait_for("#edit-case").await;
    app.open_view("settings").await;
    let case_id = db_text(
        &db,
        "SELECT target FROM access_log WHERE kind = 'case_view'",
    );
    let shown = app
        .wait_for_text("[data-testid='access-log-table']", "相談記録の閲覧")
        .await;
    assert!(shown.contains(&case_id), "{shown}");
    app.eval("document.getElementById('access-log').scrollIntoView(); return null;")
        .await;
    app.snap("settings-access-log").await;
    app.eval("document.getElementById('access-log-kind').value = 'csv_export'; return null;")
        .await;
    app.click("#access-log-show").await;
    app.wait_for_text("#access-log-results", "条件に合う記録はありません")
        .await;
    app.quit().await;
}
