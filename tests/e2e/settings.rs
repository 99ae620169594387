use zaitaku_core::{office, store};

use crate::harness::{temp_db, App};

async fn open_settings(app: &App) {
    app.click("a[data-view='settings']").await;
    app.wait_for_text("#view h1", "設定").await;
}

#[tokio::test]
async fn office_data_is_saved_and_shown_again_after_restart() {
    let (_dir, db) = temp_db();
    let app = App::launch(&db).await;
    open_settings(&app).await;
    app.fill("[data-field='name']", "坂戸鶴ヶ島医師会 在宅医療相談室")
        .await;
    app.fill("[data-field='postal_code']", "350-0214").await;
    app.fill("[data-field='address']", "埼玉県坂戸市千代田一丁目1番地")
        .await;
    // Typed with full-width digits, as a Japanese IME often does.
    app.fill("[data-field='phone']", "０４９－２８３－１２３４")
        .await;
    app.fill("[data-field='fax']", "049-283-1235").await;
    app.fill("[data-field='contact_person']", "山田 花子").await;
    app.click("#add-city").await;
    app.fill("[data-field='cities.0.name']", "坂戸市").await;
    app.click(".city button.secondary").await;
    app.fill("[data-field='cities.0.areas.0.name']", "入西圏域")
        .await;
    app.click("#add-city").await;
    app.fill("[data-field='cities.1.name']", "鶴ヶ島市").await;
    app.click("#save-settings").await;
    app.wait_for_text("#message-text", "保存しました").await;
    // The stored, normalised phone number is what the form now shows.
    assert_eq!(app.value("[data-field='phone']").await, "049-283-1234");
    assert_eq!(
        app.wait_for_text("#sidebar-office", "在宅医療相談室").await,
        "坂戸鶴ヶ島医師会 在宅医療相談室"
    );
    app.screenshot("settings-saved").await;
    app.quit().await;

    let app = App::launch(&db).await;
    open_settings(&app).await;
    assert_eq!(
        app.value("[data-field='name']").await,
        "坂戸鶴ヶ島医師会 在宅医療相談室"
    );
    assert_eq!(app.value("[data-field='postal_code']").await, "350-0214");
    assert_eq!(
        app.value("[data-field='address']").await,
        "埼玉県坂戸市千代田一丁目1番地"
    );
    assert_eq!(app.value("[data-field='phone']").await, "049-283-1234");
    assert_eq!(app.value("[data-field='fax']").await, "049-283-1235");
    assert_eq!(
        app.value("[data-field='contact_person']").await,
        "山田 花子"
    );
    assert_eq!(app.value("[data-field='cities.0.name']").await, "坂戸市");
    assert_eq!(
        app.value("[data-field='cities.0.areas.0.name']").await,
        "入西圏域"
    );
    assert_eq!(app.value("[data-field='cities.1.name']").await, "鶴ヶ島市");
    app.wait_for_text("#updated-label", "最終保存：令和").await;
    app.quit().await;
}

#[tokio::test]
async fn an_invalid_phone_number_is_refused_and_nothing_is_saved() {
    let (_dir, db) = temp_db();
    let app = App::launch(&db).await;
    open_settings(&app).await;
    app.fill("[data-field='name']", "テスト相談室").await;
    app.fill("[data-field='phone']", "abc-123").await;
    app.click("#save-settings").await;
    let message = app.wait_for_text("#message-text", "電話番号は").await;
    assert!(message.contains("10桁か11桁"), "{message}");
    // The same message next to the field, tied to it for screen readers.
    let inline = app.wait_for_text(".field-error", "電話番号は").await;
    assert_eq!(inline, message);
    let described = app
        .eval("const i = document.querySelector(\"[data-field='phone']\"); return [i.getAttribute('aria-invalid'), i.getAttribute('aria-describedby'), document.activeElement === i];")
        .await;
    assert_eq!(described[0], "true");
    assert!(
        described[1].as_str().unwrap_or("").contains("-error"),
        "{described}"
    );
    assert_eq!(described[2], true, "focus should move to the bad field");
    // What was typed is still there to correct.
    assert_eq!(app.value("[data-field='name']").await, "テスト相談室");
    assert_eq!(app.value("[data-field='phone']").await, "abc-123");
    app.screenshot("settings-invalid-phone").await;
    app.quit().await;

    let conn = store::open(&db).unwrap();
    let stored = office::load(&conn).unwrap();
    assert_eq!(
        stored.name, "",
        "nothing may be saved when the phone is invalid"
    );
    assert_eq!(stored.updated_at, None);
}

#[tokio::test]
async fn removing_an_area_can_be_undone_before_saving() {
    let (_dir, db) = temp_db();
    {
        let mut conn = store::open(&db).unwrap();
        zaitaku_core::demo::fill(&mut conn, chrono::Local::now().naive_local()).unwrap();
    }
    let app = App::launch(&db).await;
    open_settings(&app).await;
    let first_area = app.value("[data-field='cities.0.areas.0.name']").await;
    app.click(".city .areas .danger-link").await;
    app.wait_for_text("#message-text", "一覧から外しました")
        .await;
    assert_ne!(
        app.value("[data-field='cities.0.areas.0.name']").await,
        first_area
    );
    // 変更を取り消す asks for confirmation, then shows the stored list again.
    app.click("#revert-settings").await;
    assert!(app.dialog_text().await.contains("取り消して"));
    app.client.accept_alert().await.unwrap();
    app.wait_for_text("#message-text", "保存済みの内容に戻しました")
        .await;
    assert_eq!(
        app.value("[data-field='cities.0.areas.0.name']").await,
        first_area
    );
    app.quit().await;
}
