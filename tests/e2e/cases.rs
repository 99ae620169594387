use chrono::NaiveDateTime;
use fantoccini::Locator;
use zaitaku_core::cases::lists::{self, ListKind};
use zaitaku_core::cases::{self, CaseInput, PersonInput};
use zaitaku_core::{demo, office, store};

use crate::harness::{temp_db, App};

const ENTER: &str = "\u{E007}";
const TAB: &str = "\u{E004}";
const SPACE: &str = " ";
const CTRL_S: &str = "\u{E009}s\u{E000}";

fn now() -> NaiveDateTime {
    chrono::Local::now().naive_local()
}

/// A database with the demo office, lists, staff and a few demo cases.
pub(crate) fn demo_db(db: &std::path::Path, cases: usize) {
    let mut conn = store::open(db).unwrap();
    demo::fill_with_cases(&mut conn, now(), cases).unwrap();
}

fn first(conn: &store::Connection, kind: ListKind) -> String {
    lists::list(conn, kind).unwrap().items[0].id.clone()
}

/// A case entered through the core, for the tests that need one first.
fn case_input(conn: &store::Connection, name: &str, kana: &str) -> CaseInput {
    let office = office::load(conn).unwrap();
    CaseInput {
        received_date: store::iso(now().date()),
        received_time: "09:30".into(),
        intake_method_id: first(conn, ListKind::IntakeMethod),
        consulter_type_id: first(conn, ListKind::ConsulterType),
        person: PersonInput {
            name: name.into(),
            kana: kana.into(),
            birth_date: "昭和12年5月6日".into(),
            city_id: office.cities[0].id.clone(),
            ..Default::default()
        },
        category_ids: vec![first(conn, ListKind::Category)],
        content: "訪問診療について".into(),
        staff_id: first(conn, ListKind::Staff),
        status: "受付".into(),
        ..Default::default()
    }
}

/// The age the screen should show for a 生年月日 today.
fn age(birth: (i32, u32, u32)) -> String {
    let (y, m, d) = birth;
    let birth = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    format!("{}歳", cases::age_on(birth, now().date()).unwrap())
}

/// One case entered through the core before the app starts.
pub(crate) fn seed_case(db: &std::path::Path, name: &str, kana: &str) -> cases::CaseDetail {
    let mut conn = store::open(db).unwrap();
    let input = case_input(&conn, name, kana);
    let staff = first(&conn, ListKind::Staff);
    cases::create(&mut conn, &input, &staff, now()).unwrap()
}

async fn open_cases(app: &App) {
    app.click("a[data-view='cases']").await;
    app.wait_for("#case-search").await;
}

/// Types into the focused-by-selector element (keyboard only).
async fn keys(app: &App, css: &str, text: &str) {
    app.wait_for(css)
        .await
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("type into {css}: {e}"));
}

/// On the intake form, by keyboard: 受付方法, 相談者種別 and the person,
/// leaving the 生年月日 with Tab; returns the age shown for it.
async fn type_person(app: &App, method: &str, consulter: &str, person: [&str; 3]) -> String {
    let [name, kana, birth] = person;
    choose(app, "[data-field='intake_method_id']", method).await;
    choose(app, "[data-field='consulter_type_id']", consulter).await;
    keys(app, "[data-field='person.name']", name).await;
    keys(app, "[data-field='person.kana']", kana).await;
    keys(app, "[data-field='person.birth_date']", birth).await;
    keys(app, "[data-field='person.birth_date']", TAB).await;
    app.wait_for_text("#person-age", "歳").await
}

/// Waits until the input `css` holds `want`.
async fn wait_for_value(app: &App, css: &str, want: &str) {
    let start = std::time::Instant::now();
    loop {
        let value = app.value(css).await;
        if value == want {
            return;
        }
        let waited = start.elapsed();
        assert!(waited.as_secs() < 10, "{css} holds {value:?}, not {want:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Chooses an option of a <select> by typing its label, as a keyboard user
/// does; checks that the choice took.
async fn choose(app: &App, css: &str, label: &str) {
    keys(app, css, label).await;
    let shown = app
        .eval(&format!(
            "const s = document.querySelector(\"{}\"); return s.options[s.selectedIndex].text;",
            css.replace('"', "\\\"")
        ))
        .await;
    assert_eq!(shown.as_str(), Some(label), "{css}");
}

#[tokio::test]
async fn a_case_entered_by_keyboard_is_found_by_katakana_followed_up_closed_and_shown_in_history() {
    let (_dir, db) = temp_db();
    demo_db(&db, 20);
    let app = App::launch(&db).await;
    open_cases(&app).await;
    app.screenshot("cases-list").await;

    // Alt+N opens the intake form with 受付日時 filled in.
    keys(&app, "#case-search", "\u{E00A}n\u{E000}").await;
    app.wait_for("#case-form").await;
    let date = app.value("[data-field='received_date']").await;
    assert!(date.starts_with("令和"), "{date}");
    assert!(!app.value("[data-field='received_time']").await.is_empty());
    let shown = type_person(
        &app,
        "電話",
        "家族・親族",
        ["坂戸 太郎", "さかど たろう", "昭和13年4月1日"],
    )
    .await;
    assert_eq!(shown, age((1938, 4, 1)), "the age the core computes");
    keys(&app, "[data-field='consulter_name']", "長男").await;
    choose(&app, "[data-field='person.city_id']", "坂戸市").await;
    choose(&app, "[data-field='person.area_id']", "入西圏域").await;
    keys(&app, "[data-field='category_ids']", SPACE).await;
    keys(
        &app,
        "[data-field='content']",
        "退院後の訪問診療先を探している。",
    )
    .await;
    keys(&app, "[data-field='minutes']", "２０").await;
    keys(&app, "[data-field='minutes']", CTRL_S).await;
    app.wait_for_text("#message-text", "登録しました").await;
    let title = app.wait_for_text("#case-title", "坂戸 太郎").await;
    assert!(title.contains("受付"), "{title}");
    app.screenshot("cases-registered").await;

    // Back to the list: typing part of the ふりがな in カタカナ finds it.
    app.click("#back-to-list").await;
    keys(&app, "#case-search", "サカドタ").await;
    let count = app.wait_for_text("#case-count", "1〜1件目").await;
    assert!(count.starts_with("1件"), "{count}");
    app.wait_for_text("#case-results", "坂戸 太郎").await;
    app.screenshot("cases-search-katakana").await;
    keys(&app, "#case-search", "\u{E015}").await; // ↓ to the first result
    let focused = app.eval("return document.activeElement.textContent;").await;
    assert_eq!(focused.as_str(), Some("坂戸 太郎"));
    keys(&app, ".case-open", ENTER).await;
    app.wait_for_text("#case-title", "坂戸 太郎").await;

    // A timeline entry, then close the case.
    keys(
        &app,
        "#entry-form [data-field='entry.note']",
        "訪問診療医に連絡し、受け入れ可と回答あり。",
    )
    .await;
    keys(
        &app,
        "#entry-form [data-field='entry.note']",
        "\u{E009}\u{E007}\u{E000}",
    )
    .await;
    app.wait_for_text("#timeline", "受け入れ可").await;
    // Correct it: the form takes the entry, and saves a correction.
    app.click(".edit-entry").await;
    app.wait_for_text("#entry-form-title", "訂正").await;
    let date = app.value("#entry-form [data-field='entry.date']").await;
    assert!(date.starts_with("令和"), "the entry's date in 和暦: {date}");
    app.fill(
        "#entry-form [data-field='entry.note']",
        "訪問診療医に連絡し、来週から受け入れ可と回答あり。",
    )
    .await;
    app.click("#add-entry").await;
    app.wait_for_text("#message-text", "訂正しました").await;
    app.wait_for_text("#timeline", "来週から受け入れ可").await;
    app.click("#close-case").await;
    app.wait_for_text("#message-text", "終結").await;
    app.wait_for_text("#case-title", "終結").await;

    // Adding to a closed case asks to reopen it.
    keys(
        &app,
        "#entry-form [data-field='entry.note']",
        "家族から再度相談。",
    )
    .await;
    app.click("#add-entry").await;
    let question = app.dialog_text().await;
    assert!(question.contains("再開"), "{question}");
    app.client.accept_alert().await.unwrap();
    app.wait_for_text("#message-text", "再開").await;
    app.wait_for_text("#case-title", "対応中").await;

    app.click("#show-history").await;
    let history = app.wait_for_text("#history-table", "経過記録").await;
    for needle in [
        "登録",
        "変更",
        "受付",
        "終結",
        "対応中",
        "坂戸 太郎",
        "山田 花子",
        "来週から",
    ] {
        assert!(
            history.contains(needle),
            "history lacks {needle}: {history}"
        );
    }
    app.screenshot("cases-history").await;
    app.quit().await;

    let conn = store::open(&db).unwrap();
    let page = cases::search::list(
        &conn,
        &cases::CaseFilter {
            query: "ｻｶﾄﾞ".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(page.total, 1);
    let case = cases::get(&conn, &page.rows[0].id, now().date()).unwrap();
    assert_eq!(case.minutes, Some(20));
    assert_eq!(case.person.unwrap().area, "入西圏域");
    assert_eq!(case.entries.len(), 2);
    assert_eq!(case.status, "対応中");
}

#[tokio::test]
async fn the_same_person_is_offered_to_attach_instead_of_a_duplicate() {
    let (_dir, db) = temp_db();
    demo_db(&db, 0);
    let person_id = seed_case(&db, "鶴ヶ島 花", "つるがしま はな")
        .person
        .unwrap()
        .id;
    let app = App::launch(&db).await;
    open_cases(&app).await;
    app.click("#new-case").await;
    let shown = type_person(
        &app,
        "来所",
        "本人",
        ["鶴ヶ島　花", "ツルガシマ ハナ", "S12.5.6"],
    )
    .await;
    assert_eq!(shown, age((1937, 5, 6)));
    let warning = app.wait_for_text("#dup-box", "既に登録されています").await;
    assert!(warning.contains("相談1件"), "{warning}");
    app.screenshot("cases-duplicate-warning").await;
    app.click(".attach-person").await;
    app.wait_for_text("#attach-note", "登録済みの対象者").await;
    keys(&app, "[data-field='category_ids']", SPACE).await;
    app.click("#save-case").await;
    app.wait_for_text("#message-text", "登録しました").await;
    app.wait_for_text(".other-cases", "No.1").await;
    app.quit().await;

    let conn = store::open(&db).unwrap();
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM cases WHERE person_id = ?1",
            [&person_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 2, "the second case is the same person's");
    let persons: i64 = conn
        .query_row("SELECT count(*) FROM persons", [], |r| r.get(0))
        .unwrap();
    assert_eq!(persons, 1, "no duplicate person");
}

#[tokio::test]
async fn a_case_changed_since_it_was_opened_is_not_overwritten() {
    let (_dir, db) = temp_db();
    demo_db(&db, 0);
    let case_id = seed_case(&db, "入西 一郎", "にっさい いちろう").id;
    let app = App::launch(&db).await;
    open_cases(&app).await;
    app.click(".case-open").await;
    app.click("#edit-case").await;
    app.wait_for("#case-form").await;
    let shown = app.wait_for_text("#person-age", "歳").await;
    assert_eq!(shown, age((1937, 5, 6)), "the stored person's age");

    // Meanwhile another window saves the same case.
    {
        let mut conn = store::open(&db).unwrap();
        let mut input = case_input(&conn, "入西 一郎", "にっさい いちろう");
        let detail = cases::get(&conn, &case_id, now().date()).unwrap();
        input.person.id = detail.person.map(|p| p.id);
        input.version = Some(detail.version);
        input.status = "対応中".into();
        let staff = lists::list(&conn, ListKind::Staff).unwrap().items[1]
            .id
            .clone();
        cases::update(&mut conn, &case_id, &input, &staff, now()).unwrap();
    }

    app.fill("[data-field='content']", "この画面での書き換え")
        .await;
    app.click("#save-case").await;
    let message = app
        .wait_for_text("#message-text", "開いた後に別の画面で変更されています")
        .await;
    assert!(
        message.contains("佐藤 美紀"),
        "says who changed it: {message}"
    );
    assert_eq!(
        app.value("[data-field='content']").await,
        "この画面での書き換え",
        "what was typed is kept"
    );
    assert!(app.client.find(Locator::Css("#case-form")).await.is_ok());
    app.screenshot("cases-stale-refused").await;
    app.quit().await;

    let conn = store::open(&db).unwrap();
    let stored = cases::get(&conn, &case_id, now().date()).unwrap();
    assert_eq!(stored.status, "対応中");
    assert_eq!(stored.content, "訪問診療について", "not overwritten");
}

#[tokio::test]
async fn closing_changes_only_the_status_and_is_refused_on_a_stale_screen() {
    let (_dir, db) = temp_db();
    demo_db(&db, 0);
    let case = seed_case(&db, "入西 二郎", "にっさい じろう");
    let app = App::launch(&db).await;
    open_cases(&app).await;
    app.click(".case-open").await;
    app.wait_for_text("#case-title", "入西 二郎").await;

    // Meanwhile another window takes the case on.
    {
        let mut conn = store::open(&db).unwrap();
        let staff = first(&conn, ListKind::Staff);
        cases::set_status(&mut conn, &case.id, "対応中", case.version, &staff, now()).unwrap();
    }
    app.click("#close-case").await;
    app.wait_for_text("#message-text", "開いた後に別の画面で変更されています")
        .await;
    let stored = |db: &std::path::Path| {
        cases::get(&store::open(db).unwrap(), &case.id, now().date()).unwrap()
    };
    assert_eq!(stored(&db).status, "対応中", "not overwritten");

    // Opened again, it closes; nothing but the 状態 changes.
    app.click("#back-to-list").await;
    app.click(".case-open").await;
    app.wait_for_text("#case-title", "対応中").await;
    app.click("#close-case").await;
    app.wait_for_text("#message-text", "状態を「終結」にしました")
        .await;
    app.wait_for_text("#case-title", "終結").await;
    assert_eq!(app.count("#close-case").await, 0, "no second close");
    app.quit().await;

    let closed = stored(&db);
    assert_eq!(closed.status, "終結");
    assert_eq!(closed.version, case.version + 2);
    assert_eq!(
        (&closed.content, &closed.person_label, &closed.categories),
        (&case.content, &case.person_label, &case.categories)
    );
    let history = cases::history(&store::open(&db).unwrap(), &case.id).unwrap();
    let last: Vec<(&str, &str, &str)> = history[0]
        .values
        .iter()
        .map(|v| (v.label.as_str(), v.old.as_str(), v.new.as_str()))
        .collect();
    assert_eq!(last, [("状態", "対応中", "終結")]);
}

#[tokio::test]
async fn lists_are_edited_in_settings_and_offered_on_the_intake_form() {
    let (_dir, db) = temp_db();
    demo_db(&db, 0);
    let app = App::launch(&db).await;
    app.click("a[data-view='settings']").await;
    let kind = app.wait_for("#case-list-kind").await;
    kind.send_keys("受付方法").await.unwrap();
    // The list is redrawn for the chosen kind (it showed 担当者 before).
    wait_for_value(&app, "[data-field='items.0.name']", "電話").await;
    // Rename FAX, retire メール, move MCS up, add a new one.
    app.fill("[data-field='items.3.name']", "ファクス").await;
    app.click("#case-list-items li:nth-child(5) input[type='checkbox']")
        .await;
    app.click("#case-list-items li:nth-child(6) .move-up").await;
    app.click("#add-list-item").await;
    keys(&app, "[data-field='items.7.name']", "オンライン面談").await;
    app.click("#save-case-list").await;
    app.wait_for_text("#message-text", "受付方法").await;
    app.screenshot("cases-lists-settings").await;
    // A name given twice is refused next to the field.
    app.fill("[data-field='items.1.name']", "電話").await;
    app.click("#save-case-list").await;
    app.wait_for_text("#case-lists .field-error", "二度入力")
        .await;

    open_cases(&app).await;
    app.click("#new-case").await;
    let offered = app
        .eval("return [...document.querySelector(\"[data-field='intake_method_id']\").options].map(o => o.text);")
        .await;
    let offered: Vec<&str> = offered
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(
        offered,
        [
            "選んでください",
            "電話",
            "来所",
            "訪問",
            "ファクス",
            "MCS",
            "会議",
            "オンライン面談"
        ],
        "retired メール is not offered"
    );
    app.quit().await;
    let conn = store::open(&db).unwrap();
    let list = lists::list(&conn, ListKind::IntakeMethod).unwrap();
    let retired: Vec<&str> = list
        .items
        .iter()
        .filter(|i| i.retired)
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(retired, ["メール"]);
}

/// An enquiry without a patient entered by keyboard, then a contact with
/// its 手段 and 相手 and a memo: the list, the case and the timeline show
/// them, and the database holds no invented person.
#[tokio::test]
async fn an_enquiry_without_a_patient_and_its_contacts_and_memo_are_shown() {
    let (_dir, db) = temp_db();
    demo_db(&db, 0);
    let app = App::launch(&db).await;
    open_cases(&app).await;
    app.click("#new-case").await;
    app.wait_for("#case-form").await;
    choose(&app, "[data-field='intake_method_id']", "電話").await;
    choose(&app, "[data-field='consulter_type_id']", "ケアマネジャー").await;
    keys(
        &app,
        "[data-field='consulter_affiliation']",
        "北部居宅介護支援事業所",
    )
    .await;
    // 対象者なし hides the person's fields.
    keys(&app, "#no-person", SPACE).await;
    let hidden = app
        .eval("return document.getElementById('person-fields').hidden;")
        .await;
    assert_eq!(hidden.as_bool(), Some(true));
    keys(&app, "[data-field='category_ids']", SPACE).await;
    keys(&app, "[data-field='scene_ids']", SPACE).await;
    keys(
        &app,
        "[data-field='content']",
        "北部で夜間に往診できる診療所を知りたい。",
    )
    .await;
    app.screenshot("cases-enquiry-form").await;
    keys(&app, "[data-field='content']", CTRL_S).await;
    app.wait_for_text("#message-text", "登録しました").await;
    app.wait_for_text("#case-title", "対象者なし").await;
    app.wait_for_text("#no-person-note", "一般的な相談").await;
    app.wait_for_text("#cases-body", "4つの場面日常の療養支援")
        .await;

    // A contact: 手段 starts as the case's 受付方法 (電話); FAX to the care manager.
    let method = app
        .eval("const s = document.querySelector(\"#entry-form [data-field='entry.method_id']\"); return s.options[s.selectedIndex].text;")
        .await;
    assert_eq!(
        method.as_str(),
        Some("電話"),
        "the case's 受付方法 by default"
    );
    choose(&app, "#entry-form [data-field='entry.method_id']", "FAX").await;
    choose(
        &app,
        "#entry-form [data-field='entry.party_id']",
        "ケアマネジャー",
    )
    .await;
    keys(
        &app,
        "#entry-form [data-field='entry.note']",
        "夜間対応の診療所一覧をFAXした。",
    )
    .await;
    app.click("#add-entry").await;
    app.wait_for_text("#timeline", "FAX・ケアマネジャー").await;
    // A memo to self.
    app.click("#entry-kind-memo").await;
    let disabled = app
        .eval("return document.querySelector(\"#entry-form [data-field='entry.method_id']\").disabled;")
        .await;
    assert_eq!(disabled.as_bool(), Some(true), "a memo has no 手段");
    keys(
        &app,
        "#entry-form [data-field='entry.note']",
        "同じ問い合わせが多い。一覧を作る。",
    )
    .await;
    app.click("#add-entry").await;
    app.wait_for_text("#timeline", "一覧を作る").await;
    let memo = app.wait_for_text("#timeline .entry-memo", "メモ").await;
    assert_eq!(memo, "メモ");
    app.screenshot("cases-enquiry-timeline").await;

    // Listed with 対象者なし, and found by its content.
    app.click("#back-to-list").await;
    keys(&app, "#case-search", "夜間").await;
    app.wait_for_text("#case-count", "1〜1件目").await;
    app.wait_for_text("#case-results .no-person", "対象者なし")
        .await;
    app.screenshot("cases-enquiry-list").await;
    app.quit().await;

    let conn = store::open(&db).unwrap();
    let persons: i64 = conn
        .query_row("SELECT count(*) FROM persons", [], |r| r.get(0))
        .unwrap();
    assert_eq!(persons, 0, "no person was invented");
    let entries: Vec<(bool, String)> = conn
        .prepare(
            "SELECT e.contact, COALESCE(m.name, '-') FROM case_entries e
               LEFT JOIN case_list_items m ON m.id = e.method_id ORDER BY e.created_at, e.contact DESC",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(entries, [(true, "FAX".into()), (false, "-".into())]);
}
