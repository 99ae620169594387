//! 集計・報告: the screen shows, for a demo 年度, exactly the figures the core
//! computes for the same database; a year without data says so; an inverted
//! month range is refused next to 終了月.

use zaitaku_core::report::{self, ReportPeriod};
use zaitaku_core::store;

use crate::harness::{demo_db, App};

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
    app.choose_value("#report-year", &year.to_string()).await;
}

#[tokio::test]
async fn the_demo_year_shows_the_core_figures() {
    let (_dir, db) = demo_db();
    let now = chrono::Local::now().naive_local();
    // The demo cases cover the two years before today: last 年度 is full.
    let today = now.date();
    let last_year = zaitaku_core::period::Period::fiscal_of(today).year - 1;
    let expected = {
        let conn = store::open(&db).unwrap();
        report::build(&conn, &ReportPeriod::Fiscal { year: last_year }, today).unwrap()
    };
    let c = &expected.consultations;
    assert!(c.cases > 50, "the demo year has cases");

    let app = App::launch(&db).await;
    app.open_view("reports").await;
    app.wait_for("#report-title").await;
    // It opens on this 年度, offering the years the core names.
    let options = zaitaku_core::period::options(today);
    assert_eq!(
        app.value("#report-year").await,
        options.current_year.to_string()
    );
    let offered = app
        .eval("return [...document.querySelectorAll('#report-year option')].map(o => [Number(o.value), o.textContent]);")
        .await;
    let want: Vec<(i32, &str)> = options
        .fiscal_years
        .iter()
        .map(|y| (y.year, y.label.as_str()))
        .collect();
    assert_eq!(offered, serde_json::json!(want));
    assert!(
        offered.to_string().contains("令和元年度（2019年4月〜）") || options.current_year > 2034,
        "{offered}"
    );
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
            "受付 {}件＋連絡・対応 {}件（メモ {}件は含めない）",
            n(c.cases),
            n(c.entries),
            n(c.memos)
        )),
        "{total}"
    );
    let persons_split = app
        .wait_for_text("[data-testid='stat-persons']", "新規")
        .await;
    assert!(
        persons_split.contains(&format!(
            "新規 {}人・継続 {}人",
            n(c.new_persons),
            n(c.continuing_persons)
        )),
        "{persons_split}"
    );
    // The 4つの場面, 対応 and 転帰 tables have the core's rows.
    for (testid, tallies) in [
        ("report-scenes", &c.scenes),
        ("report-responses", &c.responses),
        ("report-outcomes", &c.outcomes),
    ] {
        let names = app
            .eval(&format!(
                "return [...document.querySelectorAll(\"[data-testid='{testid}'] tbody th\")].map(th => th.textContent);"
            ))
            .await;
        let want: Vec<&str> = tallies.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, serde_json::json!(want), "{testid}");
    }
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
    // 名簿 as of the year's end (today while it runs), from the core.
    app.wait_for_text("section[aria-labelledby='sec-a']", &expected.resources_on)
        .await;
    let first_row = app
        .eval("return [...document.querySelector(\"[data-testid='report-resources'] tbody tr\").children].map(c => c.textContent.trim());")
        .await;
    assert_eq!(
        first_row,
        serde_json::json!(["往診登録医", n(expected.resources.doctors)])
    );
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
    app.snap("reports-demo-year").await;
    for (css, name) in [
        ("#sec-o", "reports-consultations"),
        (".report-grid", "reports-shares"),
        ("#sec-ki", "reports-booklets"),
    ] {
        app.eval(&format!(
            "document.querySelector('{css}').scrollIntoView(); return true;"
        ))
        .await;
        app.snap(name).await;
    }

    // A year without data: an empty report with a clear note, not an error.
    let next_year = last_year + 2;
    choose_year(&app, next_year).await;
    app.wait_for_text("[data-testid='report-note']", "記録がありません")
        .await;
    app.wait_for_text("[data-testid='stat-total'] .stat-value", "0")
        .await;
    app.snap("reports-empty-year").await;

    // The year chosen last is kept while the app runs.
    app.open_view("cases").await;
    app.open_view("reports").await;
    app.wait_for_text("[data-testid='report-note']", "記録がありません")
        .await;
    assert_eq!(app.value("#report-year").await, next_year.to_string());

    // A month range starts as this 年度's months.
    app.choose_value("#report-form select[data-field='kind']", "months")
        .await;
    assert_eq!(
        (
            app.value("#report-from").await,
            app.value("#report-to").await
        ),
        (options.current_from.clone(), options.current_to.clone())
    );

    // An inverted month range is refused next to 終了月.
    app.fill("#report-from", "2025-09").await;
    app.fill("#report-to", "2025-04").await;
    app.click("#report-run").await;
    app.refused("#report-form", "終了月は開始月と同じか後の月")
        .await;
    app.snap("reports-bad-range").await;
    app.quit().await;
}

/// 「Excelで保存」 writes the chosen 年度's workbook into the ダウンロード
/// folder; a real reader finds the core's figures in it as numbers, and the
/// export is in the access log under its file name.
#[tokio::test]
async fn the_excel_button_saves_the_years_workbook() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let (_dir, db) = demo_db();
    let today = chrono::Local::now().date_naive();
    let last_year = zaitaku_core::period::Period::fiscal_of(today).year - 1;
    let expected = {
        let conn = store::open(&db).unwrap();
        report::build(&conn, &ReportPeriod::Fiscal { year: last_year }, today).unwrap()
    };

    let app = App::launch(&db).await;
    app.open_view("reports").await;
    choose_year(&app, last_year).await;
    app.wait_for_text("#report-title", &expected.title).await;
    let message = app
        .click_for_message("#report-xlsx", "Excelファイルを保存しました")
        .await;
    app.snap("reports-excel-saved").await;
    app.quit().await;

    // 「…保存しました：<path>　このファイルは暗号化されていません。…」
    let (saved, notice) = message.split_once('　').expect("the notice after the path");
    assert!(
        notice.starts_with("このファイルは暗号化されていません"),
        "{notice}"
    );
    let path = std::path::PathBuf::from(saved.split_once('：').expect("the path").1.trim());
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with(&format!("事業報告_{}_", expected.period_label))
            && name.ends_with(".xlsx"),
        "{name}"
    );
    let mut book: Xlsx<_> = open_workbook(&path).expect("the saved workbook opens");
    let _ = std::fs::remove_file(&path);
    let sheet = book
        .worksheet_range("オ 在宅医療・介護連携に関する相談支援")
        .unwrap();
    let figure = |name: &str| {
        sheet
            .rows()
            .find(|r| r[0] == Data::String("合計".into()) && r[1] == Data::String(name.into()))
            .map(|r| r[3].clone())
    };
    let c = &expected.consultations;
    assert_eq!(figure("実人数"), Some(Data::Float(c.persons as f64)));
    assert_eq!(figure("延べ件数"), Some(Data::Float(c.total as f64)));
    assert_eq!(
        crate::harness::db_number(
            &db,
            &format!(
                "SELECT count(*) FROM access_log WHERE kind = 'csv_export' AND target = '{name}'"
            )
        ),
        1
    );
}

#[tokio::test]
async fn the_report_switches_to_one_city_and_back() {
    let (_dir, db) = demo_db();
    let today = chrono::Local::now().date_naive();
    let last_year = zaitaku_core::period::Period::fiscal_of(today).year - 1;
    let period = ReportPeriod::Fiscal { year: last_year };
    let (whole, sakado, sakado_id) = {
        let conn = store::open(&db).unwrap();
        let city = report::city_by_name(&conn, "坂戸市").unwrap();
        (
            report::build(&conn, &period, today).unwrap(),
            report::build_for(&conn, &period, Some(&city), today).unwrap(),
            city.id,
        )
    };
    let (w, s) = (&whole.consultations, &sakado.consultations);
    assert!(
        s.cases > 0 && s.cases < w.cases,
        "坂戸市 has part of the cases"
    );

    let app = App::launch(&db).await;
    app.open_view("reports").await;
    app.wait_for("#report-title").await;
    choose_year(&app, last_year).await;
    app.wait_for_text("#report-title", &whole.title).await;
    // The choices are 全体, the office's cities and 市外.
    let offered = app
        .eval(
            "return [...document.querySelectorAll('#report-city option')].map(o => o.textContent);",
        )
        .await;
    assert_eq!(
        offered,
        serde_json::json!(["全体", "坂戸市", "鶴ヶ島市", "市外"])
    );

    app.choose_value("#report-city", &sakado_id).await;
    let title = app.wait_for_text("#report-title", "（坂戸市）").await;
    assert_eq!(title, sakado.title);
    let persons = app
        .eval("return document.querySelector(\"[data-testid='stat-persons'] .stat-value\").textContent;")
        .await;
    assert_eq!(persons, serde_json::json!(n(s.persons)));
    app.wait_for_text(
        "[data-testid='stat-total']",
        &format!("受付 {}件＋連絡・対応 {}件", n(s.cases), n(s.entries)),
    )
    .await;
    // What the city's report covers is printed with the definitions.
    app.wait_for_text(".definitions", "受付時に記録した対象者の市が坂戸市の相談")
        .await;
    app.snap("reports-one-city").await;

    app.choose_value("#report-city", "").await;
    app.wait_for_value(
        "document.querySelector('#report-title').textContent",
        serde_json::json!(whole.title),
    )
    .await;
    let persons = app
        .eval("return document.querySelector(\"[data-testid='stat-persons'] .stat-value\").textContent;")
        .await;
    assert_eq!(persons, serde_json::json!(n(w.persons)));
    app.quit().await;
}

/// 設定 › 報告の設定: the 浸透度 rule a 管理者 chooses is kept for the office
/// and printed in the report's definitions.
#[tokio::test]
async fn the_awareness_rule_chosen_in_settings_is_printed_in_the_report() {
    let (_dir, db, app) = crate::harness::demo_app_on(0, "settings").await;
    app.wait_for_text("#report-settings-title", "報告の設定")
        .await;
    app.choose_value("#awareness-rule", "first_two").await;
    app.click_for_message(
        "#save-report-settings",
        "浸透度に数える答えを「最初の2つの選択肢（知っている・聞いたことはある）」にしました",
    )
    .await;
    let conn = zaitaku_core::store::open(&db).unwrap();
    assert_eq!(
        zaitaku_core::report::settings(&conn)
            .unwrap()
            .awareness_rule,
        zaitaku_core::lectures::AwarenessRule::FirstTwo
    );
    app.open_view("reports").await;
    app.wait_for_text(
        "section[aria-labelledby='sec-def']",
        "最初の2つの選択肢（知っている・聞いたことはある）を選んだ人の割合",
    )
    .await;
    app.quit().await;
}

/// 設定 › 報告の設定 › 見出しと行の名前: a city's wording of a heading and
/// a row shows on the report screen.
#[tokio::test]
async fn the_citys_wording_set_in_settings_shows_on_the_report() {
    let (_dir, db, app) = crate::harness::demo_app_on(0, "settings").await;
    app.wait_for("#report-labels-form").await;
    app.click("#report-labels-form summary").await;
    app.fill(
        "#report-labels-form input[aria-label='ア 地域の医療・介護の資源の把握']",
        "ア 医療・介護資源の把握",
    )
    .await;
    app.fill(
        "#report-labels-form input[aria-label='往診登録医']",
        "在宅医療協力医",
    )
    .await;
    app.click_for_message(
        "#save-report-labels",
        "見出しと名前を保存しました（2か所を変更）",
    )
    .await;
    let stored = crate::harness::db_text(
        &db,
        "SELECT value FROM report_settings WHERE key = 'label:往診登録医'",
    );
    assert_eq!(stored, "在宅医療協力医");
    app.open_view("reports").await;
    app.wait_for_text("#sec-a", "ア 医療・介護資源の把握").await;
    app.wait_for_text("[data-testid='report-resources']", "在宅医療協力医")
        .await;
    app.snap("reports-city-wording").await;
    app.quit().await;
}
