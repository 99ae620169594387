//! 講座: create a session from a catalogue theme, enter the tallies of the
//! paper questionnaires (an inconsistent one refused, naming the question),
//! and see the indicator's 浸透度 chart and figures change.

use chrono::{Datelike, Days, NaiveDate};
use fantoccini::Locator;
use serde_json::json;

use crate::harness::{db_text, demo_app_on, demo_db_with_cases, App};

/// The first day of the fiscal half-year (上期 4月, 下期 10月) of `day`.
fn half_start(day: NaiveDate) -> String {
    let (year, month) = match day.month() {
        4..=9 => (day.year(), 4),
        10..=12 => (day.year(), 10),
        _ => (day.year() - 1, 10),
    };
    format!("{year:04}-{month:02}-01")
}

/// The 浸透度 bar of the half-year starting `key`: its share, "" for a
/// half-year without answers.
async fn wait_for_share(app: &App, key: &str, want: &str) {
    app.wait_for_value(
        &format!("document.querySelector(\"#awareness-chart g.chart-bar[data-key='{key}']\")?.dataset.share ?? 'missing'"),
        json!(want),
    )
    .await;
}

#[tokio::test]
async fn a_session_from_a_theme_its_tallies_and_the_indicator() {
    let (_dir, db) = demo_db_with_cases(0);
    // The catalogue, venues and template stay; the sessions go (a demo
    // training's questionnaire too), so the chart starts empty and the
    // change is unmistakable.
    zaitaku_core::store::open(&db)
        .unwrap()
        .execute_batch("UPDATE meetings SET lecture_session_id = NULL; DELETE FROM lecture_comments; DELETE FROM lecture_tallies; DELETE FROM lecture_sessions;")
        .unwrap();
    let theme_id = db_text(&db, "SELECT id FROM lecture_themes WHERE number = 3");
    let yesterday = chrono::Local::now().date_naive() - Days::new(1);
    let key = half_start(yesterday);

    let app = App::launch(&db).await;
    app.open_view("lectures").await;
    app.wait_for_text("#panel-upcoming", "予定の開催はありません")
        .await;

    app.click("#tab-indicator").await;
    app.wait_for("#awareness-chart svg").await;
    wait_for_share(&app, &key, "").await;
    app.wait_for_text("#fig-held", "0回").await;

    // カタログ: 「開催を作成」 on theme 3 opens the form with the theme chosen.
    app.click("#tab-catalogue").await;
    app.click(&format!("[data-from-theme='{theme_id}']")).await;
    app.wait_for("#session-form").await;
    assert_eq!(
        app.value("#session-form [data-field='theme_id']").await,
        theme_id
    );
    app.fill_fields(
        "#session-form",
        &[
            ("session_date", &yesterday.format("%Y-%m-%d").to_string()),
            ("start_time", "１４：００"),
            ("end_time", "15:30"),
            ("capacity", "30"),
            ("attendees", "25"),
            ("requesting_group", "千代田地区老人クラブ連合会"),
        ],
    )
    .await;
    // Saved as 予定 first: yesterday's session offers 集計入力, which asks
    // for it to be marked 実施済 and opens no tally form.
    assert_eq!(
        app.value("#session-form [data-field='status']").await,
        "予定"
    );
    app.click_for_message("#save-session", "開催を保存しました")
        .await;
    app.click("#tab-past").await;
    app.wait_for_text("#panel-past", "人生会議（ACP）はじめの一歩")
        .await;
    app.wait_for_text("#past-totals", "実施 0回・延べ参加者 0人（一覧 1件）")
        .await;
    app.click_for_message("#panel-past [data-tally]", "「実施済」の開催にだけ")
        .await;
    assert_eq!(app.count("#tally-form").await, 0);

    app.click("#panel-past .row-actions button").await;
    app.wait_for("#session-form").await;
    app.choose_value("#session-form [data-field='status']", "実施済")
        .await;
    let saved = app
        .click_for_message("#save-session", "開催を保存しました")
        .await;
    assert!(saved.contains("人生会議（ACP）はじめの一歩"), "{saved}");

    // 実施済: the session is counted; open its tally form.
    app.wait_for_text("#past-totals", "実施 1回・延べ参加者 25人")
        .await;
    app.click("#panel-past [data-tally]").await;
    app.wait_for("#tally-form").await;
    app.fill("#tally-form [data-field='forms_returned']", "20")
        .await;
    // Counts in form order (Tab order): 理解度 4, 満足度 4, 地域包括ケア 3,
    // かかりつけ医 2, ACP 4. 満足度 adds up to 21 of 20 forms.
    let counts = [
        "10", "8", "2", "0", "12", "6", "2", "1", "15", "3", "2", "14", "6", "5", "5", "5", "5",
    ];
    let inputs = app
        .client
        .find_all(Locator::Css("#tally-form .tally-choice input"))
        .await
        .unwrap();
    assert_eq!(inputs.len(), counts.len());
    for (input, n) in inputs.iter().zip(counts) {
        input.send_keys(n).await.unwrap();
    }
    app.wait_for_text("#live-rate", "回収率 80.0%").await;
    app.wait_for_text("#tally-form .tally-sum.over", "回収数を超えています")
        .await;
    app.snap("lectures-tally-inconsistent").await;
    app.click("#save-tally").await;
    let refused = app.refused("#tally-form", "「満足度」").await;
    assert!(refused.contains("21"), "{refused}");
    assert_eq!(
        db_text(&db, "SELECT CAST(count(*) AS TEXT) FROM lecture_tallies"),
        "0"
    );

    // Corrected: the last 満足度 count is 0.
    inputs[7].clear().await.unwrap();
    inputs[7].send_keys("0").await.unwrap();
    let done = app
        .click_for_message("#save-tally", "集計を保存しました")
        .await;
    assert!(done.contains("回収率 80.0%"), "{done}");
    app.wait_for_text("#panel-past", "80.0%").await;

    // 指標: the 浸透度 bar of this half-year is now 15 of 20 answers.
    app.click("#tab-indicator").await;
    app.wait_for("#awareness-chart svg").await;
    wait_for_share(&app, &key, "0.7500").await;
    app.wait_for_text("#fig-held", "1回").await;
    app.wait_for_text("#fig-participants", "25人").await;
    app.wait_for_text("#fig-rate", "80.0%").await;
    let label = app
        .eval(&format!(
            "return document.querySelector(\"#awareness-chart g.chart-bar[data-key='{key}'] .chart-total\").textContent"
        ))
        .await;
    assert_eq!(label, "75.0%");
    let understood = app
        .eval("return document.querySelector(\"#share-chart g.chart-row[data-key='理解度']\").dataset.answered")
        .await;
    assert_eq!(understood, "20");
    app.snap("lectures-indicator").await;

    app.click("#tab-upcoming").await;
    app.snap("lectures-upcoming").await;
    app.quit().await;

    assert_eq!(
        db_text(&db, "SELECT CAST(sum(count) AS TEXT) FROM lecture_tallies"),
        "100"
    );
    assert_eq!(
        db_text(&db, "SELECT requesting_group || '/' || start_time || '/' || forms_returned FROM lecture_sessions"),
        "千代田地区老人クラブ連合会/14:00/20"
    );
}

#[tokio::test]
async fn demo_calendar_indicator_and_a_new_questionnaire_version() {
    let (_dir, db, app) = demo_app_on(0, "lectures").await;
    // 予定: months as headings, each session with its weekday in kanji.
    app.wait_for("#panel-upcoming .calendar-month h2").await;
    let heading = app
        .wait_for_text("#panel-upcoming .calendar-month h2", "月")
        .await;
    assert!(heading.starts_with("令和"), "{heading}");
    let weekday = app.wait_for_text("#panel-upcoming .weekday", "（").await;
    assert!(
        ["（月）", "（火）", "（水）", "（木）", "（金）", "（土）"].contains(&weekday.as_str()),
        "{weekday}"
    );
    app.snap("lectures-demo-upcoming").await;

    app.click("#tab-past").await;
    app.wait_for_text("#past-totals", "延べ参加者").await;
    app.snap("lectures-demo-past").await;

    // 指標: six half-years, the demo's awareness is counted in the recent ones.
    app.click("#tab-indicator").await;
    app.wait_for("#awareness-chart svg").await;
    let bars = app
        .eval("return document.querySelectorAll('#awareness-chart g.chart-bar').length")
        .await;
    assert_eq!(bars, 6);
    let with_share = app
        .eval("return [...document.querySelectorAll('#awareness-chart g.chart-bar')].filter(g => g.dataset.share !== '').length")
        .await;
    assert!(with_share.as_i64().unwrap() >= 3, "{with_share}");
    app.snap("lectures-demo-indicator").await;
    app.eval("document.getElementById('share-chart').scrollIntoView(); return null;")
        .await;
    app.snap("lectures-demo-shares").await;

    // アンケート様式: it has answers, so an edit becomes 第2版.
    app.click("#tab-questionnaire").await;
    app.wait_for_text("#version-notice", "第2版として保存")
        .await;
    app.fill(
        "#questionnaire-form [data-field='question_1']",
        "講座の満足度",
    )
    .await;
    app.click("#save-questionnaire").await;
    assert!(app.dialog_text().await.contains("第2版"));
    app.client.accept_alert().await.unwrap();
    app.wait_for_text("#message-text", "第2版）を保存しました")
        .await;
    app.snap("lectures-demo-questionnaire").await;
    app.quit().await;

    assert_eq!(
        db_text(&db, "SELECT group_concat(version || ':' || (superseded_at IS NULL), ',') FROM (SELECT * FROM questionnaires ORDER BY version)"),
        "1:0,2:1"
    );
}
