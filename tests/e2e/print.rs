//! 印刷: the booklet preview shows the SVG pages with the cover title, a
//! character the font lacks is marked and named before saving, and 「PDFを
//! 保存」 writes a PDF with the text extractable.
//!
//! The native GTK save dialog cannot be driven through WebDriver: a build
//! with the `e2e` feature takes the path from ZAITAKU_E2E_SAVE_PATH instead
//! (see `choose_path` in src-tauri/src/commands/print.rs). Everything else —
//! the button, the command, the PDF written — is the real path.

use crate::harness::{demo_app_on, demo_db, pdf_text, App};
use crate::steps::ESCAPE;

async fn svg_pages(app: &App) -> i64 {
    app.eval("return document.querySelectorAll('#print-pages figure svg').length")
        .await
        .as_i64()
        .unwrap_or(0)
}

#[tokio::test]
async fn preview_the_booklet_mark_a_missing_character_and_save_the_pdf() {
    let (dir, db) = demo_db();
    let pdf = dir.path().join("冊子.pdf");
    // Inherited by tauri-driver and so by the app (tests run one at a time).
    std::env::set_var("ZAITAKU_E2E_SAVE_PATH", &pdf);
    let app = App::launch(&db).await;
    app.click("a[data-view='booklets']").await;
    app.click("#preview-booklet").await;
    app.wait_for_text("#print-pages", "私の意志表示帳").await;
    let pages = svg_pages(&app).await;
    assert!(pages >= 4 && pages % 4 == 0, "{pages} pages");
    app.wait_for_text("#print-title", &format!("（{pages}ページ）"))
        .await;
    app.wait_for_text("#print-pages", "わたしが大切にしていること")
        .await;
    app.snap("print-booklet-preview").await;

    app.click("#print-save").await;
    app.wait_for_text("#print-status", "保存しました").await;
    let bytes = std::fs::read(&pdf).expect("the PDF was written");
    assert!(bytes.starts_with(b"%PDF"));
    assert!(pdf_text(&pdf).contains("私の意志表示帳"));
    app.click("#print-close").await;
    assert_eq!(
        app.eval("return document.getElementById('print-overlay') === null")
            .await,
        serde_json::json!(true)
    );

    // An emoji in the title: the preview marks it and saving asks first.
    std::fs::remove_file(&pdf).unwrap();
    app.click("#template-editor summary").await;
    // WebKitWebDriver cannot type characters outside the BMP: set the value
    // as a paste would.
    app.eval(
        r##"const el = document.querySelector("#template-editor input[data-field='title']");
           el.value = '私の意志表示帳\u{1F600}';
           el.dispatchEvent(new Event('input'));
           return el.value;"##,
    )
    .await;
    app.click("#save-template").await;
    app.wait_for_text("#template-updated", "最終保存").await;
    app.click("#preview-booklet-imposed").await;
    let warning = app.wait_for_text("#print-missing", "😀").await;
    assert!(warning.contains("フォントにない"), "{warning}");
    let marks = app
        .eval("return document.querySelectorAll('#print-pages rect.missing-glyph').length")
        .await;
    assert_eq!(marks, serde_json::json!(1), "one mark on the cover");
    assert_eq!(svg_pages(&app).await, pages / 2, "two pages per A4 side");
    app.screenshot("print-booklet-missing-glyph").await;
    // WebKitWebDriver cannot read a dialog text outside the BMP either: the
    // question is captured by a stand-in confirm() that answers "no".
    app.eval("window.confirm = (q) => { window.lastQuestion = q; return false; }; return true;")
        .await;
    app.click("#print-save").await;
    let question = app.eval("return window.lastQuestion || ''").await;
    let question = question.as_str().unwrap_or_default();
    assert!(
        question.contains("😀") && question.contains("保存しますか"),
        "{question}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!pdf.exists(), "nothing saved when the user says no");
    std::env::remove_var("ZAITAKU_E2E_SAVE_PATH");
    app.quit().await;
}

#[tokio::test]
async fn a_planned_session_gets_its_flyer_with_the_reiwa_date() {
    let (_dir, _db, app) = demo_app_on(zaitaku_core::demo::DEFAULT_CASES, "lectures").await;
    let button = "#panel-upcoming [data-flyer]";
    app.wait_for(button).await;
    let label = app
        .eval(&format!(
            "return document.querySelector(\"{button}\").getAttribute('aria-label')"
        ))
        .await;
    // 令和7年12月3日（水）「…」のチラシを作成
    let date_label = label
        .as_str()
        .unwrap()
        .split('「')
        .next()
        .unwrap()
        .to_string();
    assert!(
        date_label.starts_with("令和") && date_label.ends_with('）'),
        "{date_label}"
    );
    app.click(button).await;
    app.wait_for_text("#print-pages", "お問い合わせ・お申し込み")
        .await;
    app.wait_for_text("#print-pages", &date_label).await;
    app.wait_for_text("#print-title", "（1ページ）").await;
    app.snap("print-session-flyer").await;
    // Escape closes the preview and gives focus back to the button.
    app.client
        .active_element()
        .await
        .unwrap()
        .send_keys(ESCAPE)
        .await
        .unwrap();
    assert_eq!(
        app.eval("return document.getElementById('print-overlay') === null")
            .await,
        serde_json::json!(true)
    );
    app.quit().await;
}

#[tokio::test]
async fn report_and_dementia_list_open_in_the_preview_and_save() {
    let (dir, db) = demo_db();
    let now = chrono::Local::now().naive_local();
    let last_year = zaitaku_core::period::Period::fiscal_of(now.date()).year - 1;
    let expected = {
        let conn = zaitaku_core::store::open(&db).unwrap();
        zaitaku_core::report::build(
            &conn,
            &zaitaku_core::report::ReportPeriod::Fiscal { year: last_year },
            now.date(),
        )
        .unwrap()
    };
    let pdf = dir.path().join("事業報告.pdf");
    std::env::set_var("ZAITAKU_E2E_SAVE_PATH", &pdf);
    let app = App::launch(&db).await;
    app.click("a[data-view='reports']").await;
    app.wait_for("#report-title").await;
    app.choose_value("#report-year", &last_year.to_string())
        .await;
    app.wait_for_text("#report-title", &expected.title).await;
    app.click("#report-pdf").await;
    app.wait_for_text("#print-pages", "用語の定義").await;
    app.wait_for_text(
        "#print-pages",
        &format!("{} 人", expected.consultations.persons),
    )
    .await;
    assert!(svg_pages(&app).await >= 2);
    app.snap("print-year-report-preview").await;
    app.click("#print-save").await;
    app.wait_for_text("#print-status", "保存しました").await;
    assert!(pdf_text(&pdf).contains("在宅医療・介護連携推進事業"));
    app.click("#print-close").await;

    app.click("a[data-view='registry']").await;
    app.click("#tab-dementia").await;
    app.wait_for("[data-testid='dementia-table']").await;
    app.click("#registry-print").await;
    app.wait_for_text("#print-pages", "もの忘れ相談医リスト")
        .await;
    app.wait_for_text("#print-pages", "医療機関名").await;
    app.snap("print-dementia-list-preview").await;
}
