//! ヘルプ (F1): opened over the screen the user is on, searched in
//! Japanese with any width or kana, closed with Esc back to where they were;
//! its PDF saved through the usual save path and recorded; readable on the
//! lock screen, where it saves nothing. Also takes the screenshots the
//! guide shows (.dev/help-screenshots.sh copies them to ui/help/).

use crate::harness::{db_number, demo_db, pdf_text, App};
use crate::steps::{ESCAPE, SCREENS};

/// WebDriver's code for the F1 key.
const F1: &str = "\u{E031}";

async fn help_is_open(app: &App) -> bool {
    app.eval("return document.getElementById('help') !== null")
        .await
        .as_bool()
        .unwrap_or(false)
}

/// Titles of the sections the help shows now.
async fn shown_sections(app: &App) -> Vec<String> {
    let titles = app
        .eval("return [...document.querySelectorAll('#help-content .help-heading')].map(h => h.textContent)")
        .await;
    serde_json::from_value(titles).unwrap_or_default()
}

#[tokio::test]
async fn f1_opens_the_help_its_search_finds_a_section_and_esc_returns_to_the_screen() {
    let (dir, db) = demo_db();
    let pdf = dir.path().join("手引き.pdf");
    // Inherited by tauri-driver and so by the app (tests run one at a time).
    std::env::set_var("ZAITAKU_E2E_SAVE_PATH", &pdf);
    let app = App::launch(&db).await;
    app.open_view("cases").await;
    app.press("#case-search", "さかど").await;
    app.press("#case-search", F1).await;
    app.wait_for_text("#help-toc", "サインインと権限").await;
    let all = shown_sections(&app).await;
    assert!(all.len() > 15, "{all:?}");
    assert!(!all.iter().any(|t| t.contains("developers")), "{all:?}");
    assert_eq!(
        app.eval("return document.activeElement.id").await,
        "help-search",
        "the search box has the focus"
    );
    app.snap("help-open").await;

    // Half-width katakana finds the full-width heading, marked.
    app.press("#help-search", "ｻｲﾝｲﾝと権限").await;
    app.wait_for_text("#help-count", "件の項目").await;
    let found = shown_sections(&app).await;
    assert!(found.iter().any(|t| t == "サインインと権限"), "{found:?}");
    assert!(found.len() < all.len(), "the search narrows: {found:?}");
    assert!(!found.iter().any(|t| t == "データの保存場所"), "{found:?}");
    let marked = app
        .eval("return [...document.querySelectorAll('#help-content mark')].map(m => m.textContent)")
        .await;
    assert!(marked.to_string().contains("サインインと権限"), "{marked}");
    app.snap("help-search").await;

    // A word in no section says so.
    app.eval("const s = document.getElementById('help-search'); s.value = ''; s.dispatchEvent(new Event('input')); return 0")
        .await;
    app.press("#help-search", "存在しない言葉ゼブラ").await;
    app.wait_for_text("#help-count", "見つかりません").await;

    // Esc: back on 相談記録, the typed search and its focus kept.
    app.press("#help-search", ESCAPE).await;
    app.wait_for_value(
        "document.getElementById('help') === null",
        serde_json::json!(true),
    )
    .await;
    assert_eq!(
        app.eval("return document.activeElement.id").await,
        "case-search"
    );
    assert_eq!(app.value("#case-search").await, "さかど");
    assert_eq!(app.eval("return location.hash").await, "#cases");

    // From the menu; the table of contents moves to a section.
    app.click("#open-help").await;
    app.wait_for("#help-toc a").await;
    app.click("#help-toc a[data-section='バックアップ']").await;
    app.wait_for_value(
        "document.activeElement.textContent",
        serde_json::json!("バックアップ"),
    )
    .await;

    // 「PDFで保存」: the guide as a PDF, recorded like every saved PDF.
    app.click("#help-pdf").await;
    app.wait_for_text("#help-status", "保存しました").await;
    let text = pdf_text(&pdf);
    for heading in ["利用の手引き", "サインインと権限", "バックアップ"] {
        assert!(text.contains(heading), "{heading} not in the PDF");
    }
    assert!(!text.contains("For developers"));
    assert_eq!(
        db_number(
            &db,
            "SELECT count(*) FROM access_log WHERE target = '在宅医療相談室デスク　利用の手引き'"
        ),
        1
    );
    std::env::remove_var("ZAITAKU_E2E_SAVE_PATH");
    app.press("#help-search", ESCAPE).await;
    assert!(!help_is_open(&app).await);
    app.quit().await;
}

#[tokio::test]
async fn the_lock_screen_has_the_help_but_not_its_pdf() {
    let (dir, db) = demo_db();
    let pdf = dir.path().join("locked.pdf");
    std::env::set_var("ZAITAKU_E2E_SAVE_PATH", &pdf);
    let app = App::launch_locked(&db).await;
    app.wait_for("#lock-help").await;
    app.snap("help-lock").await;
    app.press("#lock .lock-member", F1).await;
    app.wait_for_text("#help-toc", "サインインと権限").await;
    app.wait_for_text("#help-status", "サインインしてください")
        .await;
    app.click("#help-pdf").await;
    app.wait_for_text("#help-status", "ヘルプを閉じてサインインしてください")
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!pdf.exists(), "nothing saved behind the lock");
    std::env::remove_var("ZAITAKU_E2E_SAVE_PATH");
    app.press("#help-search", ESCAPE).await;
    app.wait_for_value(
        "document.getElementById('help') === null",
        serde_json::json!(true),
    )
    .await;
    // Back on the lock screen, which still asks who is working.
    app.wait_for("#lock:not([hidden]) .lock-member").await;
    app.click("#lock-help").await;
    app.wait_for("#help-search").await;
    app.quit().await;
}

/// The main screens on the demo data, for the guide's pictures.
#[tokio::test]
async fn screenshots_of_the_main_screens_for_the_guide() {
    let (_dir, db) = demo_db();
    let app = App::launch(&db).await;
    for (view, _) in SCREENS {
        app.open_view(view).await;
        app.snap(&format!("help-{view}")).await;
    }
    app.quit().await;
}
