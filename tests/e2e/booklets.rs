//! 意志表示帳: receive copies, hand out at the counter with the keyboard, see
//! the stock and the chart follow, and an over-issue refused with nothing
//! saved.

use serde_json::json;
use zaitaku_core::booklets::{self, EditionInput};
use zaitaku_core::store;

use crate::harness::{db_number, demo_db, App};
use crate::steps::ENTER;

/// The total of this month's bar in the chart ("missing" without one).
fn bar_total(month: &str) -> String {
    format!("document.querySelector(\"#booklet-chart g.chart-bar[data-month='{month}']\")?.dataset.total ?? 'missing'")
}

#[tokio::test]
async fn receive_hand_out_at_the_counter_and_refuse_an_over_issue() {
    let (_dir, db) = demo_db();
    let edition_id = {
        // Start from an empty ledger with one new edition. The app never
        // deletes history rows, so this is done as from outside it, with
        // the chain's record of them reset to match.
        store::Connection::open(&db)
            .unwrap()
            .execute_batch(
                "DELETE FROM booklet_entry_changes; DELETE FROM booklet_entries;
                 DELETE FROM booklet_editions;
                 DELETE FROM history_heads WHERE table_name = 'booklet_entry_changes';",
            )
            .unwrap();
        let mut conn = store::open(&db).unwrap();
        let now = chrono::Local::now().naive_local();
        let input = EditionInput {
            title: "私の意志表示帳".into(),
            edition: "第2版 令和元年12月".into(),
            low_stock_threshold: "20".into(),
            ..Default::default()
        };
        booklets::save_edition(&mut conn, &input, now).unwrap().id
    };
    let month = chrono::Local::now().format("%Y-%m").to_string();

    let app = App::launch(&db).await;
    app.open_view("booklets").await;
    app.wait_for_text("#stock-cards", "第2版").await;
    app.wait_for_value(&bar_total(&month), json!("0")).await;

    // 入庫: 100 copies printed.
    app.fill("#receipt-form [data-field='quantity']", "100")
        .await;
    app.click_for_message("#receipt-submit", "入庫を記録しました")
        .await;
    app.wait_for_text(
        &format!("[data-edition='{edition_id}'] .stock-value"),
        "100",
    )
    .await;

    // Three people at the counter: each hand-out is just Enter in 冊数 (1).
    let quantity = "#issue-form [data-field='quantity']";
    app.click(quantity).await;
    for left in ["99", "98", "97"] {
        assert_eq!(app.value(quantity).await, "1");
        app.press(quantity, ENTER).await;
        app.wait_for_text("#message-text", &format!("在庫 {left}冊"))
            .await;
    }
    let stock = app
        .wait_for_text(&format!("[data-edition='{edition_id}'] .stock-value"), "97")
        .await;
    assert_eq!(stock, "97");
    app.wait_for_value(&bar_total(&month), json!("3")).await;
    let legend = app.wait_for_text("#by-channel", "相談窓口").await;
    assert!(legend.contains("相談窓口"), "{legend}");
    app.wait_for_text("#ledger", "相談窓口").await;
    app.snap("booklets-after-counter").await;

    // 1,000 copies are more than the stock: refused, and nothing is saved.
    app.fill(quantity, "1000").await;
    app.press(quantity, ENTER).await;
    let message = app.refused("#issue-form", "在庫が足りません").await;
    assert!(message.contains("97冊"), "{message}");
    assert_eq!(app.value(quantity).await, "1000");
    assert_eq!(
        app.wait_for_text(&format!("[data-edition='{edition_id}'] .stock-value"), "97")
            .await,
        "97"
    );
    assert_eq!(
        app.eval(&format!("return {};", bar_total(&month))).await,
        "3"
    );
    app.snap("booklets-over-issue-refused").await;
    app.quit().await;

    for (kind, entries) in [("issue", 3), ("receipt", 1)] {
        let sql = format!("SELECT count(*) FROM booklet_entries WHERE kind = '{kind}'");
        assert_eq!(db_number(&db, &sql), entries, "{kind}");
    }
    let conn = store::open(&db).unwrap();
    assert_eq!(booklets::stock(&conn, &edition_id).unwrap(), 97);
}

#[tokio::test]
async fn an_issue_is_voided_with_a_reason_and_stays_visible() {
    let (_dir, db) = demo_db();
    // Who made the change comes from the sign-in, not from the page.
    let app = App::launch_locked(&db).await;
    app.sign_in_as("佐藤").await;
    app.open_view("booklets").await;
    app.fill("#issue-form [data-field='quantity']", "2").await;
    let done = app
        .click_for_message("#issue-submit", "配布を記録しました")
        .await;
    assert!(done.contains("2冊"), "{done}");
    let stock_before: i64 = app
        .eval("return document.querySelector('.stock-card:last-child .stock-value').dataset.stock")
        .await
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    app.snap("booklets-demo").await;

    // The newest entry is first in the ledger.
    app.click("#ledger tbody tr:first-child button").await;
    app.wait_for_text("#entry-history", "登録").await;
    app.fill(
        "#edit-form [data-field='void_reason']",
        "別の冊子と取り違えたため",
    )
    .await;
    app.click("#void-entry").await;
    app.client.accept_alert().await.unwrap();
    app.wait_for_text("#message-text", "取り消しました").await;
    app.wait_for_text("#ledger tbody tr.voided", "取消").await;
    let stock_after = app
        .eval("return document.querySelector('.stock-card:last-child .stock-value').dataset.stock")
        .await;
    assert_eq!(stock_after, (stock_before + 2).to_string());
    app.click("#ledger tbody tr.voided button").await;
    let history = app.wait_for_text("#entry-history", "取消").await;
    assert!(history.contains("佐藤"), "{history}");
    assert!(history.contains("別の冊子と取り違えたため"), "{history}");
    app.snap("booklets-voided").await;
    app.quit().await;
}
