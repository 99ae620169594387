//! 集計・報告: the screen shows, for a demo 年度, exactly the figures the core
//! computes for the same database; a year without data says so; an inverted
//! month range is refused next to 終了月.

use zaitaku_core::report::{self, ReportPeriod};
use zaitaku_core::store;

use crate::harness::{temp_db, App};

async fn snap(app: &App, name: &str) {
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    app.screenshot(name).await;
}

fn n(value: i64) -> String {
    // toLocaleString('ja-JP'): thousands separated by commas.
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

async fn choose_year(app: &App, year: i32) {
    app.eval(&format!(
        "const s = document.getElementById('report-year'); s.value = '{year}'; s.dispatchEvent(new Event('change')); return true;"
    ))
    .await;
}

#[tokio::test]
async fn the_demo_year_shows_the_core_figures() {
    let (_dir, db) = temp_db();
    let now = chrono::Local::now().naive_local();
    {
        let mut conn = store::open(&db).unwrap();
        zaitaku_core::demo::fill(&mut conn, now).unwrap();
    }
    // The demo cases cover the two years before today: last 年度 is full.
    let today = now.date();
    let last_year = zaitaku_core::booklets::Period::fiscal_of(today).year - 1;
    let expected = {
        let conn = store::open(&db).unwrap();
        report::build(&conn, &ReportPeriod::Fiscal { year: last_year }, today).unwrap()
    };
    let c = &expected.consultations;
    assert!(c.cases > 50, "the demo year has cases");

    let app = App::launch(&db).await;
    app.click("a[data-view='reports']").await;
    app.wait_for_text("#view h1", "集計・報告").await;
    app.wait_for("#report-title").await;
    choose_year(&app, last_year).await;
    app.wait_for_text("#report-title", &expected.title).await;

    let persons = app
        .wait_for_text("[data-testid='stat-persons'] .stat-value", &n(c.persons))
        .await;
    assert_eq!(persons, n(c.persons));
    let total = app
        .wait_for_text("[data-testid='stat-total']", &n(c.total))
        .await;
    assert!(
        total.contains(&format!(
            "受付 {}件＋経過記録 {}件",
            n(c.cases),
            n(c.entries)
        )),
        "{total}"
    );
    let minutes = format!("{:.1}", c.average_minutes.unwrap());
    app.wait_for_text("[data-testid='stat-minutes'] .stat-value", &minutes)
        .await;

    // Every month row of the table equals the core's.
    let rows = app
        .eval(
            "return [...document.querySelectorAll(\"[data-testid='report-months'] tbody tr\")]
               .map(tr => [...tr.children].map(td => td.textContent));",
        )
        .await;
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 12);
    for (row, m) in rows.iter().zip(&c.months) {
        let cells: Vec<&str> = row
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(
            cells,
            [
                m.name.clone(),
                n(m.persons),
                n(m.cases),
                n(m.entries),
                n(m.total)
            ],
            "month row"
        );
    }
    // The bars carry the same monthly 延べ件数.
    let bars = app
        .eval("return [...document.querySelectorAll('#report-month-chart g.chart-bar')].map(g => Number(g.dataset.total));")
        .await;
    let want: Vec<i64> = c.months.iter().map(|m| m.total).collect();
    assert_eq!(bars, serde_json::json!(want));
    let cities = app
        .wait_for_text("[data-testid='report-cities']", "鶴ヶ島市")
        .await;
    assert!(cities.contains(&n(c.cities[0].total)), "{cities}");
    app.wait_for_text(
        "[data-testid='report-booklets']",
        &format!("配布 {}冊", n(expected.awareness.booklets.issued)),
    )
    .await;
    app.wait_for_text("[data-testid='report-resources']", "23")
        .await;
    let lectures = expected.awareness.lectures.as_ref().unwrap();
    app.wait_for_text(
        "[data-testid='report-lectures-summary']",
        &format!(
            "実施 {}回・延べ参加者 {}人",
            n(lectures.sessions_held),
            n(lectures.participants)
        ),
    )
    .await;
    snap(&app, "reports-demo-year").await;
    for (css, name) in [
        ("#sec-o", "reports-consultations"),
        (".report-grid", "reports-shares"),
        ("#sec-ki", "reports-booklets"),
    ] {
        app.eval(&format!(
            "document.querySelector('{css}').scrollIntoView(); return true;"
        ))
        .await;
        snap(&app, name).await;
    }

    // A year without data: an empty report with a clear note, not an error.
    let next_year = last_year + 2;
    choose_year(&app, next_year).await;
    app.wait_for_text("[data-testid='report-note']", "記録がありません")
        .await;
    app.wait_for_text("[data-testid='stat-total'] .stat-value", "0")
        .await;
    snap(&app, "reports-empty-year").await;

    // An inverted month range is refused next to 終了月.
    app.eval("const k = document.querySelector('#report-form select[data-field=\"kind\"]'); k.value = 'months'; k.dispatchEvent(new Event('change')); return true;")
        .await;
    app.fill("#report-from", "2025-09").await;
    app.fill("#report-to", "2025-04").await;
    app.click("#report-run").await;
    app.wait_for_text("#report-form .field-error", "終了月は開始月と同じか後の月")
        .await;
    app.wait_for_text("#message-text", "終了月").await;
    snap(&app, "reports-bad-range").await;
    app.quit().await;
}
