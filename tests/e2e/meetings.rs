//! 会議・研修: enter a meeting with attendance by 職種 and a task, see it in
//! the year's list and among the open tasks, tick the task done; a refused
//! form shows the message by the field; the demo's overdue task is marked.

use crate::harness::{db_number, db_text, demo_app_on};

#[tokio::test]
async fn enter_a_meeting_with_attendance_and_a_task_and_find_it_in_the_lists() {
    let (_dir, db, app) = demo_app_on(0, "meetings").await;
    // The demo year: meetings by kind, and its open tasks (one overdue).
    app.wait_for("[data-testid='meeting-kinds']").await;
    app.wait_for("#meeting-tasks tr.overdue").await;
    app.snap("meetings-screen").await;

    app.click("#new-meeting").await;
    app.wait_for("#meeting-form").await;
    // Refused: no kind chosen; the message sits by the field, nothing saved.
    app.click("#save-meeting").await;
    app.refused("#meeting-form", "種類を選んでください").await;
    let before = db_number(&db, "SELECT count(*) FROM meetings");

    let council = db_text(
        &db,
        "SELECT id FROM meeting_kinds WHERE name = '推進協議会'",
    );
    app.choose_value("#meeting-form [data-field='kind_id']", &council)
        .await;
    let today = chrono::Local::now().date_naive();
    let date = today.format("%Y-%m-%d").to_string();
    let due = (today + chrono::Days::new(30))
        .format("%Y-%m-%d")
        .to_string();
    app.fill_fields(
        "#meeting-form",
        &[
            ("title", "臨時 推進協議会"),
            ("meeting_date", &date),
            ("start_time", "１８：３０"),
            ("end_time", "20:00"),
            ("venue", "医師会館 3階"),
            ("agenda", "入退院支援ルール案の確認"),
        ],
    )
    .await;
    // 職種: 医師 2, 介護支援専門員 5 (the first and fifth of the list).
    app.fill("#meeting-attendance [data-field='attendance.0']", "2")
        .await;
    app.fill("#meeting-attendance [data-field='attendance.4']", "５")
        .await;
    app.wait_for_text("#attendance-total", "計 7人").await;
    app.click("#add-task").await;
    app.fill_fields(
        "#meeting-form",
        &[
            ("tasks.0.task", "ルール案を各病院へ送付"),
            ("tasks.0.owner", "相談室"),
            ("tasks.0.due_on", &due),
        ],
    )
    .await;
    app.snap("meetings-form").await;
    app.click_for_message("#save-meeting", "「臨時 推進協議会」参加者 7人")
        .await;
    assert_eq!(db_number(&db, "SELECT count(*) FROM meetings"), before + 1);
    assert_eq!(
        db_number(
            &db,
            "SELECT sum(a.attendees) FROM meeting_attendance a JOIN meetings m ON m.id = a.meeting_id
              WHERE m.title = '臨時 推進協議会'"
        ),
        7
    );

    // In the year's list under its kind, and among the open tasks.
    let list = app
        .wait_for_text(
            "#meeting-list [data-testid='meeting-table']",
            "臨時 推進協議会",
        )
        .await;
    assert!(
        list.contains("18:30〜20:00") && list.contains("7人"),
        "{list}"
    );
    let tasks = app
        .wait_for_text("[data-testid='open-tasks']", "ルール案を各病院へ送付")
        .await;
    assert!(tasks.contains("臨時 推進協議会"), "{tasks}");
    app.snap("meetings-saved").await;

    // Ticking it done takes it off the open tasks.
    let task = db_text(
        &db,
        "SELECT id FROM meeting_tasks WHERE task = 'ルール案を各病院へ送付'",
    );
    app.click(&format!(
        "#meeting-tasks tr[data-task='{task}'] input[type='checkbox']"
    ))
    .await;
    app.wait_for_text("#message-text", "済にしました").await;
    assert_eq!(
        db_number(
            &db,
            &format!("SELECT done FROM meeting_tasks WHERE id = '{task}'")
        ),
        1
    );
    let tasks = app.wait_for("#meeting-tasks").await.text().await.unwrap();
    assert!(!tasks.contains("ルール案を各病院へ送付"), "{tasks}");

    // The yearly report counts it under イ and lists it with its date.
    let (from, to) = zaitaku_core::period::Period::fiscal_of(today).range();
    let under_i = db_number(
        &db,
        &format!(
            "SELECT count(*) FROM meetings m JOIN meeting_kinds k ON k.id = m.kind_id
              WHERE k.item = 'イ' AND m.meeting_date BETWEEN '{from}' AND '{to}'"
        ),
    );
    app.open_view("reports").await;
    app.wait_for_text(
        "[data-testid='report-meetings-イ']",
        &format!("会議・研修 {under_i}回"),
    )
    .await;
    app.wait_for_text("[data-testid='report-listed-イ']", "臨時 推進協議会")
        .await;
    app.wait_for("[data-testid='report-item-カ']").await;
    app.eval(
        "document.querySelector(\"[data-testid='report-item-イ']\").scrollIntoView(); return null;",
    )
    .await;
    app.snap("meetings-report").await;
    app.quit().await;
}

#[tokio::test]
async fn a_trainings_questionnaire_is_entered_with_the_lecture_tally_form() {
    let (_dir, db, app) = demo_app_on(0, "meetings").await;
    let (id, date) = (
        db_text(
            &db,
            "SELECT id FROM meetings WHERE lecture_session_id IS NOT NULL",
        ),
        db_text(
            &db,
            "SELECT meeting_date FROM meetings WHERE lecture_session_id IS NOT NULL",
        ),
    );
    let day = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap();
    let fiscal = zaitaku_core::period::Period::fiscal_of(day).year;
    // The demo training may lie in the previous 年度.
    if app.value("#meeting-year").await != fiscal.to_string() {
        app.choose_value("#meeting-year", &fiscal.to_string()).await;
        app.wait_for(&format!("#meeting-list[data-year='{fiscal}']"))
            .await;
    }
    app.click(&format!("#meeting-list tr[data-meeting='{id}'] button"))
        .await;
    app.wait_for("#meeting-form #enter-tally").await;
    app.click("#enter-tally").await;
    app.wait_for("#meeting-tally #tally-form").await;
    app.fill("#tally-form [data-field='forms_returned']", "70")
        .await;
    app.snap("meetings-tally").await;
    app.click_for_message("#save-tally", "集計を保存しました")
        .await;
    let returned = db_number(
        &db,
        &format!(
            "SELECT s.forms_returned FROM lecture_sessions s JOIN meetings m ON m.lecture_session_id = s.id
              WHERE m.id = '{id}'"
        ),
    );
    assert_eq!(returned, 70);
    app.quit().await;
}
