//! 会議・研修 and the MCS figures: every rule of the form (refusals with a
//! Japanese message on the field), one transaction per save, tasks, the
//! editable lists, the questionnaire of a training kept with the lecture
//! code, the 議事録 PDF, the year's CSV, and the report's items イ・ウ・エ・
//! カ・ク checked against a hand count.

use chrono::{NaiveDate, NaiveDateTime};
use zaitaku_core::lectures::{self, questionnaire, SessionInput, TallyInput};
use zaitaku_core::meetings::{
    self, AttendanceInput, KindInput, McsInput, Meeting, MeetingInput, OccupationInput,
    OrganisationInput, TaskInput,
};
use zaitaku_core::print::{self, PrintJob};
use zaitaku_core::report::{self, ReportPeriod};
use zaitaku_core::store::Connection;
use zaitaku_core::xlsx::Value;
use zaitaku_core::Error;

use crate::util::{is_japanese, new_db, pdftotext, query_i64, temp_dir};

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 5, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

fn kind(conn: &Connection, name: &str) -> String {
    meetings::kinds(conn)
        .unwrap()
        .into_iter()
        .find(|k| k.name == name)
        .unwrap_or_else(|| panic!("{name}"))
        .id
}

fn occupation(conn: &Connection, name: &str) -> String {
    meetings::occupations(conn)
        .unwrap()
        .into_iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("{name}"))
        .id
}

/// A meeting of `kind` on `date` with 職種 counts.
fn input(conn: &Connection, kind_name: &str, date: &str, jobs: &[(&str, i64)]) -> MeetingInput {
    MeetingInput {
        kind_id: kind(conn, kind_name),
        title: format!("{kind_name}（{date}）"),
        meeting_date: date.into(),
        start_time: "14:00".into(),
        end_time: "15:30".into(),
        venue: "医師会館".into(),
        organised_by_office: true,
        attendance: jobs
            .iter()
            .map(|(name, n)| AttendanceInput {
                occupation_id: occupation(conn, name),
                attendees: n.to_string(),
            })
            .collect(),
        ..Default::default()
    }
}

fn save(conn: &mut Connection, input: &MeetingInput) -> Meeting {
    meetings::save_meeting(conn, input, now()).unwrap()
}

/// The refusal of `input`: its field and Japanese message.
fn refused(conn: &mut Connection, input: &MeetingInput) -> (String, String) {
    match meetings::save_meeting(conn, input, now()) {
        Err(Error::Invalid { field, message }) => {
            assert!(is_japanese(&message), "{message}");
            (field, message)
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_meeting_is_saved_with_attendance_and_tasks_and_read_back() {
    let dir = temp_dir();
    let (_, mut conn) = new_db(dir.path());
    let mut m = input(
        &conn,
        "推進協議会",
        "令和7年6月12日",
        &[("医師", 1), ("介護支援専門員", 9), ("行政", 0)],
    );
    m.organised_by_office = false;
    m.organiser = "坂戸市".into();
    m.start_time = "１４：００".into();
    m.organisations = vec![
        OrganisationInput {
            name: "坂戸鶴ヶ島医師会".into(),
            attendees: "1".into(),
        },
        OrganisationInput {
            name: "".into(),
            attendees: "".into(),
        },
        OrganisationInput {
            name: "地域包括支援センター".into(),
            attendees: "９".into(),
        },
    ];
    m.tasks = vec![
        TaskInput {
            task: "素案の配布".into(),
            owner: "相談室".into(),
            due_on: "2025-07-31".into(),
            ..Default::default()
        },
        TaskInput::default(),
    ];
    m.agenda = "入退院支援ルール".into();
    let saved = save(&mut conn, &m);
    assert_eq!(saved.meeting_date, "2025-06-12");
    assert_eq!(saved.date_label, "令和7年6月12日（木）");
    assert_eq!(saved.time_label(), "14:00〜15:30");
    assert_eq!(saved.organiser_label, "坂戸市");
    assert_eq!(saved.item, "イ");
    // A 職種 row of 0 is not kept; blank organisation and task rows are skipped.
    let jobs: Vec<(&str, i64)> = saved
        .attendance
        .iter()
        .map(|a| (a.name.as_str(), a.attendees))
        .collect();
    assert_eq!(jobs, [("医師", 1), ("介護支援専門員", 9)]);
    assert_eq!(saved.attendees, 10);
    assert_eq!(saved.organisations.len(), 2);
    assert_eq!(saved.organisations[1].attendees, 9);
    assert_eq!(saved.tasks.len(), 1);
    assert_eq!(saved.tasks[0].due_label, "令和7年7月31日");
    assert_eq!(meetings::meeting(&conn, &saved.id).unwrap(), saved);

    // Editing keeps the task's id, removes what the form dropped, and the
    // attendance is replaced, not added to.
    m.id = Some(saved.id.clone());
    m.organised_by_office = true;
    m.attendance.truncate(1);
    m.tasks = vec![
        TaskInput {
            id: Some(saved.tasks[0].id.clone()),
            task: "素案の配布（修正）".into(),
            ..Default::default()
        },
        TaskInput {
            task: "会場の予約".into(),
            ..Default::default()
        },
    ];
    let edited = save(&mut conn, &m);
    assert_eq!(edited.organiser_label, "当室");
    assert_eq!(edited.attendees, 1);
    assert_eq!(edited.tasks[0].id, saved.tasks[0].id);
    assert_eq!(edited.tasks[0].task, "素案の配布（修正）");
    assert_eq!(edited.tasks.len(), 2);
    assert_eq!(query_i64(&conn, "SELECT count(*) FROM meetings"), 1);
    assert_eq!(
        query_i64(&conn, "SELECT count(*) FROM meeting_attendance"),
        1
    );
    // Changes are in the change record (audited tables).
    assert!(
        query_i64(
            &conn,
            "SELECT count(*) FROM audit_log WHERE table_name = 'meeting_tasks'"
        ) >= 3
    );
    assert!(
        query_i64(
            &conn,
            "SELECT count(*) FROM audit_log WHERE table_name = 'meetings'"
        ) >= 2
    );
}

/// A change that makes a good form bad.
type Spoil = Box<dyn Fn(&mut MeetingInput)>;

#[test]
fn every_rule_of_the_form_refuses_with_a_japanese_message_on_its_field() {
    let dir = temp_dir();
    let (_, mut conn) = new_db(dir.path());
    let good = input(&conn, "推進協議会", "2025-06-12", &[("医師", 1)]);
    let doctor = occupation(&conn, "医師");
    let cases: Vec<(&str, Spoil)> = vec![
        ("kind_id", Box::new(|m| m.kind_id = String::new())),
        (
            "kind_id",
            Box::new(|m| m.kind_id = "8d3b7c1e-2f4a-4b5c-9d6e-7f8091a2b3c4".into()),
        ),
        ("title", Box::new(|m| m.title = "  ".into())),
        ("title", Box::new(|m| m.title = "あ".repeat(101))),
        (
            "meeting_date",
            Box::new(|m| m.meeting_date = "令和7年2月30日".into()),
        ),
        ("meeting_date", Box::new(|m| m.meeting_date = String::new())),
        ("start_time", Box::new(|m| m.start_time = "25:00".into())),
        ("end_time", Box::new(|m| m.end_time = "13:59".into())),
        ("end_time", Box::new(|m| m.end_time = "14:00".into())),
        ("organiser", Box::new(|m| m.organised_by_office = false)),
        ("venue", Box::new(|m| m.venue = "会\u{202E}場".into())),
        (
            "organisations.0.attendees",
            Box::new(|m| {
                m.organisations = vec![OrganisationInput {
                    name: "医師会".into(),
                    attendees: "-1".into(),
                }]
            }),
        ),
        (
            "organisations.0.attendees",
            Box::new(|m| {
                m.organisations = vec![OrganisationInput {
                    name: "医師会".into(),
                    attendees: "".into(),
                }]
            }),
        ),
        (
            "organisations.0.name",
            Box::new(|m| {
                m.organisations = vec![OrganisationInput {
                    name: "".into(),
                    attendees: "3".into(),
                }]
            }),
        ),
        (
            "organisations.1.name",
            Box::new(|m| {
                m.organisations = vec![
                    OrganisationInput {
                        name: "医師会".into(),
                        attendees: "1".into(),
                    },
                    OrganisationInput {
                        name: "医師会".into(),
                        attendees: "2".into(),
                    },
                ]
            }),
        ),
        (
            "attendance.0",
            Box::new(|m| m.attendance[0].attendees = "三人".into()),
        ),
        (
            "attendance.0",
            Box::new(|m| {
                m.attendance[0].occupation_id = "8d3b7c1e-2f4a-4b5c-9d6e-7f8091a2b3c4".into()
            }),
        ),
        (
            "attendance.1",
            Box::new(move |m| {
                m.attendance.push(AttendanceInput {
                    occupation_id: doctor.clone(),
                    attendees: "2".into(),
                })
            }),
        ),
        (
            "attendance",
            Box::new(|m| m.meeting_date = "2026-05-02".into()),
        ),
        (
            "tasks.0.task",
            Box::new(|m| {
                m.tasks = vec![TaskInput {
                    owner: "相談室".into(),
                    ..Default::default()
                }]
            }),
        ),
        (
            "tasks.0.due_on",
            Box::new(|m| {
                m.tasks = vec![TaskInput {
                    task: "資料".into(),
                    due_on: "2025-06-11".into(),
                    ..Default::default()
                }]
            }),
        ),
        (
            "tasks.0.due_on",
            Box::new(|m| {
                m.tasks = vec![TaskInput {
                    task: "資料".into(),
                    due_on: "来週".into(),
                    ..Default::default()
                }]
            }),
        ),
        ("questionnaire", Box::new(|m| m.questionnaire = true)),
    ];
    for (field, spoil) in cases {
        let mut bad = good.clone();
        spoil(&mut bad);
        let (got, message) = refused(&mut conn, &bad);
        assert_eq!(got, field, "{message}");
    }
    // Nothing was half-saved by any refusal.
    for table in [
        "meetings",
        "meeting_attendance",
        "meeting_organisations",
        "meeting_tasks",
        "lecture_sessions",
    ] {
        assert_eq!(
            query_i64(&conn, &format!("SELECT count(*) FROM {table}")),
            0,
            "{table}"
        );
    }
    // A future meeting without attendance is fine (a plan).
    let mut planned = good.clone();
    planned.meeting_date = "2026-06-01".into();
    planned.attendance.clear();
    save(&mut conn, &planned);
}

#[test]
fn a_task_that_fails_late_in_the_save_leaves_nothing_of_the_meeting() {
    let dir = temp_dir();
    let (_, mut conn) = new_db(dir.path());
    let first = {
        let m = input(&conn, "部会", "2025-07-01", &[("看護師", 2)]);
        save(&mut conn, &m)
    };
    // The second meeting names a task of the first: refused after the
    // meeting row and its attendance were written, so all is rolled back.
    let mut other = input(&conn, "推進協議会", "2025-07-02", &[("医師", 3)]);
    let mut with_task = input(&conn, "部会", "2025-07-01", &[]);
    with_task.id = Some(first.id.clone());
    with_task.tasks = vec![TaskInput {
        task: "議事録".into(),
        ..Default::default()
    }];
    let task = save(&mut conn, &with_task).tasks[0].id.clone();
    other.tasks = vec![TaskInput {
        id: Some(task),
        task: "盗む".into(),
        ..Default::default()
    }];
    assert!(matches!(
        meetings::save_meeting(&mut conn, &other, now()),
        Err(Error::NotFound { .. })
    ));
    assert_eq!(query_i64(&conn, "SELECT count(*) FROM meetings"), 1);
    assert_eq!(
        query_i64(&conn, "SELECT count(*) FROM meeting_attendance"),
        0
    );
    assert_eq!(query_i64(&conn, "SELECT count(*) FROM meeting_tasks"), 1);
}

#[test]
fn open_tasks_list_every_meeting_overdue_first_and_ticking_one_closes_it() {
    let dir = temp_dir();
    let (_, mut conn) = new_db(dir.path());
    let mut m = input(&conn, "部会", "2025-06-01", &[]);
    m.tasks = vec![
        TaskInput {
            task: "期限なし".into(),
            ..Default::default()
        },
        TaskInput {
            task: "来月まで".into(),
            due_on: "2026-06-01".into(),
            ..Default::default()
        },
        TaskInput {
            task: "期限切れ".into(),
            due_on: "2026-04-30".into(),
            ..Default::default()
        },
        TaskInput {
            task: "済んだ".into(),
            done: true,
            ..Default::default()
        },
    ];
    save(&mut conn, &m);
    // A meeting of the previous 年度 still shows its open task.
    let mut old = input(&conn, "推進協議会", "2024-06-01", &[]);
    old.tasks = vec![TaskInput {
        task: "前年度の宿題".into(),
        due_on: "2024-07-01".into(),
        ..Default::default()
    }];
    save(&mut conn, &old);
    let screen = meetings::screen(&conn, 2025, now().date()).unwrap();
    let open: Vec<(&str, bool)> = screen
        .open_tasks
        .iter()
        .map(|t| (t.task.as_str(), t.overdue))
        .collect();
    assert_eq!(
        open,
        [
            ("前年度の宿題", true),
            ("期限切れ", true),
            ("来月まで", false),
            ("期限なし", false)
        ]
    );
    assert_eq!(
        screen.meetings.len(),
        1,
        "only the 年度's meetings are listed"
    );
    assert_eq!(screen.meetings[0].open_tasks, 3);
    let ticked = meetings::set_task_done(&conn, &screen.open_tasks[1].id, true).unwrap();
    assert!(ticked.done);
    let screen = meetings::screen(&conn, 2025, now().date()).unwrap();
    assert_eq!(screen.open_tasks.len(), 3);
    assert!(matches!(
        meetings::set_task_done(&conn, "8d3b7c1e-2f4a-4b5c-9d6e-7f8091a2b3c4", true),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn the_year_screen_groups_meetings_by_kind_and_the_csv_lists_them() {
    let dir = temp_dir();
    let (_, mut conn) = new_db(dir.path());
    {
        let m = input(
            &conn,
            "推進協議会",
            "2025-06-12",
            &[("医師", 1), ("行政", 4)],
        );
        save(&mut conn, &m)
    };
    {
        let m = input(&conn, "推進協議会", "2026-02-12", &[("医師", 2)]);
        save(&mut conn, &m)
    };
    {
        let m = input(&conn, "多職種連携研修会", "2025-10-01", &[("看護師", 30)]);
        save(&mut conn, &m)
    };
    {
        let m = input(&conn, "推進協議会", "2026-04-12", &[("医師", 9)]);
        save(&mut conn, &m)
    };
    let screen = meetings::screen(&conn, 2025, now().date()).unwrap();
    let by_kind: Vec<(&str, &str, i64, i64)> = screen
        .by_kind
        .iter()
        .map(|k| (k.name.as_str(), k.item.as_str(), k.meetings, k.attendees))
        .collect();
    assert_eq!(
        by_kind,
        [
            ("推進協議会", "イ", 2, 7),
            ("多職種連携研修会", "カ", 1, 30)
        ]
    );
    assert_eq!(screen.year_label, "令和7年度");
    let csv = meetings::meetings_csv(&conn, 2025).unwrap();
    assert_eq!(csv.rows, 3);
    let text = String::from_utf8(csv.bytes).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "開催日,時間,事業項目,種類,名称,会場,主催,参加者数,職種別の参加者,未了の宿題"
    );
    assert!(
        lines[1].starts_with("令和7年6月12日（木）,14:00〜15:30,イ,推進協議会,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains(",当室,5,医師 1人、行政 4人,0"),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains("多職種連携研修会"));
    assert!(meetings::screen(&conn, 1999, now().date()).is_err());
}

#[test]
fn kinds_and_occupations_are_edited_never_deleted_and_retired_ones_are_not_offered() {
    let dir = temp_dir();
    let (_, mut conn) = new_db(dir.path());
    let kinds = meetings::kinds(&conn).unwrap();
    let names: Vec<(&str, &str)> = kinds
        .iter()
        .map(|k| (k.name.as_str(), k.item.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("推進協議会", "イ"),
            ("部会", "イ"),
            ("地域ケア会議", "イ"),
            ("ワーキンググループ", "ウ"),
            ("入退院支援ルールWG", "エ"),
            ("多職種連携研修会", "カ"),
            ("看護連携懇話会", "カ"),
            ("市町・保健所との打合せ", "ク"),
        ]
    );
    let occupations: Vec<String> = meetings::occupations(&conn)
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    assert_eq!(
        occupations,
        [
            "医師",
            "歯科医師",
            "薬剤師",
            "看護師",
            "介護支援専門員",
            "MSW",
            "介護職",
            "リハビリ職",
            "行政",
            "住民",
            "その他"
        ]
    );
    let mut edit: Vec<KindInput> = kinds
        .iter()
        .map(|k| KindInput {
            id: Some(k.id.clone()),
            name: k.name.clone(),
            item: k.item.clone(),
            retired: false,
        })
        .collect();
    edit[2].item = "オ".into();
    edit[1].retired = true;
    edit.push(KindInput {
        name: "在宅医療等推進委員会".into(),
        item: "ウ".into(),
        ..Default::default()
    });
    let saved = meetings::save_kinds(&mut conn, &edit).unwrap();
    assert_eq!(saved.len(), 9);
    assert_eq!(saved[2].item, "オ");
    // Refusals: an unknown item, a name twice, a dropped entry.
    let mut bad = edit.clone();
    bad[0].item = "ケ".into();
    assert!(
        matches!(meetings::save_kinds(&mut conn, &bad), Err(Error::Invalid { field, .. }) if field == "items.0.item")
    );
    let mut bad = edit.clone();
    bad[3].name = "推進協議会".into();
    assert!(
        matches!(meetings::save_kinds(&mut conn, &bad), Err(Error::Invalid { field, .. }) if field == "items.3.name")
    );
    assert!(matches!(
        meetings::save_kinds(&mut conn, &edit[1..]),
        Err(Error::Conflict(_))
    ));
    let occ: Vec<OccupationInput> = meetings::occupations(&conn)
        .unwrap()
        .into_iter()
        .map(|o| OccupationInput {
            id: Some(o.id),
            name: o.name,
            retired: false,
        })
        .chain([OccupationInput {
            name: "歯科衛生士".into(),
            ..Default::default()
        }])
        .collect();
    assert_eq!(
        meetings::save_occupations(&mut conn, &occ).unwrap().len(),
        12
    );
    // A retired kind is refused for a new meeting …
    let (field, _) = {
        let m = input(&conn, "部会", "2025-06-01", &[]);
        refused(&mut conn, &m)
    };
    assert_eq!(field, "kind_id");
    // … and a 地域ケア会議 now counts under オ.
    assert_eq!(
        {
            let m = input(&conn, "地域ケア会議", "2025-06-01", &[]);
            save(&mut conn, &m)
        }
        .item,
        "オ"
    );
}

#[test]
fn deleting_a_meeting_removes_its_attendance_and_tasks_together() {
    let dir = temp_dir();
    let (_, mut conn) = new_db(dir.path());
    let mut m = input(&conn, "部会", "2025-06-01", &[("医師", 1)]);
    m.organisations = vec![OrganisationInput {
        name: "医師会".into(),
        attendees: "1".into(),
    }];
    m.tasks = vec![TaskInput {
        task: "資料".into(),
        ..Default::default()
    }];
    let saved = save(&mut conn, &m);
    meetings::delete_meeting(&mut conn, &saved.id).unwrap();
    for table in [
        "meetings",
        "meeting_attendance",
        "meeting_organisations",
        "meeting_tasks",
    ] {
        assert_eq!(
            query_i64(&conn, &format!("SELECT count(*) FROM {table}")),
            0,
            "{table}"
        );
    }
    assert!(
        query_i64(
            &conn,
            "SELECT count(*) FROM audit_log WHERE table_name = 'meetings' AND action = 'delete'"
        ) == 1
    );
    assert!(matches!(
        meetings::delete_meeting(&mut conn, &saved.id),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn a_training_keeps_its_questionnaire_on_a_lecture_session_tallied_with_the_lecture_code() {
    let dir = temp_dir();
    let (_, mut conn) = new_db(dir.path());
    questionnaire::save(&mut conn, &questionnaire::default_input(), now()).unwrap();
    let mut m = input(
        &conn,
        "多職種連携研修会",
        "2025-10-01",
        &[("看護師", 20), ("医師", 5)],
    );
    m.questionnaire = true;
    let saved = save(&mut conn, &m);
    let session_id = saved
        .lecture_session_id
        .clone()
        .expect("a session for the questionnaire");
    let session = lectures::session(&conn, &session_id).unwrap();
    assert_eq!(session.basics.attendees, Some(25));
    assert_eq!(session.basics.title, saved.title);
    let tally = TallyInput {
        forms_returned: "20".into(),
        ..Default::default()
    };
    lectures::save_tally(&mut conn, &session_id, &tally, now()).unwrap();
    // The session follows the meeting …
    m.id = Some(saved.id.clone());
    m.title = "ACP研修会".into();
    m.attendance[0].attendees = "22".into();
    let edited = save(&mut conn, &m);
    assert_eq!(
        edited.lecture_session_id.as_deref(),
        Some(session_id.as_str())
    );
    let session = lectures::session(&conn, &session_id).unwrap();
    assert_eq!(
        (session.basics.title.as_str(), session.basics.attendees),
        ("ACP研修会", Some(27))
    );
    // … but fewer attendees than forms returned, or taking the tallied
    // questionnaire off, is refused.
    m.attendance = vec![AttendanceInput {
        occupation_id: occupation(&conn, "医師"),
        attendees: "10".into(),
    }];
    assert_eq!(refused(&mut conn, &m).0, "attendance");
    m.attendance[0].attendees = "30".into();
    m.questionnaire = false;
    assert_eq!(refused(&mut conn, &m).0, "questionnaire");
    // Deleting the meeting leaves the tallied session in 講座.
    meetings::delete_meeting(&mut conn, &saved.id).unwrap();
    assert!(lectures::session(&conn, &session_id).is_ok());

    // A questionnaire with nothing entered goes with the link.
    let mut plain = input(&conn, "看護連携懇話会", "2025-11-01", &[("看護師", 12)]);
    plain.questionnaire = true;
    let saved = save(&mut conn, &plain);
    let session = saved.lecture_session_id.clone().unwrap();
    plain.id = Some(saved.id);
    plain.questionnaire = false;
    assert_eq!(save(&mut conn, &plain).lecture_session_id, None);
    assert!(lectures::session(&conn, &session).is_err());
}

#[test]
fn mcs_figures_are_dated_one_per_date_and_the_latest_of_a_period_is_shown() {
    let dir = temp_dir();
    let (_, conn) = new_db(dir.path());
    let figure = |as_of: &str, offices: &str, members: &str| McsInput {
        as_of: as_of.into(),
        offices: offices.into(),
        members: members.into(),
        ..Default::default()
    };
    meetings::save_mcs(&conn, &figure("令和元年12月1日", "80", "２１４"), now()).unwrap();
    let all = meetings::save_mcs(&conn, &figure("2020-06-01", "85", "230"), now()).unwrap();
    assert_eq!(all[1].month_label, "令和元年12月現在");
    assert_eq!((all[1].offices, all[1].members), (80, 214));
    let latest = |from: (i32, u32, u32), to: (i32, u32, u32)| {
        let d = |(y, m, day)| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        meetings::latest_mcs(&conn, d(from), d(to))
            .unwrap()
            .map(|f| f.members)
    };
    assert_eq!(latest((2019, 4, 1), (2020, 3, 31)), Some(214));
    assert_eq!(latest((2020, 4, 1), (2021, 3, 31)), Some(230));
    assert_eq!(latest((2021, 4, 1), (2022, 3, 31)), None);
    for (bad, field) in [
        (figure("2019-12-01", "81", "215"), "as_of"),
        (figure("2026-05-02", "81", "215"), "as_of"),
        (figure("", "81", "215"), "as_of"),
        (figure("2021-01-01", "-1", "215"), "offices"),
        (figure("2021-01-01", "81", ""), "members"),
    ] {
        match meetings::save_mcs(&conn, &bad, now()) {
            Err(Error::Invalid { field: f, message }) => {
                assert_eq!(f, field, "{message}");
                assert!(is_japanese(&message));
            }
            other => panic!("{other:?}"),
        }
    }
    let left = meetings::delete_mcs(&conn, &all[0].id).unwrap();
    assert_eq!(left.len(), 1);
}

#[test]
fn the_minutes_pdf_shows_title_date_attendance_and_tasks() {
    let dir = temp_dir();
    let (_, mut conn) = new_db(dir.path());
    let mut m = input(
        &conn,
        "推進協議会",
        "2025-06-12",
        &[("医師", 1), ("介護支援専門員", 9)],
    );
    m.title = "第1回 推進協議会".into();
    m.organisations = vec![OrganisationInput {
        name: "地域包括支援センター".into(),
        attendees: "9".into(),
    }];
    m.decisions = "WGで素案を作る。".into();
    m.tasks = vec![TaskInput {
        task: "素案の配布".into(),
        owner: "相談室".into(),
        due_on: "2025-07-31".into(),
        ..Default::default()
    }];
    m.minutes = "会長あいさつの後、議事に入った。".into();
    let saved = save(&mut conn, &m);
    let job = PrintJob::MeetingMinutes {
        meeting_id: saved.id.clone(),
    };
    let printed = print::render(&conn, &job, now().date()).unwrap();
    let text = pdftotext(&print::pdf::write(&printed)).replace([' ', '\n'], "");
    for expected in [
        "議事録第1回推進協議会",
        "日時令和7年6月12日（木）",
        "14:00〜15:30",
        "医師1人",
        "介護支援専門員9人",
        "合計10人",
        "地域包括支援センター9人",
        "WGで素案を作る。",
        "素案の配布",
        "令和7年7月31日",
        "未了",
        "会長あいさつの後、議事に入った。",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    let unknown = PrintJob::MeetingMinutes {
        meeting_id: "8d3b7c1e-2f4a-4b5c-9d6e-7f8091a2b3c4".into(),
    };
    assert!(matches!(
        print::render(&conn, &unknown, now().date()),
        Err(Error::NotFound { .. })
    ));
}

/// 職種 and their counts.
type Jobs = Vec<(&'static str, i64)>;

/// The data of the report test (令和7年度 = 2025-04-01 … 2026-03-31):
///
/// | meeting | kind (item)               | date       | 職種                          | 参加 |
/// |---------|---------------------------|------------|-------------------------------|------|
/// | M0      | 推進協議会 (イ)           | 2025-03-31 | 医師 3                        | —    |
/// | M1      | 推進協議会 (イ)           | 2025-06-12 | 医師 1, ケアマネ 9, 行政 2    | 12   |
/// | M2      | 部会 (イ)                 | 2025-07-01 | (機関 医師会 2, 包括 3)       | 5    |
/// | M3      | ワーキンググループ (ウ)   | 2025-08-01 | 医師 2, 看護師 1              | 3    |
/// | M4      | 入退院支援ルールWG (エ)   | 2025-09-01 | MSW 1, 行政 6                 | 7    |
/// | M5      | 多職種連携研修会 (カ)     | 2025-10-01 | 医師 5, 看護師 10, ケアマネ 20| 35   |
/// | M6      | 看護連携懇話会 (カ)       | 2025-11-01 | 看護師 12                     | 12   |
/// | M7      | 市町・保健所との打合せ (ク)| 2026-01-15 | 行政 7                        | 7    |
/// | M8      | 推進協議会 (イ)           | 2026-04-10 | 医師 1                        | —    |
///
/// M5 keeps its questionnaire (30 forms of 35). Lectures: 研修会 L1
/// 2025-12-01 (20 attendees, no forms) and 出前講座 L2 2025-05-10 (15).
/// MCS: 2019-12-01 80/214, 2025-12-01 97/268, 2026-04-05 100/300.
#[test]
fn the_report_counts_items_i_to_ku_as_worked_out_by_hand() {
    let dir = temp_dir();
    let (_, mut conn) = new_db(dir.path());
    questionnaire::save(&mut conn, &questionnaire::default_input(), now()).unwrap();
    let orgs = |m: &mut MeetingInput| {
        m.organisations = vec![
            OrganisationInput {
                name: "医師会".into(),
                attendees: "2".into(),
            },
            OrganisationInput {
                name: "包括".into(),
                attendees: "3".into(),
            },
        ]
    };
    let rows: Vec<(&str, &str, Jobs)> = vec![
        ("推進協議会", "2025-03-31", vec![("医師", 3)]),
        (
            "推進協議会",
            "2025-06-12",
            vec![("医師", 1), ("介護支援専門員", 9), ("行政", 2)],
        ),
        ("部会", "2025-07-01", vec![]),
        (
            "ワーキンググループ",
            "2025-08-01",
            vec![("医師", 2), ("看護師", 1)],
        ),
        (
            "入退院支援ルールWG",
            "2025-09-01",
            vec![("MSW", 1), ("行政", 6)],
        ),
        (
            "多職種連携研修会",
            "2025-10-01",
            vec![("医師", 5), ("看護師", 10), ("介護支援専門員", 20)],
        ),
        ("看護連携懇話会", "2025-11-01", vec![("看護師", 12)]),
        ("市町・保健所との打合せ", "2026-01-15", vec![("行政", 7)]),
        ("推進協議会", "2026-04-10", vec![("医師", 1)]),
    ];
    for (kind, date, jobs) in &rows {
        let mut m = input(&conn, kind, date, jobs);
        if *kind == "部会" {
            orgs(&mut m);
        }
        m.questionnaire = *kind == "多職種連携研修会";
        let saved = save(&mut conn, &m);
        if let Some(s) = saved.lecture_session_id {
            let tally = TallyInput {
                forms_returned: "30".into(),
                ..Default::default()
            };
            lectures::save_tally(&mut conn, &s, &tally, now()).unwrap();
        }
    }
    for (kind, date, attendees) in [
        ("研修会", "2025-12-01", "20"),
        ("出前講座", "2025-05-10", "15"),
    ] {
        let session = SessionInput {
            kind: kind.into(),
            title: format!("{kind}の開催"),
            session_date: date.into(),
            start_time: "14:00".into(),
            end_time: "15:00".into(),
            attendees: attendees.into(),
            status: "実施済".into(),
            ..Default::default()
        };
        lectures::save_session(&mut conn, &session, now()).unwrap();
    }
    for (as_of, offices, members) in [
        ("2019-12-01", "80", "214"),
        ("2025-12-01", "97", "268"),
        ("2026-04-05", "100", "300"),
    ] {
        let figure = McsInput {
            as_of: as_of.into(),
            offices: offices.into(),
            members: members.into(),
            ..Default::default()
        };
        meetings::save_mcs(&conn, &figure, now()).unwrap();
    }

    let r = report::build(&conn, &ReportPeriod::Fiscal { year: 2025 }, now().date()).unwrap();
    let m = &r.meetings;
    let letters: Vec<&str> = m.items.iter().map(|i| i.letter.as_str()).collect();
    assert_eq!(letters, ["イ", "ウ", "エ", "カ", "ク"]);
    let totals: Vec<(i64, i64)> = m.items.iter().map(|i| (i.meetings, i.attendees)).collect();
    assert_eq!(totals, [(2, 17), (1, 3), (1, 7), (2, 47), (1, 7)]);
    assert_eq!(m.total(), 7);
    let named = |rows: &[report::meetings::NamedCount]| -> Vec<(String, i64, i64)> {
        rows.iter()
            .map(|n| (n.name.clone(), n.meetings, n.attendees))
            .collect()
    };
    let i = m.item("イ").unwrap();
    assert_eq!(
        named(&i.kinds),
        [("推進協議会".into(), 1, 12), ("部会".into(), 1, 5)]
    );
    assert_eq!(
        named(&i.occupations),
        [
            ("医師".into(), 1, 1),
            ("介護支援専門員".into(), 1, 9),
            ("行政".into(), 1, 2)
        ]
    );
    let listed: Vec<(&str, &str)> = i
        .listed
        .iter()
        .map(|l| (l.date_label.as_str(), l.kind.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            ("令和7年6月12日（木）", "推進協議会"),
            ("令和7年7月1日（火）", "部会")
        ]
    );
    let ka = m.item("カ").unwrap();
    assert_eq!(
        named(&ka.occupations),
        [
            ("医師".into(), 1, 5),
            ("看護師".into(), 2, 22),
            ("介護支援専門員".into(), 1, 20)
        ]
    );
    // 研修会 from 講座: L1 only (M5's session is counted as M5); the
    // questionnaire of both: 30 forms over the 35 attendees of M5.
    assert_eq!((m.training.sessions, m.training.participants), (1, 20));
    assert_eq!(m.training.figures.forms_returned, 30);
    assert!((m.training.figures.response_rate.unwrap() - 30.0 / 35.0).abs() < 1e-9);
    // キ keeps 出前講座 and the other kinds for citizens only.
    let lectures = r.awareness.lectures.as_ref().unwrap();
    assert_eq!((lectures.sessions_held, lectures.participants), (1, 15));
    assert!(lectures.by_kind.iter().all(|k| k.kind != "研修会"));
    let mcs = m.mcs.as_ref().unwrap();
    assert_eq!(
        (mcs.month_label.as_str(), mcs.offices, mcs.members),
        ("令和7年12月現在", 97, 268)
    );

    // The rows (CSV and workbook) carry the same figures, items in order.
    let rows = report::rows(&r);
    let value = |section: &str, table: &str, name: &str, measure: &str| {
        rows.iter()
            .find(|x| {
                x.section.starts_with(section)
                    && x.table == table
                    && x.name == name
                    && x.measure == measure
            })
            .map(|x| x.value.clone())
            .unwrap_or_else(|| panic!("{section} {table} {name} {measure}"))
    };
    assert_eq!(
        value("イ ", "会議・研修", "合計", "開催回数"),
        Value::Count(2)
    );
    assert_eq!(
        value(
            "イ ",
            "会議・研修 職種別の参加者",
            "介護支援専門員",
            "参加者数"
        ),
        Value::Count(9)
    );
    assert_eq!(
        value("エ ", "MCS（令和7年12月現在）", "登録者数", "人数"),
        Value::Count(268)
    );
    assert_eq!(
        value("カ ", "会議・研修 種類別", "看護連携懇話会", "参加者数"),
        Value::Count(12)
    );
    assert_eq!(
        value("カ ", "研修会（講座・チラシに記録）", "合計", "開催回数"),
        Value::Count(1)
    );
    assert_eq!(
        value("ク ", "会議・研修", "合計", "参加者数"),
        Value::Count(7)
    );
    let mut sections: Vec<&str> = Vec::new();
    for row in &rows {
        if sections.last() != Some(&row.section.as_str()) {
            sections.push(&row.section);
        }
    }
    let letters: Vec<&str> = sections
        .iter()
        .filter_map(|s| s.split(' ').next())
        .filter(|l| l.chars().count() == 1)
        .collect();
    assert_eq!(letters, ["ア", "イ", "ウ", "エ", "オ", "カ", "キ", "ク"]);

    // The PDF shows the sections with their figures.
    let printed = print::render(
        &conn,
        &PrintJob::YearReport {
            period: ReportPeriod::Fiscal { year: 2025 },
            city_id: String::new(),
        },
        now().date(),
    )
    .unwrap();
    let text = pdftotext(&print::pdf::write(&printed)).replace([' ', '\n'], "");
    for expected in [
        "イ在宅医療・介護連携の課題の抽出と対応策の検討",
        "2回（参加者延べ17人）",
        "MCS（令和7年12月現在）登録事業所数97機関・登録者数268人",
        "カ医療・介護関係者の研修",
        "講座の研修会1回（延べ参加者20人）",
        "研修会アンケート回収30枚・回収率85.7%",
        "ク在宅医療・介護連携に関する関係市区町村の連携",
        "令和8年1月15日（木）",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }

    // 令和元年度: the seed's MCS figures, 令和元年12月現在.
    let r = report::build(&conn, &ReportPeriod::Fiscal { year: 2019 }, now().date()).unwrap();
    let mcs = r.meetings.mcs.unwrap();
    assert_eq!(
        (mcs.month_label.as_str(), mcs.offices, mcs.members),
        ("令和元年12月現在", 80, 214)
    );
}
