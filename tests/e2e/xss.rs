//! Text that looks like markup is saved and shown as text; no script runs.

use crate::harness::{settings_db, App};

const IMG: &str = "<img src=x onerror=\"window.__xss='img'\">";
const SCRIPT: &str = "<script>window.__xss='script'</script>";
const JS_URL: &str = "javascript:window.__xss='url'";

#[tokio::test]
async fn markup_in_text_fields_is_shown_as_text_and_never_runs() {
    let (_dir, db) = settings_db();
    let app = App::launch(&db).await;
    app.click("a[data-view='settings']").await;
    app.fill("[data-field='name']", IMG).await;
    app.fill("[data-field='address']", SCRIPT).await;
    app.fill("[data-field='contact_person']", JS_URL).await;
    app.click("#add-city").await;
    app.fill("[data-field='cities.0.name']", "<b>市</b>").await;
    app.click(".city button.secondary").await;
    app.fill("[data-field='cities.0.areas.0.name']", IMG).await;
    app.click_for_message("#save-settings", "保存しました")
        .await;
    // Reload from the database so every value is rendered afresh.
    app.client.refresh().await.unwrap();
    app.wait_for("#view > *").await;
    app.open_view("settings").await;

    assert_eq!(app.value("[data-field='name']").await, IMG);
    assert_eq!(app.value("[data-field='address']").await, SCRIPT);
    assert_eq!(app.value("[data-field='contact_person']").await, JS_URL);
    assert_eq!(app.value("[data-field='cities.0.areas.0.name']").await, IMG);
    // The sidebar shows the office name as text, not as an element.
    assert_eq!(app.wait_for_text("#sidebar-office", "<img").await, IMG);
    // A delete button's label carries the area name; it stays text as well.
    let probe = app
        .eval(
            "return {
               marker: window.__xss === undefined ? null : String(window.__xss),
               images: document.querySelectorAll('img').length,
               scripts: [...document.scripts].filter(s => !s.src).map(s => s.textContent).filter(t => t.includes('__xss')).length,
               bold: document.querySelectorAll('#view b').length,
             };",
        )
        .await;
    assert_eq!(
        probe["marker"],
        serde_json::Value::Null,
        "a payload ran: {probe}"
    );
    assert_eq!(probe["images"], 0, "{probe}");
    assert_eq!(probe["scripts"], 0, "{probe}");
    assert_eq!(probe["bold"], 0, "{probe}");
    app.screenshot("xss-as-text").await;
    app.quit().await;
}
