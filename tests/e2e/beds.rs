//! 療養支援ベッド: today's bed at the top of 名簿, the rota calendar, a stay
//! entered from a day of the calendar (the hospital defaults to that day's
//! holder), refused when it overlaps, listed, and counted in the figures.

use zaitaku_core::beds;
use zaitaku_core::period::ReportPeriod;
use zaitaku_core::store;

use crate::harness::{db_text, demo_db_with_cases, App};

#[tokio::test]
async fn a_stay_entered_from_the_rota_calendar_is_listed_and_counted() {
    let (_dir, db) = demo_db_with_cases(40);
    let today = chrono::Local::now().date_naive();
    let day = today.format("%Y-%m-%d").to_string();
    let holder = db_text(
        &db,
        &format!("SELECT b.hospital FROM bed_rota r JOIN support_beds b ON b.id = r.bed_id WHERE r.day = '{day}'"),
    );
    let holder_id = db_text(
        &db,
        &format!("SELECT bed_id FROM bed_rota WHERE day = '{day}'"),
    );
    // The demo registration no stay has used yet.
    let person = db_text(
        &db,
        "SELECT person_id FROM bed_registrations g
          WHERE NOT EXISTS (SELECT 1 FROM bed_stays s WHERE s.person_id = g.person_id)",
    );
    let name = db_text(
        &db,
        &format!("SELECT name FROM persons WHERE id = '{person}'"),
    );
    let reason = db_text(
        &db,
        "SELECT id FROM bed_stay_reasons WHERE name = 'レスパイト'",
    );

    let app = App::launch(&db).await;
    app.open_view("registry").await;
    app.wait_for_text("[data-testid='today-bed']", &holder)
        .await;

    // The calendar of this month, today's cell naming its holder.
    app.click("#tab-bed-rota").await;
    let cell = format!("td[data-day='{day}']");
    app.wait_for_text(&format!("{cell} [data-testid='rota-hospital']"), &holder)
        .await;
    app.snap("beds-rota").await;

    // A stay from today's cell: the hospital is the day's holder.
    app.click(&format!("{cell} .rota-stay")).await;
    app.wait_for("#stay-form").await;
    assert_eq!(
        app.value("#stay-form [data-field='bed_id']").await,
        holder_id
    );
    app.choose_value("#stay-form [data-field='person_id']", &person)
        .await;
    app.choose_value("#stay-form [data-field='reason_id']", &reason)
        .await;
    app.snap("beds-stay-form").await;
    app.click_for_message("#stay-form-save", &format!("{name}さんの利用"))
        .await;
    app.wait_for_text(&cell, "入院1件").await;

    // The same person again the same day: refused, the reason by 入院日.
    app.click(&format!("{cell} .rota-stay")).await;
    app.wait_for("#stay-form").await;
    app.choose_value("#stay-form [data-field='person_id']", &person)
        .await;
    app.choose_value("#stay-form [data-field='reason_id']", &reason)
        .await;
    app.click("#stay-form-save").await;
    app.refused("#stay-form", "期間が重なっています").await;
    app.snap("beds-stay-refused").await;

    // Listed, still in hospital.
    app.click("#tab-bed-stays").await;
    let table = app.wait_for_text("[data-testid='stay-table']", &name).await;
    assert!(table.contains("入院中"), "{table}");
    assert!(table.contains(&holder), "{table}");
    app.snap("beds-stays").await;

    // Counted in this 年度's figures, as the core counts them.
    let conn = store::open(&db).unwrap();
    let year = zaitaku_core::period::Period::fiscal_of(today)
        .range()
        .0
        .format("%Y")
        .to_string();
    let figures = beds::figures(
        &conn,
        &ReportPeriod::Fiscal {
            year: year.parse().unwrap(),
        },
        today,
    )
    .unwrap();
    let saved: i64 = conn
        .query_row(
            "SELECT count(*) FROM bed_stays WHERE person_id = ?1 AND admitted_on = ?2",
            [&person, &day],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(saved, 1);
    app.click("#tab-bed-figures").await;
    app.wait_for_text(
        "[data-testid='bed-figures-stays']",
        &format!("{}件", figures.stays),
    )
    .await;
    app.wait_for_text(
        "[data-testid='bed-figures-days']",
        &format!("{}日", figures.days),
    )
    .await;
    app.snap("beds-figures").await;
    // The yearly report on screen carries the same section.
    app.open_view("reports").await;
    let section = app
        .wait_for_text("[data-testid='report-beds']", "療養支援ベッド")
        .await;
    assert!(
        section.contains(&format!("{}件", figures.stays)),
        "{section}"
    );
    app.open_view("registry").await;

    // 事前登録: the list warns of the expired and the soon-expiring.
    app.click("#tab-bed-registrations").await;
    let count = app
        .wait_for_text("[data-testid='registration-count']", "12件")
        .await;
    assert!(
        count.contains("期限切れ 1件") && count.contains("30日以内に期限 1件"),
        "{count}"
    );
    app.snap("beds-registrations").await;
    app.quit().await;
}

#[tokio::test]
async fn a_patient_found_among_the_case_persons_is_registered_with_a_consent_date() {
    let (_dir, db) = demo_db_with_cases(40);
    let name = db_text(
        &db,
        "SELECT name FROM persons WHERE id NOT IN (SELECT person_id FROM bed_registrations)
          ORDER BY kana_key LIMIT 1",
    );
    let app = App::launch(&db).await;
    app.open_view("registry").await;
    app.click("#tab-bed-registrations").await;
    app.wait_for_text("[data-testid='registration-count']", "12件")
        .await;
    app.click("#registration-new").await;
    app.wait_for("#registration-form").await;
    // Nobody chosen: refused, the message by 対象者.
    app.click("#registration-form-save").await;
    app.refused("#registration-form", "登録する対象者を選んでください")
        .await;

    app.fill("#registration-find-name", &name).await;
    app.click("#registration-find").await;
    app.click("#registration-matches .choose-person").await;
    app.wait_for_text("#registration-person", &name).await;
    let today = chrono::Local::now().date_naive();
    let until = today + chrono::Duration::days(20);
    app.fill_fields(
        "#registration-form",
        &[
            ("consent_on", &today.format("%Y-%m-%d").to_string()),
            ("valid_until", &until.format("%Y-%m-%d").to_string()),
            ("care_manager", "居宅さかど 佐藤"),
        ],
    )
    .await;
    app.snap("beds-registration-form").await;
    app.click_for_message(
        "#registration-form-save",
        &format!("{name}さんの事前登録を保存しました（期限まであと20日）"),
    )
    .await;
    let count = app
        .wait_for_text("[data-testid='registration-count']", "13件")
        .await;
    assert!(count.contains("30日以内に期限 2件"), "{count}");
    app.quit().await;
}
