use crate::harness::{demo_db_with_cases, temp_db, App};
use crate::steps::SCREENS;

/// The app on the demo office (no cases), signed in, on its first screen.
async fn new_office() -> (tempfile::TempDir, App) {
    let (dir, db) = demo_db_with_cases(0);
    let app = App::launch(&db).await;
    app.wait_for_text("#view h1", "相談記録").await;
    (dir, app)
}

#[tokio::test]
async fn window_is_japanese_and_every_screen_opens_from_the_menu() {
    let (_dir, app) = new_office().await;
    assert_eq!(app.client.title().await.unwrap(), "在宅医療相談室デスク");
    for (view, title) in SCREENS {
        app.open_view(view).await;
        let placeholders = app
            .eval(
                "return String(document.querySelectorAll(\"[data-testid='placeholder']\").length)",
            )
            .await;
        assert_eq!(placeholders, "0", "{title} still shows a placeholder");
        let current = app
            .eval(&format!("return document.querySelector(\"a[data-view='{view}']\").getAttribute('aria-current')"))
            .await;
        assert_eq!(
            current, "page",
            "{view} is not marked as the current screen"
        );
    }
    app.screenshot("every-screen").await;
    app.quit().await;
}

#[tokio::test]
async fn bundled_japanese_font_is_loaded() {
    let (_dir, app) = new_office().await;
    // The font comes from the app itself (zfont: protocol) and passes the CSP.
    let mut status = serde_json::Value::Null;
    for _ in 0..50 {
        status = app
            .eval(
                "const f = [...document.fonts].find(f => f.family.replace(/\"/g, '') === 'ZaitakuGothic');
                 if (f && f.status === 'unloaded') f.load();
                 return f ? f.status : 'missing';",
            )
            .await;
        if status == "loaded" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, "loaded");
    let renders = app
        .eval("return document.fonts.check('16px ZaitakuGothic', '在宅医療相談室');")
        .await;
    assert_eq!(renders, true);
    app.quit().await;
}

#[tokio::test]
async fn keyboard_shortcuts_switch_screens() {
    let (_dir, app) = new_office().await;
    let body = app.wait_for("body").await;
    // Ctrl+1 → 相談記録 (WebDriver key codes: \u{E009} is Control).
    body.send_keys("\u{E009}1\u{E000}").await.unwrap();
    app.wait_for_text("#view h1", "相談記録").await;
    body.send_keys("\u{E009}6\u{E000}").await.unwrap();
    app.wait_for_text("#view h1", "設定").await;
    body.send_keys("\u{E009}7\u{E000}").await.unwrap();
    app.wait_for_text("#view h1", "会議・研修").await;
    app.quit().await;
}

#[tokio::test]
async fn a_database_from_a_newer_version_is_refused_on_screen() {
    let (_dir, db) = temp_db();
    {
        let conn = zaitaku_core::store::open(&db).unwrap();
        conn.pragma_update(
            None,
            "user_version",
            zaitaku_core::store::SCHEMA_VERSION + 1,
        )
        .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let app = App::launch(&db).await;
    let text = app.wait_for_text(".startup-error", "新しい版").await;
    assert!(text.contains("データベースを開けませんでした"), "{text}");
    app.screenshot("startup-error").await;
    app.quit().await;
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the newer database was modified"
    );
}
