//! Forms: pressing Enter twice before the first save has answered saves
//! one record, not two (the form is busy and its button disabled while the
//! save runs), and every field marked 必須 says so to a screen reader too.

use crate::harness::{db_number, demo_db_with_cases, App};
use crate::steps::ENTER;

/// Where a form is: its screen, what to click there to open it, and the
/// form itself.
struct FormAt {
    view: &'static str,
    open: &'static [&'static str],
    form: &'static str,
}

const fn at(view: &'static str, open: &'static [&'static str], form: &'static str) -> FormAt {
    FormAt { view, open, form }
}

/// Opens the form's screen and clicks what opens the form.
async fn open(app: &App, at: &FormAt) {
    app.open_view(at.view).await;
    for css in at.open {
        app.click(css).await;
    }
}

/// A new-record form, what to type (Enter goes into the last field), the
/// message of a save and how to count what was saved.
struct NewRecord {
    at: FormAt,
    fields: &'static [(&'static str, &'static str)],
    saved: &'static str,
    count: &'static str,
}

const NEW_RECORDS: &[NewRecord] = &[
    NewRecord {
        at: at("lectures", &["#new-session"], "#session-form"),
        fields: &[
            ("title", "二度押しの確認"),
            ("session_date", "令和9年6月14日"),
            ("start_time", "14:00"),
            ("end_time", "15:30"),
        ],
        saved: "開催を保存しました",
        count: "SELECT count(*) FROM lecture_sessions WHERE title = '二度押しの確認'",
    },
    NewRecord {
        at: at(
            "registry",
            &["#tab-organisations", "#registry-new"],
            "#organisation-form",
        ),
        fields: &[("name", "二度押し訪問看護ステーション")],
        saved: "二度押し訪問看護ステーションを保存しました",
        count: "SELECT count(*) FROM organisations WHERE name = '二度押し訪問看護ステーション'",
    },
];

/// Forms with the number of fields they mark 必須.
#[rustfmt::skip]
const REQUIRED: &[(FormAt, usize)] = &[
    (at("lectures", &["#new-session"], "#session-form"), 4),
    (at("lectures", &["#tab-catalogue", "#new-theme"], "#theme-editor form"), 2),
    (at("registry", &["#tab-doctors", "#registry-new"], "#doctor-form"), 2),
    (at("registry", &["#tab-beds", "#registry-new"], "#bed-form"), 2),
    (at("booklets", &[], "#issue-form"), 4),
    (at("booklets", &["#booklet-settings summary"], "#editions form.new"), 2),
    // 事業所名 and the name of each of the two demo cities.
    (at("settings", &[], ".settings-form"), 3),
];

#[tokio::test]
async fn enter_pressed_twice_saves_one_record() {
    let (_dir, db) = demo_db_with_cases(0);
    let app = App::launch(&db).await;
    for r in NEW_RECORDS {
        let form = r.at.form;
        open(&app, &r.at).await;
        app.fill_fields(form, r.fields).await;
        // Whether the form was ever busy with its button disabled (the
        // form is gone again once the save is done).
        app.eval(&format!(
            "const form = document.querySelector({form:?});
             window.sawBusy = false;
             new MutationObserver(() => {{
               const button = form.querySelector('button[type=\"submit\"]');
               if (form.getAttribute('aria-busy') === 'true' && button.disabled) window.sawBusy = true;
             }}).observe(form, {{ attributes: true, subtree: true }});
             return true;"
        ))
        .await;
        let (last, _) = r.fields[r.fields.len() - 1];
        app.press(&format!("{form} [data-field='{last}']"), &ENTER.repeat(2))
            .await;
        app.wait_for_text("#message-text", r.saved).await;
        // A second save, had it been sent, has answered by now.
        tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
        assert_eq!(db_number(&db, r.count), 1, "{form} saved twice");
        assert_eq!(app.eval("return window.sawBusy").await, true, "{form}");
    }
    app.quit().await;
}

#[tokio::test]
async fn required_fields_carry_aria_required() {
    let (_dir, db) = demo_db_with_cases(0);
    let app = App::launch(&db).await;
    for (at, count) in REQUIRED {
        open(&app, at).await;
        assert_eq!(app.required_fields(at.form).await, *count, "{}", at.form);
    }
    app.quit().await;
}
