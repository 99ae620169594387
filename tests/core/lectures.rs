//! 出前講座・市民公開講座: catalogue, sessions, tallies, template versions,
//! the indicator, the booklet link and the CSV export.

use chrono::{NaiveDate, NaiveDateTime};
use zaitaku_core::booklets::{self, seeded_channel, ChannelInput, EditionInput, EntryInput, Kind};
use zaitaku_core::lectures::{
    self, questionnaire, BookletsInput, CountInput, IndicatorQuery, PastFilter, SessionInput,
    TallyInput, ThemeInput, VenueInput,
};
use zaitaku_core::period::{Period, PeriodKind};
use zaitaku_core::store::Connection;
use zaitaku_core::{demo, office, Error};

use crate::util::{at, is_japanese, new_db, query_i64, temp_dir};

fn day(y: i32, m: u32, d: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(17, 0, 0)
        .unwrap()
}

/// An office with one city, one venue, one theme and the default template.
fn setup(conn: &mut Connection) -> (String, String) {
    let mut input = demo::office_input();
    input.cities.truncate(1);
    office::save(conn, &input, at(8, 0)).unwrap();
    let city = office::load(conn).unwrap().cities[0].id.clone();
    let venue = lectures::save_venue(
        conn,
        &VenueInput {
            name: "千代田公民館".into(),
            address: "坂戸市千代田三丁目4-5".into(),
            city_id: city,
            ..Default::default()
        },
        at(8, 0),
    )
    .unwrap();
    let theme = lectures::save_theme(
        conn,
        &ThemeInput {
            number: "3".into(),
            title: "人生会議（ACP）はじめの一歩".into(),
            duration_minutes: "９０".into(),
            ..Default::default()
        },
        at(8, 0),
    )
    .unwrap();
    questionnaire::save(conn, &questionnaire::default_input(), at(8, 0)).unwrap();
    (venue.id, theme.id)
}

fn session_input(
    venue: &str,
    theme: &str,
    date: &str,
    status: &str,
    attendees: &str,
) -> SessionInput {
    SessionInput {
        kind: "出前講座".into(),
        theme_id: theme.into(),
        session_date: date.into(),
        start_time: "14:00".into(),
        end_time: "15:30".into(),
        venue_id: venue.into(),
        capacity: "30".into(),
        applicants: "28".into(),
        attendees: attendees.into(),
        status: status.into(),
        lecturers: "医師 佐藤 一郎\n\n訪問看護師 渡辺 幸子".into(),
        ..Default::default()
    }
}

/// A tally: counts per choice in template order, question by question.
fn tally(conn: &Connection, returned: i64, per_question: &[&[i64]]) -> TallyInput {
    let q = questionnaire::current(conn).unwrap().unwrap();
    let mut counts = Vec::new();
    for (question, numbers) in q.questions.iter().zip(per_question) {
        for (choice, n) in question.choices.iter().zip(numbers.iter()) {
            counts.push(CountInput {
                choice_id: choice.id.clone(),
                count: n.to_string(),
            });
        }
    }
    TallyInput {
        forms_returned: returned.to_string(),
        counts,
        comments: vec!["分かりやすかったです。".into(), "  ".into()],
    }
}

fn enter(
    conn: &mut Connection,
    id: &str,
    returned: i64,
    per_question: &[&[i64]],
    now: NaiveDateTime,
) -> zaitaku_core::Result<lectures::Session> {
    let input = tally(conn, returned, per_question);
    lectures::save_tally(conn, id, &input, now)
}

#[test]
fn a_session_from_a_theme_takes_its_title_and_the_venues_city() {
    let dir = temp_dir();
    let (_p, mut conn) = new_db(dir.path());
    let (venue, theme) = setup(&mut conn);
    let saved = lectures::save_session(
        &mut conn,
        &session_input(&venue, &theme, "令和7年5月10日", "予定", ""),
        at(9, 0),
    )
    .unwrap();
    let s = &saved.session;
    assert_eq!(s.title, "人生会議（ACP）はじめの一歩");
    assert_eq!(s.date_label, "令和7年5月10日（土）");
    assert_eq!(s.city_name, "坂戸市");
    assert_eq!(s.venue.as_ref().unwrap().address, "坂戸市千代田三丁目4-5");
    assert_eq!(s.lecturers, ["医師 佐藤 一郎", "訪問看護師 渡辺 幸子"]);
    assert_eq!(s.theme.as_ref().unwrap().duration_minutes, Some(90));
    let upcoming = lectures::upcoming(&conn, at(9, 0).date()).unwrap();
    assert_eq!(upcoming.len(), 1);
    assert_eq!(
        (upcoming[0].month_label.as_str(), upcoming[0].weekday),
        ("令和7年5月", "土")
    );
}

#[test]
fn bad_sessions_are_refused_and_over_capacity_is_only_a_warning() {
    let dir = temp_dir();
    let (_p, mut conn) = new_db(dir.path());
    let (venue, theme) = setup(&mut conn);
    let mut bad = session_input(&venue, &theme, "2025-03-20", "実施済", "20");
    bad.end_time = "13:00".into();
    let e = lectures::save_session(&mut conn, &bad, at(9, 0)).unwrap_err();
    assert_eq!(e.field(), Some("end_time"));
    assert!(is_japanese(&e.to_string()));

    let mut negative = session_input(&venue, &theme, "2025-03-20", "実施済", "-5");
    let e = lectures::save_session(&mut conn, &negative, at(9, 0)).unwrap_err();
    assert_eq!(e.field(), Some("attendees"));
    negative.attendees = "20".into();
    negative.capacity = "−1".into();
    assert_eq!(
        lectures::save_session(&mut conn, &negative, at(9, 0))
            .unwrap_err()
            .field(),
        Some("capacity")
    );

    let future_held = session_input(&venue, &theme, "2025-06-01", "実施済", "20");
    assert_eq!(
        lectures::save_session(&mut conn, &future_held, at(9, 0))
            .unwrap_err()
            .field(),
        Some("status")
    );

    let crowded = session_input(&venue, &theme, "2025-03-20", "実施済", "34");
    let saved = lectures::save_session(&mut conn, &crowded, at(9, 0)).unwrap();
    assert_eq!(saved.warnings.len(), 1, "{:?}", saved.warnings);
    assert!(saved.warnings[0].contains("定員（30人）"));
    assert_eq!(query_i64(&conn, "SELECT count(*) FROM lecture_sessions"), 1);
}

#[test]
fn tallies_are_checked_against_forms_returned_and_attendance() {
    let dir = temp_dir();
    let (_p, mut conn) = new_db(dir.path());
    let (venue, theme) = setup(&mut conn);
    let planned = lectures::save_session(
        &mut conn,
        &session_input(&venue, &theme, "2025-05-10", "予定", ""),
        at(9, 0),
    )
    .unwrap()
    .session;
    let e = enter(&mut conn, &planned.id, 0, &[], at(9, 0)).unwrap_err();
    assert!(e.to_string().contains("実施済"), "{e}");

    let held = lectures::save_session(
        &mut conn,
        &session_input(&venue, &theme, "2025-03-20", "実施済", "25"),
        at(9, 0),
    )
    .unwrap()
    .session;
    let e = enter(&mut conn, &held.id, 26, &[], at(9, 0)).unwrap_err();
    assert_eq!(e.field(), Some("forms_returned"));

    // 満足度 adds up to 21 with 20 forms: refused, naming the question.
    let over = tally(&conn, 20, &[&[10, 8, 2, 0], &[12, 6, 2, 1]]);
    let e = lectures::save_tally(&mut conn, &held.id, &over, at(9, 0)).unwrap_err();
    assert!(e.to_string().contains("「満足度」"), "{e}");
    assert!(e.field().unwrap().starts_with("question:"));
    assert_eq!(query_i64(&conn, "SELECT count(*) FROM lecture_tallies"), 0);

    let good = tally(&conn, 20, &[&[10, 8, 2, 0], &[12, 6, 1, 0], &[5, 5, 10]]);
    let s = lectures::save_tally(&mut conn, &held.id, &good, at(9, 0)).unwrap();
    assert_eq!(s.forms_returned, Some(20));
    assert_eq!(s.response_rate, Some(0.8));
    assert_eq!(s.tallies[1].blank, 1);
    assert_eq!(s.tallies[3].blank, 20);
    assert_eq!(s.comments, ["分かりやすかったです。"]);

    // Attendance cannot drop below the forms already returned.
    let mut fewer = session_input(&venue, &theme, "2025-03-20", "実施済", "15");
    fewer.id = Some(held.id.clone());
    let e = lectures::save_session(&mut conn, &fewer, at(9, 0)).unwrap_err();
    assert_eq!(e.field(), Some("attendees"));
}

#[test]
fn editing_a_template_with_answers_creates_a_new_version() {
    let dir = temp_dir();
    let (_p, mut conn) = new_db(dir.path());
    let (venue, theme) = setup(&mut conn);
    let v1 = questionnaire::current(&conn).unwrap().unwrap();
    // Unused: edited in place.
    let mut edit = questionnaire::default_input();
    edit.questions[1].text = "講座の満足度".into();
    let same = questionnaire::save(&mut conn, &edit, at(9, 0)).unwrap();
    assert_eq!((same.id.as_str(), same.version), (v1.id.as_str(), 1));

    let held = lectures::save_session(
        &mut conn,
        &session_input(&venue, &theme, "2025-03-20", "実施済", "25"),
        at(9, 0),
    )
    .unwrap()
    .session;
    enter(&mut conn, &held.id, 20, &[&[10, 8, 2, 0]], at(9, 0)).unwrap();

    edit.questions[0].choices = vec!["よく分かった".into(), "分からなかった".into()];
    let v2 = questionnaire::save(&mut conn, &edit, at(10, 0)).unwrap();
    assert_eq!(v2.version, 2);
    assert_ne!(v2.id, v1.id);
    let old = questionnaire::get(&conn, &v1.id).unwrap();
    assert!(old.superseded);
    assert_eq!(old.questions[0].choices.len(), 4);
    // The past session still shows its four choices and counts.
    let s = lectures::session(&conn, &held.id).unwrap();
    assert_eq!(s.questionnaire_version, Some(1));
    assert_eq!(
        s.tallies[0]
            .choices
            .iter()
            .map(|c| c.count)
            .collect::<Vec<_>>(),
        [10, 8, 2, 0]
    );

    let e = questionnaire::save(
        &mut conn,
        &questionnaire::QuestionnaireInput {
            name: "様式".into(),
            questions: vec![questionnaire::QuestionInput {
                text: "理解度".into(),
                awareness: false,
                choices: vec!["はい".into()],
            }],
        },
        at(11, 0),
    )
    .unwrap_err();
    assert!(e.to_string().contains("選択肢"), "{e}");
}

#[test]
fn figures_and_indicator_follow_the_tallies() {
    let dir = temp_dir();
    let (_p, mut conn) = new_db(dir.path());
    let (venue, theme) = setup(&mut conn);
    let a = lectures::save_session(
        &mut conn,
        &session_input(&venue, &theme, "2024-05-11", "実施済", "30"),
        day(2024, 6, 1),
    )
    .unwrap()
    .session;
    let b = lectures::save_session(
        &mut conn,
        &session_input(&venue, &theme, "2024-11-09", "実施済", "20"),
        day(2024, 12, 1),
    )
    .unwrap()
    .session;
    let zero = lectures::save_session(
        &mut conn,
        &session_input(&venue, &theme, "2024-12-07", "実施済", "0"),
        day(2024, 12, 8),
    )
    .unwrap()
    .session;
    lectures::save_session(
        &mut conn,
        &session_input(&venue, &theme, "2025-01-11", "中止", ""),
        day(2025, 1, 12),
    )
    .unwrap();
    enter(&mut conn, &a.id, 24, &[&[], &[], &[6, 6, 12]], at(9, 0)).unwrap();
    enter(&mut conn, &b.id, 20, &[&[], &[], &[10, 5, 5]], at(9, 0)).unwrap();
    enter(&mut conn, &zero.id, 0, &[], at(9, 0)).unwrap();

    let from = NaiveDate::from_ymd_opt(2024, 4, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2025, 3, 31).unwrap();
    let f = lectures::figures(&conn, from, to).unwrap();
    assert_eq!(
        (
            f.sessions_held,
            f.sessions_cancelled,
            f.participants,
            f.forms_returned
        ),
        (3, 1, 50, 44)
    );
    assert_eq!(f.response_rate, Some(44.0 / 50.0));
    let awareness = f.questions.iter().find(|q| q.awareness).unwrap();
    assert_eq!(awareness.answered, 44);
    assert_eq!(awareness.choices[0].share, Some(16.0 / 44.0));

    let ind = lectures::indicator(
        &conn,
        &IndicatorQuery {
            period: Period {
                kind: PeriodKind::Fiscal,
                year: 2024,
            },
            kind: String::new(),
            theme_id: String::new(),
        },
    )
    .unwrap();
    let labels: Vec<&str> = ind.trend.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(labels[4..], ["令和6年度上期", "令和6年度下期"]);
    assert_eq!(ind.trend[4].share, Some(0.25));
    assert_eq!(ind.trend[5].share, Some(0.5));
    assert_eq!(ind.trend[0].share, None);
    assert_eq!(ind.by_theme.len(), 1);
    assert_eq!(ind.by_theme[0].sessions, 3);

    // Only the session with zero attendees: no rate, not NaN.
    let only_zero = lectures::figures(
        &conn,
        NaiveDate::from_ymd_opt(2024, 12, 1).unwrap(),
        NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
    )
    .unwrap();
    assert_eq!(
        (only_zero.sessions_held, only_zero.response_rate),
        (1, None)
    );
}

#[test]
fn booklets_handed_out_at_a_session_go_into_the_ledger_in_one_step() {
    let dir = temp_dir();
    let (_p, mut conn) = new_db(dir.path());
    let (venue, theme) = setup(&mut conn);
    let edition = booklets::save_edition(
        &mut conn,
        &EditionInput {
            title: "私の意志表示帳".into(),
            edition: "第2版".into(),
            ..Default::default()
        },
        at(8, 0),
    )
    .unwrap();
    booklets::add_entry(
        &mut conn,
        &EntryInput {
            kind: Kind::Receipt,
            entry_date: "2025-03-01".into(),
            edition_id: edition.id.clone(),
            quantity: "50".into(),
            source: "print".into(),
            channel_id: String::new(),
            recipient_type: String::new(),
            recipient_name: String::new(),
            city_id: String::new(),
            note: String::new(),
        },
        "山田 花子",
        at(8, 0),
    )
    .unwrap();
    let held = lectures::save_session(
        &mut conn,
        &session_input(&venue, &theme, "2025-03-20", "実施済", "25"),
        at(9, 0),
    )
    .unwrap()
    .session;
    let s = lectures::record_booklets(
        &mut conn,
        &held.id,
        &BookletsInput {
            edition_id: edition.id.clone(),
            quantity: "20".into(),
        },
        "山田 花子",
        at(9, 0),
    )
    .unwrap();
    assert_eq!(s.booklets_handed_out, 20);
    assert_eq!(booklets::stock(&conn, &edition.id).unwrap(), 30);
    let summary = booklets::summary(
        &conn,
        Period {
            kind: PeriodKind::Fiscal,
            year: 2024,
        },
    )
    .unwrap();
    let channel = summary
        .channels
        .iter()
        .find(|c| c.name == "出前講座")
        .unwrap();
    assert_eq!(channel.quantity, 20);

    let e = lectures::record_booklets(
        &mut conn,
        &held.id,
        &BookletsInput {
            edition_id: edition.id.clone(),
            quantity: "31".into(),
        },
        "山田 花子",
        at(9, 0),
    )
    .unwrap_err();
    assert!(
        matches!(e, Error::Invalid { .. } | Error::Conflict(_)),
        "{e:?}"
    );
    assert!(is_japanese(&e.to_string()));
    assert_eq!(
        lectures::session(&conn, &held.id)
            .unwrap()
            .booklets_handed_out,
        20
    );
    assert_eq!(
        query_i64(
            &conn,
            "SELECT count(*) FROM booklet_entries WHERE lecture_session_id IS NOT NULL"
        ),
        1
    );
}

#[test]
fn demo_lectures_and_csv_export() {
    let dir = temp_dir();
    let (_p, mut conn) = new_db(dir.path());
    let now = day(2025, 11, 24);
    let summary = demo::fill_with_cases(&mut conn, now, 0).unwrap();
    assert_eq!(summary.lecture_themes, 24);
    assert!(summary.lecture_sessions >= 40, "{summary:?}");
    let upcoming = lectures::upcoming(&conn, now.date()).unwrap();
    assert!(!upcoming.is_empty());
    let f = lectures::figures(
        &conn,
        NaiveDate::from_ymd_opt(2024, 4, 1).unwrap(),
        NaiveDate::from_ymd_opt(2025, 3, 31).unwrap(),
    )
    .unwrap();
    assert!(f.sessions_held >= 15, "{f:?}");
    let rate = f.response_rate.unwrap();
    assert!((0.6..=1.0).contains(&rate), "{rate}");
    // Every stored tally is consistent with its forms.
    assert_eq!(
        query_i64(
            &conn,
            "SELECT count(*) FROM (SELECT s.id, q.id, sum(t.count) AS n, s.forms_returned AS r
               FROM lecture_tallies t JOIN lecture_sessions s ON s.id = t.session_id
               JOIN questionnaire_choices c ON c.id = t.choice_id
               JOIN questionnaire_questions q ON q.id = c.question_id
              GROUP BY s.id, q.id) WHERE n > r"
        ),
        0
    );
    assert_eq!(
        query_i64(
            &conn,
            "SELECT count(*) FROM lecture_sessions WHERE forms_returned > attendees"
        ),
        0
    );

    let bytes = lectures::export_csv(&conn, None, now.date()).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.starts_with("\u{FEFF}開催ID,種別,テーマ番号"));
    let header = text.lines().next().unwrap();
    assert!(header.contains("理解度：よく分かった"), "{header}");
    // Comments may hold line breaks (LF, quoted); records end in CRLF.
    let sessions = query_i64(&conn, "SELECT count(*) FROM lecture_sessions");
    assert_eq!(text.matches("\r\n").count() as i64, 1 + sessions);
    let filtered =
        lectures::export_csv(&conn, Some(&PastFilter::fiscal(2024)), now.date()).unwrap();
    assert!(filtered.len() < text.len());
}

#[test]
fn a_hand_out_is_counted_on_the_seeded_channel_of_its_kind_whatever_its_name() {
    let dir = temp_dir();
    let (_p, mut conn) = new_db(dir.path());
    let (venue, theme) = setup(&mut conn);
    let edition = stocked_edition(&mut conn, 100);
    // Staff rename 出前講座 in 設定 and hide イベント.
    let channels: Vec<ChannelInput> = booklets::channels(&conn)
        .unwrap()
        .into_iter()
        .map(|c| ChannelInput {
            active: c.name != "イベント",
            name: match c.id.as_str() {
                seeded_channel::OUTREACH_LECTURE => "地域への出張講座".into(),
                _ => c.name,
            },
            id: Some(c.id),
        })
        .collect();
    booklets::save_channels(&mut conn, &channels).unwrap();
    let table = [
        ("出前講座", seeded_channel::OUTREACH_LECTURE),
        ("市民公開講座", seeded_channel::PUBLIC_LECTURE),
        // イベント is hidden: the hand-out falls back to その他.
        ("研修会", seeded_channel::OTHER),
    ];
    for (kind, channel) in table {
        let mut input = session_input(&venue, &theme, "2025-03-20", "実施済", "25");
        input.kind = kind.into();
        let held = lectures::save_session(&mut conn, &input, at(9, 0))
            .unwrap()
            .session;
        let handout = BookletsInput {
            edition_id: edition.clone(),
            quantity: "5".into(),
        };
        lectures::record_booklets(&mut conn, &held.id, &handout, "山田 花子", at(9, 0)).unwrap();
        let stored: String = conn
            .query_row(
                "SELECT channel_id FROM booklet_entries WHERE lecture_session_id = ?1",
                [&held.id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(stored, channel, "{kind}");
    }
}

/// An edition with `quantity` booklets received into stock.
fn stocked_edition(conn: &mut Connection, quantity: i64) -> String {
    let edition = booklets::save_edition(
        conn,
        &EditionInput {
            title: "私の意志表示帳".into(),
            edition: "第2版".into(),
            ..Default::default()
        },
        at(8, 0),
    )
    .unwrap();
    let receipt: EntryInput = serde_json::from_value(serde_json::json!({
        "kind": "receipt",
        "entry_date": "2025-03-01",
        "edition_id": edition.id,
        "quantity": quantity.to_string(),
        "source": "print",
    }))
    .unwrap();
    booklets::add_entry(conn, &receipt, "山田 花子", at(8, 0)).unwrap();
    edition.id
}
