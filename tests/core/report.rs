//! 集計・報告: a small database built by hand through the public API, and
//! every figure of the yearly report checked against numbers worked out by
//! hand below. If a definition changes, this file says what it was.
//!
//! The data (令和7年度 = 2025-04-01 … 2026-03-31):
//!
//! | case | person | 受付日      | 方法 | 相談者   | 分類             | 分 | 経過記録 (分)                 |
//! |------|--------|-------------|------|----------|------------------|----|-------------------------------|
//! | C1   | P1     | 2025-03-31  | 電話 | 家族     | 往診医           | 30 | E1 2025-04-02 (20)            |
//! | C2   | P1     | 2025-04-10  | 電話 | 家族     | 往診医, 認知症   | 40 | E2 04-15 (15), E3 05-20 (—)   |
//! | C3   | P2     | 2025-05-01  | 来所 | 本人     | 入退院支援       | 20 |                               |
//! | C4   | P2     | 2026-03-31  | 電話 | ケアマネ | 入退院支援       | —  | E4 2026-04-01 (30)            |
//! | C5   | P3     | 2026-04-01  | 電話 | 本人     | 認知症           | 10 |                               |
//! | C6   | P4     | 2025-05-31  | 電話 | ケアマネ | 認知症           | 50 | E5 2025-06-01 (10)            |
//!
//! P1: 坂戸市 坂戸・三芳野圏域; P2, P4: 鶴ヶ島市 北部圏域; P3: 坂戸市, no 圏域.
//! C2 and C4 are 継続 (is_new = false), the others 新規.

use chrono::{NaiveDate, NaiveDateTime};
use zaitaku_core::booklets::{self, seeded_channel, EditionInput, EntryInput as BookletEntry};
use zaitaku_core::cases::lists::{self, ListKind};
use zaitaku_core::cases::{self, CaseInput, EntryInput, PersonInput};
use zaitaku_core::registries::organisations::{self, OrganisationInput};
use zaitaku_core::registries::{self, BedUpdateInput, DoctorInput, SupportBedInput};
use zaitaku_core::report::{self, Consultations, Report, ReportPeriod, Tally};
use zaitaku_core::store::{self, Connection};
use zaitaku_core::{demo, office};

/// The output date of the report and the clock of every save.
fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 5, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

fn today() -> NaiveDate {
    now().date()
}

fn fiscal(year: i32) -> ReportPeriod {
    ReportPeriod::Fiscal { year }
}

/// The report of `period` as of [`today`].
fn report_of(conn: &Connection, period: &ReportPeriod) -> Report {
    report::build(conn, period, today()).unwrap()
}

struct Lists {
    phone: String,
    visit: String,
    own: String,
    family: String,
    care_manager: String,
    doctor: String,
    discharge: String,
    dementia: String,
    staff: String,
}

fn lists(conn: &Connection) -> Lists {
    let item = |kind, name: &str| crate::util::list_item(conn, kind, name);
    Lists {
        phone: item(ListKind::IntakeMethod, "電話"),
        visit: item(ListKind::IntakeMethod, "来所"),
        own: item(ListKind::ConsulterType, "本人"),
        family: item(ListKind::ConsulterType, "家族・親族"),
        care_manager: item(ListKind::ConsulterType, "ケアマネジャー"),
        doctor: item(ListKind::Category, "往診医・訪問診療の紹介"),
        discharge: item(ListKind::Category, "入退院支援"),
        dementia: item(ListKind::Category, "認知症"),
        staff: lists::list(conn, ListKind::Staff).unwrap().items[0]
            .id
            .clone(),
    }
}

struct Person {
    name: &'static str,
    city: String,
    area: String,
}

struct Case<'a> {
    person: &'a Person,
    person_id: Option<String>,
    date: &'a str,
    time: &'a str,
    method: &'a str,
    consulter: &'a str,
    categories: Vec<&'a str>,
    minutes: &'a str,
}

/// A case as a row of the table in [`build`]: person, 受付日, 時刻, 方法,
/// 相談者, 分類, 分, and its 経過記録 as (date, minutes).
type CaseRow<'a> = (
    &'a Person,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    Vec<&'a str>,
    &'a str,
    &'a [(&'a str, &'a str)],
);

/// Registers a case; returns (case id, person id).
fn case(conn: &mut Connection, l: &Lists, c: Case) -> (String, String) {
    let input = CaseInput {
        received_date: c.date.into(),
        received_time: c.time.into(),
        intake_method_id: c.method.into(),
        consulter_type_id: c.consulter.into(),
        is_new: c.person_id.is_none(),
        new_person: c.person_id.is_none(),
        person: PersonInput {
            id: c.person_id.clone(),
            name: c.person.name.into(),
            city_id: c.person.city.clone(),
            area_id: c.person.area.clone(),
            ..Default::default()
        },
        category_ids: c.categories.iter().map(|s| s.to_string()).collect(),
        minutes: c.minutes.into(),
        staff_id: l.staff.clone(),
        status: "対応中".into(),
        ..Default::default()
    };
    let d = cases::create(conn, &input, &l.staff, now()).unwrap();
    (d.id, d.person.unwrap().id)
}

fn entry(conn: &mut Connection, l: &Lists, case_id: &str, date: &str, minutes: &str) {
    let input = EntryInput {
        date: date.into(),
        staff_id: l.staff.clone(),
        note: "経過".into(),
        minutes: minutes.into(),
        ..Default::default()
    };
    cases::add_entry(conn, case_id, &input, false, &l.staff, now()).unwrap();
}

fn build() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = store::open(&dir.path().join("office.db")).unwrap();
    office::save(&mut conn, &demo::office_input(), now()).unwrap();
    demo::cases::seed_lists(&mut conn, now()).unwrap();
    let l = lists(&conn);
    let o = office::load(&conn).unwrap();
    let (sakado, tsuru) = (&o.cities[0], &o.cities[1]);
    let p1 = Person {
        name: "坂戸 一子",
        city: sakado.id.clone(),
        area: sakado.areas[0].id.clone(),
    };
    let p2 = Person {
        name: "鶴島 二郎",
        city: tsuru.id.clone(),
        area: tsuru.areas[0].id.clone(),
    };
    let p3 = Person {
        name: "坂戸 三枝",
        city: sakado.id.clone(),
        area: String::new(),
    };
    let p4 = Person {
        name: "鶴島 四郎",
        city: tsuru.id.clone(),
        area: tsuru.areas[0].id.clone(),
    };
    // The cases of the table above in 受付 order of creation, with their
    // 経過記録 (date, minutes); a person's second case is 継続.
    #[rustfmt::skip]
    let table: [CaseRow; 6] = [
        (&p1, "2025-03-31", "10:00", &l.phone, &l.family, vec![&l.doctor], "30", &[("2025-04-02", "20")]),
        (&p1, "2025-04-10", "10:00", &l.phone, &l.family, vec![&l.doctor, &l.dementia], "40",
            &[("2025-04-15", "15"), ("2025-05-20", "")]),
        (&p2, "2025-05-01", "11:00", &l.visit, &l.own, vec![&l.discharge], "20", &[]),
        (&p2, "2026-03-31", "16:00", &l.phone, &l.care_manager, vec![&l.discharge], "", &[("2026-04-01", "30")]),
        (&p3, "2026-04-01", "09:00", &l.phone, &l.own, vec![&l.dementia], "10", &[]),
        (&p4, "2025-05-31", "17:00", &l.phone, &l.care_manager, vec![&l.dementia], "50", &[("2025-06-01", "10")]),
    ];
    let mut person_ids: Vec<(&str, String)> = Vec::new();
    for (person, date, time, method, consulter, categories, minutes, entries) in table {
        let person_id = person_ids
            .iter()
            .find(|(name, _)| *name == person.name)
            .map(|(_, id)| id.clone());
        let c = Case {
            person,
            person_id,
            date,
            time,
            method,
            consulter,
            categories,
            minutes,
        };
        let (case_id, person_id) = case(&mut conn, &l, c);
        person_ids.push((person.name, person_id));
        for (date, minutes) in entries {
            entry(&mut conn, &l, &case_id, date, minutes);
        }
    }

    booklet_ledger(&mut conn, &sakado.id, &tsuru.id);
    registers(&mut conn);
    (dir, conn)
}

/// 意志表示帳: 100 received; issued 10 (4月, 相談窓口, 坂戸市), 5 (7月, 出前講座,
/// 鶴ヶ島市), 3 (8月, voided) and 7 (2026-04-02, next year). The pamphlet
/// かかりつけ医の準備をしましょう: 50 received, 20 (6月, 出前講座, 坂戸市) and
/// 6 (9月, 相談窓口, 鶴ヶ島市) issued, never counted as 意志表示帳.
fn booklet_ledger(conn: &mut Connection, sakado: &str, tsuru: &str) {
    let edition = booklets::save_edition(
        conn,
        &EditionInput {
            title: "私の意志表示帳".into(),
            edition: "第2版".into(),
            ..Default::default()
        },
        now(),
    )
    .unwrap()
    .id;
    let issue = |date: &str, qty: &str, channel: &str, city: &str| BookletEntry {
        city_id: city.into(),
        ..BookletEntry::issue(&edition, date, qty, channel)
    };
    let (counter, lecture) = (seeded_channel::COUNTER, seeded_channel::OUTREACH_LECTURE);
    for input in [
        BookletEntry::receipt(&edition, "2025-04-01", "100", "print"),
        issue("2025-04-20", "10", counter, sakado),
        issue("2025-07-01", "5", lecture, tsuru),
        issue("2026-04-02", "7", counter, sakado),
    ] {
        booklets::add_entry(conn, &input, "", now()).unwrap();
    }
    let voided = issue("2025-08-01", "3", counter, "");
    let voided = booklets::add_entry(conn, &voided, "", now()).unwrap();
    booklets::void_entry(conn, &voided.id, "二重入力", "", now()).unwrap();
    let pamphlet = booklets::save_edition(
        conn,
        &EditionInput {
            title: "かかりつけ医の準備をしましょう".into(),
            edition: "令和5年版".into(),
            is_booklet: Some(false),
            ..Default::default()
        },
        now(),
    )
    .unwrap()
    .id;
    for input in [
        BookletEntry::receipt(&pamphlet, "2025-04-01", "50", "print"),
        BookletEntry {
            city_id: sakado.into(),
            ..BookletEntry::issue(&pamphlet, "2025-06-01", "20", lecture)
        },
        BookletEntry {
            city_id: tsuru.into(),
            ..BookletEntry::issue(&pamphlet, "2025-09-01", "6", counter)
        },
    ] {
        booklets::add_entry(conn, &input, "", now()).unwrap();
    }
}

/// 名簿 as of 令和8年3月31日, the year's last day (registered 2024-04-01
/// unless said): D1 (往診・訪問診療・看取り・もの忘れ, sheet 2025-01-10:
/// more than a year old on 3/31), D2 (往診・24時間, sheet 2026-04-01),
/// D3 (もの忘れ) retired 2025-06-01, D5 (もの忘れ only, no visits:
/// registered but never 往診登録医) retired 2026-04-20 (after the year),
/// D6 (往診) registered 2026-04-10 (after the year); one hospital with 2
/// beds and one with 3 retired 2026-02-01; one organisation and one
/// retired 2025-12-01.
fn registers(conn: &mut Connection) {
    let doctor = |name: &str, sheet: &str, retired_on: &str| DoctorInput {
        name: name.into(),
        clinic: format!("{name}医院"),
        sheet_updated_on: sheet.into(),
        registered_on: "2024-04-01".into(),
        retired: !retired_on.is_empty(),
        retired_on: retired_on.into(),
        ..Default::default()
    };
    for input in [
        DoctorInput {
            home_visits: true,
            regular_visits: true,
            end_of_life: true,
            dementia_consult: true,
            ..doctor("一医師", "2025-01-10", "")
        },
        DoctorInput {
            home_visits: true,
            round_the_clock: true,
            ..doctor("二医師", "2026-04-01", "")
        },
        DoctorInput {
            dementia_consult: true,
            ..doctor("三医師", "", "2025-06-01")
        },
        DoctorInput {
            dementia_consult: true,
            ..doctor("五医師", "2025-10-01", "2026-04-20")
        },
        DoctorInput {
            home_visits: true,
            registered_on: "2026-04-10".into(),
            ..doctor("六医師", "2026-04-10", "")
        },
    ] {
        registries::save_doctor(conn, &input, now()).unwrap();
    }
    for (hospital, beds, retired_on) in [("一病院", "2", ""), ("二病院", "3", "2026-02-01")] {
        let bed = registries::save_bed(
            conn,
            &SupportBedInput {
                hospital: hospital.into(),
                beds: beds.into(),
                registered_on: "2024-04-01".into(),
                retired: !retired_on.is_empty(),
                retired_on: retired_on.into(),
                ..Default::default()
            },
            now(),
        )
        .unwrap();
        registries::add_bed_update(
            conn,
            &bed.id,
            &BedUpdateInput {
                checked_on: "2026-04-30".into(),
                free_beds: "1".into(),
                note: String::new(),
            },
            now(),
        )
        .unwrap();
    }
    for (name, retired_on) in [("一地域包括支援センター", ""), ("二病院", "2025-12-01")]
    {
        organisations::save(
            conn,
            &OrganisationInput {
                name: name.into(),
                registered_on: "2024-04-01".into(),
                retired: !retired_on.is_empty(),
                retired_on: retired_on.into(),
                ..Default::default()
            },
            now(),
        )
        .unwrap();
    }
}

/// (実数, 受付件数, 経過記録, 延べ件数) of the whole period.
fn totals(c: &Consultations) -> (i64, i64, i64, i64) {
    (c.persons, c.cases, c.entries, c.total)
}

/// (name, 実数, 受付件数, 経過記録, 延べ件数) of the rows with any count.
fn nonzero(rows: &[Tally]) -> Vec<(&str, i64, i64, i64, i64)> {
    rows.iter()
        .filter(|t| t.total > 0)
        .map(|t| (t.name.as_str(), t.persons, t.cases, t.entries, t.total))
        .collect()
}

#[test]
fn every_figure_of_the_yearly_report_matches_the_hand_count() {
    let (_dir, conn) = build();
    let r = report_of(&conn, &fiscal(2025));

    assert_eq!(r.title, "令和7年度 在宅医療・介護連携推進事業 事業報告");
    assert_eq!(r.office_name, "坂戸鶴ヶ島医師会 在宅医療相談室");
    assert_eq!(r.range_label, "令和7年4月1日〜令和8年3月31日");
    assert_eq!(r.output_date, "令和8年5月1日");
    assert!(!r.empty);
    assert_eq!(r.note, None);

    // ア as of 3/31: registered D1, D2, D5 (D3 ended, D6 came later);
    // 往診登録医 D1, D2 (D5 does not visit); 往診 both; 訪問診療,
    // 看取り: D1; もの忘れ: D1, D5; 24時間: D2; sheet due on 3/31: D1
    // (2025-01-10 + 1 year) and D5 has a sheet of 2025-10-01 (not due).
    let a = &r.resources;
    assert_eq!(r.resources_on, "令和8年3月31日現在");
    assert_eq!(
        (a.doctors, a.home_visits, a.regular_visits, a.end_of_life),
        (2, 2, 1, 1)
    );
    assert_eq!(
        (a.round_the_clock, a.dementia_consult, a.sheets_due),
        (1, 2, 1)
    );
    assert_eq!((a.bed_hospitals, a.beds, a.organisations), (1, 2, 1));

    // オ: receptions C2, C3, C4, C6 = 4 (新規 C3, C6; 継続 C2, C4); persons
    // P1, P2, P4 = 3; entries E1, E2, E3, E5 = 4 (E4 is 2026-04-01);
    // 延べ 4 + 4 = 8.
    let c = &r.consultations;
    assert_eq!(totals(c), (3, 4, 4, 8));
    assert_eq!((c.new_cases, c.continuing_cases), (2, 2));
    // Timed: C2 40, C3 20, C6 50, E1 20, E2 15, E5 10 → 6 items, 155 min,
    // 155 / 6 = 25.83… → 25.8.
    assert_eq!(
        (c.timed, c.minutes, c.average_minutes),
        (6, 155, Some(25.8))
    );

    // By month: 4月 C2 + E1, E2; 5月 C3, C6 + E3; 6月 E5; 3月 C4. A
    // month's 実人数 counts the persons of its contacts too (5月: P2, P4 and
    // P1 of E3; 6月: P4 of E5).
    assert_eq!(c.months.len(), 12);
    assert_eq!(
        nonzero(&c.months),
        [
            ("令和7年4月", 1, 1, 2, 3),
            ("令和7年5月", 3, 2, 1, 3),
            ("令和7年6月", 1, 0, 1, 1),
            ("令和8年3月", 1, 1, 0, 1),
        ]
    );
    // 家族: C2 + E1 (C1 is 家族), E2, E3; 本人: C3; ケアマネ: C4, C6 + E5.
    assert_eq!(
        nonzero(&c.consulter_types),
        [
            ("本人", 1, 1, 0, 1),
            ("家族・親族", 1, 1, 3, 4),
            ("ケアマネジャー", 2, 2, 1, 3),
        ]
    );
    // A case counts under each of its categories: 往診医 C2 + E1, E2, E3;
    // 入退院支援 C3, C4 (both P2); 認知症 C2, C6 + E2, E3, E5.
    assert_eq!(
        nonzero(&c.categories),
        [
            ("往診医・訪問診療の紹介", 1, 1, 3, 4),
            ("入退院支援", 1, 2, 0, 2),
            ("認知症", 2, 2, 3, 5),
        ]
    );
    assert_eq!(
        nonzero(&c.intake_methods),
        [("電話", 3, 3, 4, 7), ("来所", 1, 1, 0, 1)]
    );
    assert_eq!(
        nonzero(&c.cities),
        [("坂戸市", 1, 1, 3, 4), ("鶴ヶ島市", 2, 3, 1, 4)]
    );
    assert_eq!(
        c.cities.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["坂戸市", "鶴ヶ島市", "市外"],
        "市外 is listed like a city; no 市の記録なし row when all are known"
    );
    assert_eq!(
        nonzero(&c.areas),
        [
            ("坂戸市 坂戸・三芳野圏域", 1, 1, 3, 4),
            ("鶴ヶ島市 北部圏域", 2, 3, 1, 4),
        ]
    );
    assert_eq!(c.areas.len(), 9);

    // キ: issued 10 + 5 = 15 in 2 hand-outs; the voided 3 and next year's 7
    // do not count.
    let b = &r.awareness.booklets;
    assert_eq!((b.issued, b.issue_entries), (15, 2));
    let q = |items: &[report::Quantity]| -> Vec<(String, i64, i64)> {
        items
            .iter()
            .filter(|q| q.entries > 0)
            .map(|q| (q.name.clone(), q.quantity, q.entries))
            .collect()
    };
    assert_eq!(
        q(&b.months),
        [("令和7年4月".into(), 10, 1), ("令和7年7月".into(), 5, 1)]
    );
    assert_eq!(
        q(&b.channels),
        [("相談窓口".into(), 10, 1), ("出前講座".into(), 5, 1)]
    );
    assert_eq!(
        q(&b.cities),
        [("坂戸市".into(), 10, 1), ("鶴ヶ島市".into(), 5, 1)]
    );
    // By edition; the pamphlet under its own title only (20 + 6 in 2).
    assert_eq!(q(&b.editions), [("私の意志表示帳 第2版".into(), 15, 2)]);
    assert_eq!(
        q(&b.materials),
        [("かかりつけ医の準備をしましょう".into(), 26, 2)]
    );
    let lectures = r.awareness.lectures.as_ref().unwrap();
    assert_eq!((lectures.sessions_held, lectures.participants), (0, 0));
    assert_eq!(lectures.response_rate, None, "no attendees, no 回収率");
}

#[test]
fn the_next_year_and_a_month_range_count_only_their_own_days() {
    let (_dir, conn) = build();
    // 令和8年度: C5 (P3, 坂戸市, no 圏域) and E4 (C4: P2, 鶴ヶ島市 北部圏域):
    // 実人数 P3 and P2, supported on a case of the year before (継続).
    let r = report_of(&conn, &fiscal(2026));
    let c = &r.consultations;
    assert_eq!(totals(c), (2, 1, 1, 2));
    assert_eq!((c.new_persons, c.continuing_persons), (1, 1));
    assert_eq!(
        nonzero(&c.areas),
        [
            ("鶴ヶ島市 北部圏域", 1, 0, 1, 1),
            ("圏域の記録なし", 1, 1, 0, 1)
        ]
    );
    assert_eq!(r.awareness.booklets.issued, 7);

    // 2025年5月 only: C3, C6 + E3 (P2, P4, and P1 of E3).
    let may = ReportPeriod::Months {
        from: "2025-05".into(),
        to: "2025-05".into(),
    };
    let r = report_of(&conn, &may);
    assert_eq!(r.period_label, "令和7年5月");
    let c = &r.consultations;
    assert_eq!(totals(c), (3, 2, 1, 3));
    assert_eq!(c.months.len(), 1);
    // C3 20, C6 50 (E3 untimed) → 35.0.
    assert_eq!(c.average_minutes, Some(35.0));
}

#[test]
fn a_year_without_data_is_an_empty_report_with_a_note() {
    let (_dir, conn) = build();
    let r = report_of(&conn, &fiscal(2030));
    assert!(r.empty);
    let note = r.note.clone().unwrap();
    assert!(
        note.contains("令和12年度") && note.contains("記録がありません"),
        "{note}"
    );
    assert_eq!(r.consultations.total, 0);
    assert_eq!(r.consultations.average_minutes, None);
    assert_eq!(r.consultations.months.len(), 12);
    assert!(r.consultations.months.iter().all(|m| m.total == 0));
    let csv = String::from_utf8(report::to_csv(&r)).unwrap();
    assert!(csv.contains("注記"), "the note is in the CSV too");
}

#[test]
fn a_bad_year_or_range_is_refused_in_japanese_naming_the_field() {
    let (_dir, conn) = build();
    let err = report::build(&conn, &fiscal(1999), today()).unwrap_err();
    assert_eq!(err.field(), Some("year"));
    assert!(err.to_string().contains("年度"), "{err}");
    let inverted = ReportPeriod::Months {
        from: "2025-09".into(),
        to: "2025-04".into(),
    };
    let err = report::build(&conn, &inverted, today()).unwrap_err();
    assert_eq!(err.field(), Some("to"));
    assert!(err.to_string().contains("終了月"), "{err}");
}

#[test]
fn the_csv_carries_the_figures_definitions_and_header_for_excel() {
    let (_dir, conn) = build();
    let r = report_of(&conn, &fiscal(2025));
    let bytes = report::to_csv(&r);
    assert!(bytes.starts_with("\u{FEFF}".as_bytes()), "UTF-8 BOM");
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("\r\n") && !text.replace("\r\n", "").contains('\n'));
    let lines: Vec<&str> = text.trim_start_matches('\u{FEFF}').split("\r\n").collect();
    assert_eq!(lines[0], "章,表,区分,指標,値");
    assert!(lines.contains(&"報告,事業所,坂戸鶴ヶ島医師会 在宅医療相談室,,"));
    assert!(lines.contains(&"報告,期間,令和7年4月1日〜令和8年3月31日,,"));
    assert!(lines.contains(&"報告,出力日,令和8年5月1日,,"));
    assert!(lines.contains(&"報告,名簿の基準日,令和8年3月31日現在,,"));
    assert!(lines.contains(
        &"キ 地域住民への普及啓発,その他の配布物,かかりつけ医の準備をしましょう,冊数,26"
    ));
    let s = "オ 在宅医療・介護連携に関する相談支援";
    for expected in [
        format!("{s},合計,実人数,,3"),
        format!("{s},合計,延べ件数,,8"),
        format!("{s},合計,平均所要時間（分）,,25.8"),
        format!("{s},月別,令和7年4月,延べ件数,3"),
        format!("{s},相談内容分類,認知症,実人数,2"),
        "ア 地域の医療・介護の資源の把握,名簿,往診登録医,件数,2".to_string(),
        "キ 地域住民への普及啓発,私の意志表示帳,配布合計,冊数,15".to_string(),
    ] {
        assert!(lines.contains(&expected.as_str()), "missing: {expected}");
    }
    // Sections in the order of items ア〜キ, definitions last.
    let first = |prefix: &str| lines.iter().position(|l| l.starts_with(prefix)).unwrap();
    assert!(first("ア ") < first("オ ") && first("オ ") < first("キ "));
    assert!(first("キ ") < first("定義,実人数"));
    assert!(text.contains("同じ人は何件あっても1人"));
}

#[test]
fn the_demo_year_has_figures_that_add_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = store::open(&dir.path().join("office.db")).unwrap();
    demo::fill(&mut conn, now()).unwrap();
    let r = report_of(&conn, &fiscal(2025));
    let c = &r.consultations;
    assert!(c.cases > 100, "{}", c.cases);
    assert_eq!(c.total, c.cases + c.entries);
    let sum = |rows: &[Tally]| rows.iter().map(|t| t.total).sum::<i64>();
    assert_eq!(sum(&c.months), c.total);
    assert_eq!(sum(&c.consulter_types), c.total);
    assert_eq!(sum(&c.intake_methods), c.total);
    assert_eq!(sum(&c.cities), c.total);
    assert_eq!(sum(&c.areas), c.total);
    assert!(sum(&c.categories) >= c.total);
    assert!(c.persons <= c.cases);
    // 23 demo doctors, of whom 2 are もの忘れ相談医 who do not visit.
    assert_eq!(r.resources.doctors, 21);
    let lectures = r.awareness.lectures.as_ref().unwrap();
    assert!(lectures.sessions_held > 0 && lectures.participants > 0);
    assert!(r.resources.dementia_consult > 5);
}

#[test]
fn moving_a_case_to_another_year_moves_all_its_figures() {
    let (_dir, mut conn) = build();
    let l = lists(&conn);
    // C3 (P2, 来所, 入退院支援, 20 min) was received on 2025-05-01; its date
    // is corrected to 2024-05-01 (令和6年度).
    let (id, person, city, area): (String, String, String, String) = conn
        .query_row(
            "SELECT c.id, p.id, p.city_id, p.area_id FROM cases c JOIN persons p ON p.id = c.person_id
              WHERE c.received_at = '2025-05-01T11:00:00'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    let input = CaseInput {
        received_date: "2024-05-01".into(),
        received_time: "11:00".into(),
        intake_method_id: l.visit.clone(),
        consulter_type_id: l.own.clone(),
        is_new: true,
        person: PersonInput {
            id: Some(person),
            name: "鶴島 二郎".into(),
            city_id: city,
            area_id: area,
            ..Default::default()
        },
        category_ids: vec![l.discharge.clone()],
        minutes: "20".into(),
        staff_id: l.staff.clone(),
        status: "対応中".into(),
        version: Some(1),
        ..Default::default()
    };
    cases::update(&mut conn, &id, &input, &l.staff, now()).unwrap();

    // 令和7年度 without C3: C2, C4, C6; 入退院支援 keeps only C4, 来所 is gone.
    let c = &report_of(&conn, &fiscal(2025)).consultations;
    assert_eq!(totals(c), (3, 3, 4, 7));
    assert_eq!(
        nonzero(&c.categories),
        [
            ("往診医・訪問診療の紹介", 1, 1, 3, 4),
            ("入退院支援", 1, 1, 0, 1),
            ("認知症", 2, 2, 3, 5),
        ]
    );
    assert_eq!(nonzero(&c.intake_methods), [("電話", 3, 3, 4, 7)]);
    // 令和6年度: C1 (2025-03-31) and C3 now, categories included.
    let c = &report_of(&conn, &fiscal(2024)).consultations;
    assert_eq!(totals(c), (2, 2, 0, 2));
    assert_eq!(
        nonzero(&c.categories),
        [
            ("往診医・訪問診療の紹介", 1, 1, 0, 1),
            ("入退院支援", 1, 1, 0, 1)
        ]
    );
}

/// (実数, 受付件数, 経過記録, 延べ件数) of the row named `name`, zeros if absent.
fn row(rows: &[Tally], name: &str) -> (i64, i64, i64, i64) {
    rows.iter()
        .find(|t| t.name == name)
        .map(|t| (t.persons, t.cases, t.entries, t.total))
        .unwrap_or_default()
}

#[test]
fn a_person_who_moves_keeps_earlier_cases_in_the_old_city() {
    let (_dir, mut conn) = build();
    let l = lists(&conn);
    let o = office::load(&conn).unwrap();
    let (sakado, tsuru) = (&o.cities[0], &o.cities[1]);
    let new_area = format!("{} {}", sakado.name, sakado.areas[1].name);
    let old_area = format!("{} {}", tsuru.name, tsuru.areas[0].name);
    let before = report_of(&conn, &fiscal(2025));
    let b = &before.consultations;
    // 鶴島 二郎 (C3, C4 in 鶴ヶ島市) moves to 坂戸市 and consults again.
    let person_id: String = conn
        .query_row(
            "SELECT person_id FROM cases WHERE received_at = '2025-05-01T11:00:00'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let moved = Person {
        name: "鶴島 二郎",
        city: sakado.id.clone(),
        area: sakado.areas[1].id.clone(),
    };
    case(
        &mut conn,
        &l,
        Case {
            person: &moved,
            person_id: Some(person_id),
            date: "2025-12-01",
            time: "09:00",
            method: &l.phone,
            consulter: &l.family,
            categories: vec![&l.doctor],
            minutes: "",
        },
    );

    let after = report_of(&conn, &fiscal(2025));
    let a = &after.consultations;
    // The earlier cases stay where they were received; only the new one
    // counts in 坂戸市 (a new person there: 実数 +1, 受付 +1).
    assert_eq!(row(&a.cities, &tsuru.name), row(&b.cities, &tsuru.name));
    assert_eq!(row(&a.areas, &old_area), row(&b.areas, &old_area));
    let (p, c, e, t) = row(&b.cities, &sakado.name);
    assert_eq!(row(&a.cities, &sakado.name), (p + 1, c + 1, e, t + 1));
    assert_eq!(row(&a.areas, &new_area), (1, 1, 0, 1));
    assert_eq!(row(&b.areas, &new_area), (0, 0, 0, 0));
    assert_eq!((a.persons, a.cases), (b.persons, b.cases + 1));
}

/// (実数, 受付件数 新規, 継続, 経過記録, 延べ件数) of a report.
fn figures(r: &Report) -> (i64, i64, i64, i64, i64) {
    let c = &r.consultations;
    (
        c.persons,
        c.new_cases,
        c.continuing_cases,
        c.entries,
        c.total,
    )
}

/// The data of [`build`] and, in 令和7年度: P5 living in a neighbouring
/// town (市外) with C7 2025-06-10 (新規, 25 分) and E6 2025-06-12 (5 分);
/// P6 without a 市 with C8 2025-07-01 (新規); 2 booklets issued to 市外 on
/// 2025-09-01; a doctor (往診) in 坂戸市 and an organisation in 鶴ヶ島市.
fn build_with_cities() -> (tempfile::TempDir, Connection) {
    let (dir, mut conn) = build();
    let l = lists(&conn);
    let o = office::load(&conn).unwrap();
    let (sakado, tsuru) = (o.cities[0].id.clone(), o.cities[1].id.clone());
    let outsider = Person {
        name: "市外 五郎",
        city: office::OUTSIDE_CITY_ID.into(),
        area: String::new(),
    };
    let nowhere = Person {
        name: "不明 六子",
        city: String::new(),
        area: String::new(),
    };
    let c7 = Case {
        person: &outsider,
        person_id: None,
        date: "2025-06-10",
        time: "10:00",
        method: &l.phone,
        consulter: &l.own,
        categories: vec![&l.dementia],
        minutes: "25",
    };
    let (c7, _) = case(&mut conn, &l, c7);
    entry(&mut conn, &l, &c7, "2025-06-12", "5");
    let c8 = Case {
        person: &nowhere,
        person_id: None,
        date: "2025-07-01",
        time: "11:00",
        method: &l.visit,
        consulter: &l.family,
        categories: vec![&l.discharge],
        minutes: "",
    };
    case(&mut conn, &l, c8);

    let edition = booklets::editions(&conn).unwrap()[0].id.clone();
    let issue = BookletEntry {
        city_id: office::OUTSIDE_CITY_ID.into(),
        ..BookletEntry::issue(&edition, "2025-09-01", "2", seeded_channel::COUNTER)
    };
    booklets::add_entry(&mut conn, &issue, "", now()).unwrap();
    let doctor = DoctorInput {
        name: "四医師".into(),
        clinic: "四医院".into(),
        home_visits: true,
        city_id: Some(sakado),
        registered_on: "2025-04-01".into(),
        ..Default::default()
    };
    registries::save_doctor(&mut conn, &doctor, now()).unwrap();
    let organisation = OrganisationInput {
        name: "鶴ヶ島の事業所".into(),
        city_id: Some(tsuru),
        registered_on: "2025-04-01".into(),
        ..Default::default()
    };
    organisations::save(&conn, &organisation, now()).unwrap();
    (dir, conn)
}

fn city_report(conn: &Connection, name: &str) -> Report {
    let city = report::city_by_name(conn, name).unwrap();
    report::build_for(conn, &fiscal(2025), Some(&city), today()).unwrap()
}

#[test]
fn a_report_per_city_counts_that_city_only_and_the_cities_add_up() {
    let (_dir, conn) = build_with_cities();
    let all = report_of(&conn, &fiscal(2025));
    let sakado = city_report(&conn, "坂戸市");
    let tsuru = city_report(&conn, "鶴ヶ島市");
    let outside = city_report(&conn, "市外");

    assert_eq!(
        sakado.title,
        "令和7年度 在宅医療・介護連携推進事業 事業報告（坂戸市）"
    );
    assert_eq!(
        outside.title,
        "令和7年度 在宅医療・介護連携推進事業 事業報告（市外）"
    );
    assert_eq!(all.city, None);
    assert_eq!(sakado.city.as_deref(), Some("坂戸市"));
    // The report says what it covers, first among its definitions.
    assert_eq!(sakado.definitions[0].term, "坂戸市の報告");
    assert!(sakado.definitions[0]
        .text
        .contains("受付時に記録した対象者の市が坂戸市の相談"));
    assert!(outside.definitions[0]
        .text
        .starts_with("市外（近隣の町）の分だけ"));
    assert!(all.definitions.iter().all(|d| !d.term.ends_with("の報告")));

    // 坂戸市: P1's C2 (継続) and the entries E1 (of C1, received last
    // year), E2, E3.
    assert_eq!(figures(&sakado), (1, 0, 1, 3, 4));
    // 鶴ヶ島市: C3 (新規), C4 (継続) of P2, C6 (新規) of P4, and E5.
    assert_eq!(figures(&tsuru), (2, 2, 1, 1, 4));
    // 市外: P5's C7 and E6.
    assert_eq!(figures(&outside), (1, 1, 0, 1, 2));
    // All: the above and P6's C8 (市の記録なし).
    assert_eq!(figures(&all), (5, 4, 2, 5, 11));
    let s = &sakado.consultations;
    assert_eq!((s.timed, s.minutes, s.average_minutes), (3, 75, Some(25.0)));
    assert_eq!(
        nonzero(&s.months),
        [("令和7年4月", 1, 1, 2, 3), ("令和7年5月", 1, 0, 1, 1)]
    );
    assert_eq!(
        nonzero(&s.categories),
        [
            ("往診医・訪問診療の紹介", 1, 1, 3, 4),
            ("認知症", 1, 1, 2, 3)
        ]
    );
    assert_eq!(nonzero(&s.cities), [("坂戸市", 1, 1, 3, 4)]);
    assert_eq!(
        nonzero(&outside.consultations.cities),
        [("市外", 1, 1, 1, 2)]
    );
    // The whole office lists 市外 as a 市 and P6 under 市の記録なし.
    assert_eq!(
        nonzero(&all.consultations.cities),
        [
            ("坂戸市", 1, 1, 3, 4),
            ("鶴ヶ島市", 2, 3, 1, 4),
            ("市外", 1, 1, 1, 2),
            ("市の記録なし", 1, 1, 0, 1),
        ]
    );

    // Additive counts: 坂戸市 + 鶴ヶ島市 + 市外 + 市の記録なし = all.
    let nowhere = (1, 1, 0, 0, 1); // C8: 実数 1, 新規 1, 延べ 1
    let sum = [
        figures(&sakado),
        figures(&tsuru),
        figures(&outside),
        nowhere,
    ]
    .into_iter()
    .fold((0, 0, 0, 0, 0), |a, f| {
        (a.0 + f.0, a.1 + f.1, a.2 + f.2, a.3 + f.3, a.4 + f.4)
    });
    assert_eq!(sum, figures(&all));
    for (i, m) in all.consultations.months.iter().enumerate() {
        let by_city: i64 = [&sakado, &tsuru, &outside]
            .iter()
            .map(|r| r.consultations.months[i].total)
            .sum::<i64>()
            + i64::from(m.name == "令和7年7月");
        assert_eq!(by_city, m.total, "{}", m.name);
    }

    // 意志表示帳: 坂戸市 10 (1), 鶴ヶ島市 5 (1), 市外 2 (1); all 17 (3).
    let issued = |r: &Report| {
        let b = &r.awareness.booklets;
        (b.issued, b.issue_entries)
    };
    assert_eq!(issued(&sakado), (10, 1));
    assert_eq!(issued(&tsuru), (5, 1));
    assert_eq!(issued(&outside), (2, 1));
    assert_eq!(issued(&all), (17, 3));

    // 名簿: D4 (往診) is in 坂戸市, the new organisation in 鶴ヶ島市; D1,
    // D2, the hospital and the first organisation have no 市.
    let reg = |r: &Report| {
        let a = &r.resources;
        (a.doctors, a.home_visits, a.bed_hospitals, a.organisations)
    };
    assert_eq!(reg(&sakado), (1, 1, 0, 0));
    assert_eq!(reg(&tsuru), (0, 0, 0, 1));
    assert_eq!(reg(&outside), (0, 0, 0, 0));
    assert_eq!(reg(&all), (3, 3, 1, 2));
    // No lecture was held in any 市.
    for r in [&sakado, &tsuru, &outside, &all] {
        assert_eq!(r.awareness.lectures.as_ref().unwrap().sessions_held, 0);
    }

    // The CSV names the city.
    let csv = String::from_utf8(report::to_csv(&sakado)).unwrap();
    assert!(csv.contains("報告,対象の市,坂戸市"), "{csv}");
}

#[test]
fn a_city_is_chosen_by_a_known_id_or_name_and_refused_in_japanese_otherwise() {
    let (_dir, conn) = build();
    let err = report::city_by_name(&conn, "川越市")
        .unwrap_err()
        .to_string();
    assert!(err.contains("市「川越市」は登録されていません"), "{err}");
    assert!(err.contains("「坂戸市」・「鶴ヶ島市」・「市外」"), "{err}");
    let err = report::city_by_id(&conn, "0c17eeee-0000-4000-8000-000000000000")
        .unwrap_err()
        .to_string();
    assert!(err.contains("選ばれた市が見つかりません"), "{err}");
    assert!(report::city_by_id(&conn, "").unwrap().is_none());
    let outside = report::city_by_id(&conn, office::OUTSIDE_CITY_ID)
        .unwrap()
        .unwrap();
    assert_eq!(outside.name, "市外");
}

#[test]
fn outside_is_a_choice_for_persons_but_not_an_office_city_in_the_settings() {
    let (_dir, mut conn) = build();
    let o = office::load(&conn).unwrap();
    assert!(o.cities.iter().all(|c| c.name != "市外"));
    let choices = cases::form_options(&conn, today()).unwrap().cities;
    assert_eq!(choices.last().unwrap().name, "市外");
    // Saving the settings as they are keeps 市外; naming a city 市外 is refused.
    office::save(&mut conn, &office::OfficeInput::from(&o), now()).unwrap();
    let again = cases::form_options(&conn, today()).unwrap().cities;
    assert_eq!(again, choices);
    let mut input = office::OfficeInput::from(&o);
    input.cities[1].name = "市外".into();
    let err = office::save(&mut conn, &input, now())
        .unwrap_err()
        .to_string();
    assert!(err.contains("「市外」は近隣の町の住民"), "{err}");
}

#[test]
fn the_awareness_rule_is_chosen_for_the_office_and_printed_in_the_definitions() {
    let (_dir, conn) = build();
    let lecture_text = |r: &Report| {
        r.definitions
            .iter()
            .find(|d| d.term == "講座")
            .map(|d| d.text.clone())
            .unwrap()
    };
    let before = report_of(&conn, &fiscal(2025));
    assert!(
        lecture_text(&before).contains("最初の選択肢（知っている）だけを選んだ人の割合"),
        "{}",
        lecture_text(&before)
    );
    assert_eq!(
        report::settings(&conn).unwrap().awareness_rule,
        zaitaku_core::lectures::AwarenessRule::FirstChoice
    );

    let junk = report::ReportSettingsInput {
        awareness_rule: "everyone".into(),
    };
    let err = report::save_settings(&conn, &junk).unwrap_err();
    assert!(
        matches!(&err, zaitaku_core::Error::Invalid { field, .. } if field == "awareness_rule"),
        "{err:?}"
    );
    let two = report::ReportSettingsInput {
        awareness_rule: "first_two".into(),
    };
    let saved = report::save_settings(&conn, &two).unwrap();
    assert_eq!(
        saved.awareness_rule,
        zaitaku_core::lectures::AwarenessRule::FirstTwo
    );
    let after = report_of(&conn, &fiscal(2025));
    assert!(lecture_text(&after).contains("最初の2つの選択肢（知っている・聞いたことはある）"));

    // With answers (the demo year's lectures), the first two count more.
    let dir = tempfile::tempdir().unwrap();
    let mut demo_db = store::open(&dir.path().join("demo.db")).unwrap();
    demo::fill(&mut demo_db, now()).unwrap();
    let share = |conn: &Connection| {
        report_of(conn, &fiscal(2025))
            .awareness
            .lectures
            .unwrap()
            .awareness
            .unwrap()
    };
    let first = share(&demo_db);
    report::save_settings(&demo_db, &two).unwrap();
    assert!(share(&demo_db) > first, "{} vs {first}", share(&demo_db));
    let csv = String::from_utf8(report::to_csv(&after)).unwrap();
    assert!(
        csv.contains("聞いたことはある"),
        "the CSV prints the definition too"
    );
}

#[test]
fn the_citys_wording_is_used_in_the_files_and_the_pdf_and_bad_words_are_refused() {
    use zaitaku_core::print::{self, PrintJob};
    use zaitaku_core::report::wording::{self, LabelInput};
    let (_dir, mut conn) = build();
    let word = |default: &str, value: &str| LabelInput {
        default: default.into(),
        value: value.into(),
    };
    let section_a = "ア 地域の医療・介護の資源の把握";
    let labels = wording::labels(&conn).unwrap();
    assert!(labels
        .iter()
        .any(|l| l.group == "章の見出し" && l.default == section_a && l.value == section_a));
    assert!(labels.iter().any(|l| l.default == "往診登録医"));
    assert!(labels.iter().any(|l| l.default == "実人数"));

    // Refused, nothing saved: an unknown word, a second line, two 章 with
    // one sheet name.
    let err = wording::save_labels(&mut conn, &[word("夕食", "朝食")]).unwrap_err();
    assert!(
        matches!(&err, zaitaku_core::Error::Invalid { field, .. } if field == "labels.0.value")
    );
    let err = wording::save_labels(&mut conn, &[word("往診登録医", "二行\n目")]).unwrap_err();
    assert!(
        matches!(&err, zaitaku_core::Error::Invalid { .. }),
        "{err:?}"
    );
    let same = [
        word("イ 在宅医療・介護連携の課題の抽出と対応策の検討", "会議"),
        word(
            "ウ 切れ目のない在宅医療と在宅介護の提供体制の構築推進",
            "会議",
        ),
    ];
    let err = wording::save_labels(&mut conn, &same).unwrap_err();
    match err {
        zaitaku_core::Error::Invalid { field, message } => {
            assert_eq!(field, "labels.1.value");
            assert!(message.contains("シート名"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(report_of(&conn, &fiscal(2025)).wording, Default::default());

    let saved = wording::save_labels(
        &mut conn,
        &[
            word(section_a, "ア 医療・介護資源の把握"),
            word("往診登録医", "在宅医療協力医"),
            word("実人数", "実利用者数"),
            word("月別", "月ごと"),
        ],
    )
    .unwrap();
    assert!(saved
        .iter()
        .any(|l| l.default == "往診登録医" && l.value == "在宅医療協力医"));
    let r = report_of(&conn, &fiscal(2025));
    let csv = String::from_utf8(report::to_csv(&r)).unwrap();
    for line in [
        "ア 医療・介護資源の把握,名簿,在宅医療協力医,件数,2",
        "オ 在宅医療・介護連携に関する相談支援,合計,実利用者数,,3",
        "オ 在宅医療・介護連携に関する相談支援,月ごと,令和7年4月,実利用者数,",
    ] {
        assert!(csv.lines().any(|l| l.starts_with(line)), "missing {line}");
    }
    assert!(!csv.contains("往診登録医,件数"), "the old word is gone");
    // The workbook's sheet is named by the new heading.
    let xlsx = report::to_xlsx(&r).unwrap();
    let book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    assert!(calamine::Reader::sheet_names(&book).contains(&"ア 医療・介護資源の把握".to_string()));
    // The PDF prints the same words.
    let job = PrintJob::YearReport {
        period: fiscal(2025),
        city_id: String::new(),
    };
    let pdf = print::pdf::write(&print::render(&conn, &job, today()).unwrap());
    let text = crate::util::pdftotext(&pdf);
    assert!(text.contains("ア 医療・介護資源の把握"), "{text}");
    assert!(text.contains("在宅医療協力医"), "{text}");

    // Empty is the default again.
    wording::save_labels(&mut conn, &[word("往診登録医", "")]).unwrap();
    let r = report_of(&conn, &fiscal(2025));
    assert_eq!(r.wording.of("往診登録医"), "往診登録医");
    assert_eq!(r.wording.of("実人数"), "実利用者数");
}
