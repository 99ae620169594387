//! 意志表示帳: receive copies, hand out at the counter with the keyboard, see
//! the stock and the chart follow, and an over-issue refused with nothing
//! saved.

use zaitaku_core::booklets::{self, EditionInput};
use zaitaku_core::store::{self, Connection};

use crate::harness::{temp_db, App};

/// WebDriver key code for Enter.
const ENTER: &str = "\u{E007}";

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// A screenshot after the webview has painted the last change.
async fn snap(app: &App, name: &str) {
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    app.screenshot(name).await;
}

async fn bar_total(app: &App, month: &str) -> String {
    let js = format!(
        "const g = document.querySelector(\"#booklet-chart g.chart-bar[data-month='{month}']\"); return g ? g.dataset.total : null;"
    );
    app.eval(&js)
        .await
        .as_str()
        .unwrap_or("missing")
        .to_string()
}

async fn wait_for_bar(app: &App, month: &str, want: &str) {
    for _ in 0..100 {
        if bar_total(app, month).await == want {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "bar {month} shows {}, expected {want}",
        bar_total(app, month).await
    );
}

#[tokio::test]
async fn receive_hand_out_at_the_counter_and_refuse_an_over_issue() {
    let (_dir, db) = temp_db();
    let edition_id = {
        let mut conn = store::open(&db).unwrap();
        let now = chrono::Local::now().naive_local();
        zaitaku_core::demo::fill(&mut conn, now).unwrap();
        // Start from an empty ledger with one new edition.
        conn.execute_batch(
            "DELETE FROM booklet_entry_changes; DELETE FROM booklet_entries; DELETE FROM booklet_editions;",
        )
        .unwrap();
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
    app.click("a[data-view='booklets']").await;
    app.wait_for_text("#view h1", "意志表示帳").await;
    app.wait_for_text("#stock-cards", "第2版").await;
    wait_for_bar(&app, &month, "0").await;

    // 入庫: 100 copies printed.
    app.fill("#receipt-form [data-field='quantity']", "100")
        .await;
    app.click("#receipt-submit").await;
    app.wait_for_text("#message-text", "入庫を記録しました")
        .await;
    app.wait_for_text(
        &format!("[data-edition='{edition_id}'] .stock-value"),
        "100",
    )
    .await;

    // Three people at the counter: each hand-out is just Enter in 冊数 (1).
    let quantity = app.wait_for("#issue-form [data-field='quantity']").await;
    quantity.click().await.unwrap();
    for left in ["99", "98", "97"] {
        let field = app.wait_for("#issue-form [data-field='quantity']").await;
        assert_eq!(app.value("#issue-form [data-field='quantity']").await, "1");
        field.send_keys(ENTER).await.unwrap();
        app.wait_for_text("#message-text", &format!("在庫 {left}冊"))
            .await;
    }
    let stock = app
        .wait_for_text(&format!("[data-edition='{edition_id}'] .stock-value"), "97")
        .await;
    assert_eq!(stock, "97");
    wait_for_bar(&app, &month, "3").await;
    let legend = app.wait_for_text("#by-channel", "相談窓口").await;
    assert!(legend.contains("相談窓口"), "{legend}");
    app.wait_for_text("#ledger", "相談窓口").await;
    snap(&app, "booklets-after-counter").await;

    // 1,000 copies are more than the stock: refused, and nothing is saved.
    app.fill("#issue-form [data-field='quantity']", "1000")
        .await;
    app.client
        .find(fantoccini::Locator::Css(
            "#issue-form [data-field='quantity']",
        ))
        .await
        .unwrap()
        .send_keys(ENTER)
        .await
        .unwrap();
    let message = app.wait_for_text("#message-text", "在庫が足りません").await;
    assert!(message.contains("97冊"), "{message}");
    let inline = app
        .wait_for_text("#issue-form .field-error", "在庫が足りません")
        .await;
    assert_eq!(inline, message);
    assert_eq!(
        app.value("#issue-form [data-field='quantity']").await,
        "1000"
    );
    assert_eq!(
        app.wait_for_text(&format!("[data-edition='{edition_id}'] .stock-value"), "97")
            .await,
        "97"
    );
    assert_eq!(bar_total(&app, &month).await, "3");
    snap(&app, "booklets-over-issue-refused").await;
    app.quit().await;

    let conn = store::open(&db).unwrap();
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM booklet_entries WHERE kind = 'issue'"
        ),
        3
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM booklet_entries WHERE kind = 'receipt'"
        ),
        1
    );
    assert_eq!(booklets::stock(&conn, &edition_id).unwrap(), 97);
}

#[tokio::test]
async fn an_issue_is_voided_with_a_reason_and_stays_visible() {
    let (_dir, db) = temp_db();
    {
        let mut conn = store::open(&db).unwrap();
        zaitaku_core::demo::fill(&mut conn, chrono::Local::now().naive_local()).unwrap();
    }
    // Who made the change comes from the sign-in, not from the page.
    let app = App::launch_locked(&db).await;
    app.sign_in_as("佐藤").await;
    app.click("a[data-view='booklets']").await;
    app.wait_for_text("#view h1", "意志表示帳").await;
    app.fill("#issue-form [data-field='quantity']", "2").await;
    app.click("#issue-submit").await;
    let done = app
        .wait_for_text("#message-text", "配布を記録しました")
        .await;
    assert!(done.contains("2冊"), "{done}");
    let stock_before: i64 = app
        .eval("return document.querySelector('.stock-card:last-child .stock-value').dataset.stock")
        .await
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    snap(&app, "booklets-demo").await;

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
    snap(&app, "booklets-voided").await;
    app.quit().await;
}
