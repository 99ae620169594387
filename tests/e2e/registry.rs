//! 名簿: register a doctor with the keyboard, find them by search as you
//! type (half-width カタカナ), see them in the もの忘れ相談医 list, a refused
//! form with the message by the field, and a bed availability update shown
//! first.

use zaitaku_core::registries::{self, DoctorFilter};
use zaitaku_core::store;

use crate::harness::{demo_app_on, App};

/// Types `text` into the search box and waits until the count of the list
/// `list` (its data-testid prefix) shows `shown`.
async fn search(app: &App, text: &str, list: &str, shown: &str) {
    app.fill("#registry-search", text).await;
    app.wait_for_text(&format!("[data-testid='{list}-count']"), shown)
        .await;
}

#[tokio::test]
async fn add_a_doctor_and_find_them_by_search() {
    let (_dir, db, app) = demo_app_on(0, "registry").await;
    app.wait_for_text("[data-testid='doctor-count']", "23人")
        .await;
    app.snap("registry-doctors").await;

    // An empty form is refused, the message next to 医師名, nothing saved.
    app.click("#registry-new").await;
    app.wait_for("#doctor-form").await;
    app.click("#doctor-save").await;
    app.refused("#doctor-form", "医師名を入力してください")
        .await;

    app.fill_fields(
        "#doctor-form",
        &[
            ("name", "試験 一郎"),
            ("kana", "しけん いちろう"),
            ("clinic", "試験ホームクリニック"),
            ("sheet_updated_on", "令和7年4月1日"),
            ("registered_on", "2099-04-01"),
        ],
    )
    .await;
    // 登録日 in the future is refused by the field; 登録終了日 waits for
    // 登録終了 to be ticked.
    app.click("#doctor-save").await;
    app.refused("#doctor-form", "登録日に未来の日付は入力できません")
        .await;
    let end_disabled = app
        .eval("return document.querySelector(\"#doctor-form [data-field='retired_on']\").disabled;")
        .await;
    assert_eq!(end_disabled, serde_json::json!(true));
    app.fill("#doctor-form [data-field='registered_on']", "令和2年4月1日")
        .await;
    app.click("#doctor-form [data-field='home_visits']").await;
    app.click("#doctor-form [data-field='dementia_consult']")
        .await;
    app.click("#doctor-form input[type='checkbox'][data-area]")
        .await;
    app.snap("registry-doctor-form").await;
    app.click_for_message(
        "#doctor-save",
        "試験 一郎（試験ホームクリニック）を保存しました",
    )
    .await;
    app.wait_for_text("[data-testid='doctor-count']", "24人")
        .await;

    // Search as you type, in half-width katakana.
    search(&app, "ｼｹﾝ", "doctor", "1人").await;
    let table = app
        .wait_for_text("[data-testid='doctor-table']", "試験 一郎")
        .await;
    assert!(
        table.contains("往診") && table.contains("もの忘れ"),
        "{table}"
    );
    app.snap("registry-search").await;

    // It is on the もの忘れ相談医 list too.
    app.click("#tab-dementia").await;
    app.fill("#registry-search", "試験").await;
    app.wait_for_text("[data-testid='dementia-table']", "試験ホームクリニック")
        .await;
    app.snap("registry-dementia").await;

    // 関係機関: the demo set, filtered by kind.
    app.click("#tab-organisations").await;
    app.wait_for_text("[data-testid='organisation-count']", "30件")
        .await;
    search(&app, "包括", "organisation", "10件").await;
    app.snap("registry-organisations").await;

    // Saved in the file, with the 圏域 ticked.
    let conn = store::open(&db).unwrap();
    let found = registries::doctors(
        &conn,
        &DoctorFilter {
            query: "試験".into(),
            ..Default::default()
        },
        chrono::Local::now().date_naive(),
    )
    .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].sheet_updated_on.as_deref(), Some("2025-04-01"));
    assert_eq!(found[0].registered_on.as_deref(), Some("2020-04-01"));
    assert_eq!(found[0].retired_on, None);
    assert_eq!(found[0].area_names.len(), 1);
    app.quit().await;
}

#[tokio::test]
async fn bed_availability_is_recorded_and_shown_first() {
    let (_dir, _db, app) = demo_app_on(0, "registry").await;
    app.click("#tab-beds").await;
    app.wait_for_text("[data-testid='bed-count']", "4病院")
        .await;
    search(&app, "坂戸中央", "bed", "1病院").await;
    app.click(".bed-card button.primary").await;
    app.fill("#bed-update-form [data-field='free_beds']", "5")
        .await;
    app.click("#bed-update-save").await;
    app.refused("#bed-update-form", "床数（2床）を超えています")
        .await;
    app.fill_fields(
        "#bed-update-form",
        &[("free_beds", "2"), ("note", "来週まで空きあり")],
    )
    .await;
    app.click_for_message("#bed-update-save", "空床（2床）を記録しました")
        .await;
    app.wait_for_text("[data-testid='bed-latest']", "空床 2床（来週まで空きあり）")
        .await;
    app.snap("registry-beds").await;
    app.quit().await;
}
