//! 集計・報告 of contacts: 実人数 (新規・継続) by any contact in the period,
//! 延べ by each contact's own 手段 and 相手, memos left out, enquiries without
//! a patient in 受付件数 and 延べ but never in 実人数, and the tables 対応別,
//! 転帰別 and 4つの場面別 — every figure against the hand count below,
//! for the whole office and per city.
//!
//! The data (令和7年度 = 2025-04-01 … 2026-03-31):
//!
//! | case | who | 受付日     | 新規 | 方法 | 相談者   | 場面           | 対応         | 転帰     |
//! |------|-----|------------|------|------|----------|----------------|--------------|----------|
//! | C1   | P1  | 2025-02-10 | 新規 | 電話 | 家族     | 看取り         | 情報提供     | 死亡     |
//! | C2   | P2  | 2025-05-01 | 新規 | 来所 | 本人     | 日常, 入退院   | 情報, 医療機関紹介 | —  |
//! | C3   | P3  | 2025-06-01 | 継続 | 電話 | ケアマネ | —              | —            | 在宅療養継続 |
//! | C4   | —   | 2025-07-01 | 新規 | 電話 | ケアマネ | 日常           | 情報提供     | —        |
//! | C5   | P1  | 2025-08-01 | 新規 | 電話 | 家族     | —              | —            | —        |
//!
//! 経過記録: E1 C1 2025-04-05 訪問・医療機関・医療機関紹介; E2 C1 04-06 メモ;
//! E3 C2 05-02 (no 手段, no 相手, no 対応); E4 C2 05-03 会議・ケアマネジャー・
//! 情報提供; E5 C4 07-02 電話・ケアマネジャー; E6 C4 07-03 メモ.
//! P1, P3: 坂戸市; P2: 鶴ヶ島市; C4 is an enquiry without a patient.

use chrono::{NaiveDate, NaiveDateTime};
use zaitaku_core::cases::lists::{self, ListKind};
use zaitaku_core::cases::{self, CaseInput, EntryInput, PersonInput};
use zaitaku_core::report::{self, Consultations, Report, ReportPeriod, Tally};
use zaitaku_core::store::{self, Connection};
use zaitaku_core::{demo, office};

use crate::util::list_item as item;

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 5, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

/// A case of the table: (person id or None for a new one, person name,
/// city, 受付日, 新規, 方法, 相談者, 場面, 対応, 転帰).
struct Row<'a> {
    person: Option<&'a str>,
    name: &'a str,
    city: &'a str,
    date: &'a str,
    is_new: bool,
    method: &'a str,
    consulter: &'a str,
    scenes: &'a [&'a str],
    responses: &'a [&'a str],
    outcome: &'a str,
}

fn case(conn: &mut Connection, staff: &str, r: Row) -> (String, Option<String>) {
    let ids = |kind, names: &[&str]| -> Vec<String> {
        names.iter().map(|n| item(conn, kind, n)).collect()
    };
    let input = CaseInput {
        received_date: r.date.into(),
        received_time: "10:00".into(),
        intake_method_id: item(conn, ListKind::IntakeMethod, r.method),
        consulter_type_id: item(conn, ListKind::ConsulterType, r.consulter),
        is_new: r.is_new,
        no_person: r.name.is_empty(),
        new_person: r.person.is_none() && !r.name.is_empty(),
        person: PersonInput {
            id: r.person.map(str::to_string),
            name: r.name.into(),
            city_id: r.city.into(),
            ..Default::default()
        },
        category_ids: ids(ListKind::Category, &["その他"]),
        scene_ids: ids(ListKind::Scene, r.scenes),
        response_ids: ids(ListKind::Response, r.responses),
        outcome_id: if r.outcome.is_empty() {
            String::new()
        } else {
            item(conn, ListKind::Outcome, r.outcome)
        },
        staff_id: staff.into(),
        status: if r.outcome.is_empty() {
            "対応中"
        } else {
            "終結"
        }
        .into(),
        ..Default::default()
    };
    let d = cases::create(conn, &input, staff, now()).unwrap();
    (d.id, d.person.map(|p| p.id))
}

/// An entry: date, 手段, 相手, 対応 (names; empty for none), contact or memo.
fn entry(
    conn: &mut Connection,
    staff: &str,
    case_id: &str,
    (date, method, party, response, contact): (&str, &str, &str, &str, bool),
) {
    let named = |kind, name: &str| {
        if name.is_empty() {
            String::new()
        } else {
            item(conn, kind, name)
        }
    };
    let input = EntryInput {
        date: date.into(),
        staff_id: staff.into(),
        note: "経過".into(),
        contact,
        method_id: named(ListKind::IntakeMethod, method),
        party_id: named(ListKind::ContactParty, party),
        response_id: named(ListKind::Response, response),
        ..Default::default()
    };
    cases::add_entry(conn, case_id, &input, true, staff, now()).unwrap();
}

fn build() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = store::open(&dir.path().join("office.db")).unwrap();
    office::save(&mut conn, &demo::office_input(), now()).unwrap();
    demo::cases::seed_lists(&mut conn, now()).unwrap();
    let staff = lists::list(&conn, ListKind::Staff).unwrap().items[0]
        .id
        .clone();
    let o = office::load(&conn).unwrap();
    let (sakado, tsuru) = (o.cities[0].id.clone(), o.cities[1].id.clone());
    let base = Row {
        person: None,
        name: "",
        city: "",
        date: "",
        is_new: true,
        method: "電話",
        consulter: "本人",
        scenes: &[],
        responses: &[],
        outcome: "",
    };
    let (c1, p1) = case(
        &mut conn,
        &staff,
        Row {
            name: "坂戸 一子",
            city: &sakado,
            date: "2025-02-10",
            consulter: "家族・親族",
            scenes: &["看取り"],
            responses: &["情報提供"],
            outcome: "死亡",
            ..base
        },
    );
    let (c2, _) = case(
        &mut conn,
        &staff,
        Row {
            name: "鶴島 二郎",
            city: &tsuru,
            date: "2025-05-01",
            method: "来所",
            scenes: &["日常の療養支援", "入退院支援"],
            responses: &["情報提供", "医療機関紹介"],
            ..base
        },
    );
    case(
        &mut conn,
        &staff,
        Row {
            name: "坂戸 三枝",
            city: &sakado,
            date: "2025-06-01",
            is_new: false,
            consulter: "ケアマネジャー",
            outcome: "在宅療養継続",
            ..base
        },
    );
    let (c4, nobody) = case(
        &mut conn,
        &staff,
        Row {
            date: "2025-07-01",
            consulter: "ケアマネジャー",
            scenes: &["日常の療養支援"],
            responses: &["情報提供"],
            ..base
        },
    );
    assert_eq!(nobody, None);
    case(
        &mut conn,
        &staff,
        Row {
            person: p1.as_deref(),
            name: "坂戸 一子",
            city: &sakado,
            date: "2025-08-01",
            consulter: "家族・親族",
            ..base
        },
    );
    for (case_id, e) in [
        (
            &c1,
            ("2025-04-05", "訪問", "医療機関", "医療機関紹介", true),
        ),
        (&c1, ("2025-04-06", "", "", "", false)),
        (&c2, ("2025-05-02", "", "", "", true)),
        (
            &c2,
            ("2025-05-03", "会議", "ケアマネジャー", "情報提供", true),
        ),
        (&c4, ("2025-07-02", "電話", "ケアマネジャー", "", true)),
        (&c4, ("2025-07-03", "", "", "", false)),
    ] {
        entry(&mut conn, &staff, case_id, e);
    }
    (dir, conn)
}

fn year(conn: &Connection, city: Option<&str>) -> Report {
    let city = city.map(|name| report::city_by_name(conn, name).unwrap());
    let period = ReportPeriod::Fiscal { year: 2025 };
    report::build_for(conn, &period, city.as_ref(), now().date()).unwrap()
}

/// (name, 実人数, 受付件数, 経過記録, 延べ件数) of the rows with any count.
fn nonzero(rows: &[Tally]) -> Vec<(&str, i64, i64, i64, i64)> {
    rows.iter()
        .filter(|t| t.total > 0)
        .map(|t| (t.name.as_str(), t.persons, t.cases, t.entries, t.total))
        .collect()
}

/// (実人数, 新規, 継続, 受付件数, 対象者なし, 経過記録, メモ, 延べ件数).
fn totals(c: &Consultations) -> (i64, i64, i64, i64, i64, i64, i64, i64) {
    (
        c.persons,
        c.new_persons,
        c.continuing_persons,
        c.cases,
        c.no_person_cases,
        c.entries,
        c.memos,
        c.total,
    )
}

#[test]
fn contacts_persons_and_the_new_tables_match_the_hand_count() {
    let (_dir, conn) = build();
    let r = year(&conn, None);
    let c = &r.consultations;
    // 受付 C2, C3, C4, C5 (新規 C2, C4, C5; 継続 C3; 対象者なし C4);
    // contacts E1, E3, E4, E5; memos E2, E6; 延べ 4 + 4 = 8.
    // 実人数 P1 (E1, C5), P2, P3 = 3 — never C4. 新規: P2 only (P1's C5 is
    // marked 新規, but P1 was supported on C1 of the year before); 継続: P1
    // and P3 (C3 was marked 継続).
    assert_eq!(totals(c), (3, 1, 2, 4, 1, 4, 2, 8));
    assert_eq!((c.new_cases, c.continuing_cases), (3, 1));

    // By month: 4月 E1 (P1); 5月 C2, E3, E4 (P2); 6月 C3 (P3); 7月 C4, E5
    // (nobody); 8月 C5 (P1).
    assert_eq!(
        nonzero(&c.months),
        [
            ("令和7年4月", 1, 0, 1, 1),
            ("令和7年5月", 1, 1, 2, 3),
            ("令和7年6月", 1, 1, 0, 1),
            ("令和7年7月", 0, 1, 1, 2),
            ("令和7年8月", 1, 1, 0, 1),
        ]
    );
    // 手段: receptions by 受付方法 (C2 来所; C3, C4, C5 電話), contacts by
    // their own 手段 (E1 訪問, E4 会議, E5 電話) or, without one, by their
    // case's 受付方法 (E3 → 来所).
    assert_eq!(
        nonzero(&c.intake_methods),
        [
            ("電話", 2, 3, 1, 4),
            ("来所", 1, 1, 1, 2),
            ("訪問", 1, 0, 1, 1),
            ("会議", 1, 0, 1, 1),
        ]
    );
    // 相談者種別・相手: C2 本人, C3 and C4 ケアマネジャー, C5 家族・親族;
    // E1 医療機関, E3 (no 相手) → its case's 本人, E4 and E5 ケアマネジャー.
    // 医療機関 is a 相手 only, so it follows the 相談者種別 rows.
    assert_eq!(
        nonzero(&c.consulter_types),
        [
            ("本人", 1, 1, 1, 2),
            ("家族・親族", 1, 1, 0, 1),
            ("ケアマネジャー", 2, 2, 2, 4),
            ("医療機関", 1, 0, 1, 1),
        ]
    );
    // 対応: C2 情報提供 + 医療機関紹介, C4 情報提供, C3 and C5 none; E1
    // 医療機関紹介, E4 情報提供, E3 and E5 none.
    assert_eq!(
        nonzero(&c.responses),
        [
            ("情報提供", 1, 2, 1, 3),
            ("医療機関紹介", 2, 1, 1, 2),
            ("対応の記録なし", 3, 2, 2, 4),
        ]
    );
    // 転帰 of each case as recorded now: C1 死亡 (E1), C3 在宅療養継続, the
    // rest none.
    assert_eq!(
        nonzero(&c.outcomes),
        [
            ("在宅療養継続", 1, 1, 0, 1),
            ("死亡", 1, 0, 1, 1),
            ("転帰の記録なし（対応中など）", 2, 3, 3, 6),
        ]
    );
    // 場面: C2 日常 + 入退院 (C2, E3, E4), C4 日常 (C4, E5), C1 看取り (E1),
    // C3 and C5 none.
    assert_eq!(
        nonzero(&c.scenes),
        [
            ("日常の療養支援", 1, 2, 3, 5),
            ("入退院支援", 1, 1, 2, 3),
            ("看取り", 1, 0, 1, 1),
            ("場面の記録なし", 2, 2, 0, 2),
        ]
    );
    assert_eq!(
        c.scenes.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        [
            "日常の療養支援",
            "入退院支援",
            "急変時の対応",
            "看取り",
            "場面の記録なし"
        ],
        "every 場面 is listed"
    );
    // 市: the enquiry without a patient has a row of its own.
    assert_eq!(
        nonzero(&c.cities),
        [
            ("坂戸市", 2, 2, 1, 3),
            ("鶴ヶ島市", 1, 1, 2, 3),
            (report::NO_PERSON_ROW, 0, 1, 1, 2),
        ]
    );
    assert!(nonzero(&c.areas).contains(&(report::NO_PERSON_ROW, 0, 1, 1, 2)));
}

#[test]
fn city_reports_leave_out_enquiries_without_a_patient_and_add_up() {
    let (_dir, conn) = build();
    let all = year(&conn, None);
    let sakado = year(&conn, Some("坂戸市"));
    let tsuru = year(&conn, Some("鶴ヶ島市"));
    // 坂戸市: C3, C5, E1 (memo E2): P1 継続 (C1 last year), P3 継続.
    assert_eq!(totals(&sakado.consultations), (2, 0, 2, 2, 0, 1, 1, 3));
    // 鶴ヶ島市: C2, E3, E4: P2 新規.
    assert_eq!(totals(&tsuru.consultations), (1, 1, 0, 1, 0, 2, 0, 3));
    // The enquiry (C4, E5, memo E6) is in the whole office's report only.
    let a = &all.consultations;
    let (s, t) = (&sakado.consultations, &tsuru.consultations);
    assert_eq!(a.total, s.total + t.total + 2);
    assert_eq!(a.persons, s.persons + t.persons);
    assert_eq!(a.memos, s.memos + t.memos + 1);
    assert!(s.cities.iter().all(|t| t.name != report::NO_PERSON_ROW));
    assert!(sakado.definitions[0]
        .text
        .contains("対象者なしの相談は入りません"));
    assert_eq!(
        nonzero(&s.intake_methods),
        [("電話", 2, 2, 0, 2), ("訪問", 1, 0, 1, 1)]
    );
}

#[test]
fn the_new_tables_and_their_definitions_reach_the_csv_and_the_pdf() {
    let (_dir, conn) = build();
    let r = year(&conn, None);
    let rows = report::rows(&r);
    let find = |table: &str, name: &str, measure: &str| {
        rows.iter()
            .find(|row| row.table == table && row.name == name && row.measure == measure)
            .map(|row| row.value.clone())
            .unwrap_or_else(|| panic!("{table} {name} {measure}"))
    };
    use zaitaku_core::xlsx::Value;
    assert_eq!(find("合計", "実人数", ""), Value::Count(3));
    assert_eq!(find("合計", "うち新規", ""), Value::Count(1));
    assert_eq!(find("合計", "うち対象者なし", ""), Value::Count(1));
    assert_eq!(find("合計", "メモ（延べに含めない）", ""), Value::Count(2));
    assert_eq!(find("対応別", "情報提供", "延べ件数"), Value::Count(3));
    assert_eq!(find("転帰別", "死亡", "経過記録"), Value::Count(1));
    assert_eq!(
        find("4つの場面別", "日常の療養支援", "実人数"),
        Value::Count(1)
    );
    assert_eq!(
        find("受付方法・手段別", "会議", "延べ件数"),
        Value::Count(1)
    );
    let terms: Vec<&str> = r.definitions.iter().map(|d| d.term.as_str()).collect();
    for term in [
        "実人数",
        "実人数の新規・継続",
        "延べ件数",
        "受付方法・手段別",
        "相談者種別・相手別",
        "転帰別",
        "対象者なしの相談",
    ] {
        assert!(terms.contains(&term), "{term}");
        assert!(rows
            .iter()
            .any(|row| row.section == "定義" && row.table == term));
    }

    let job = zaitaku_core::print::PrintJob::YearReport {
        period: ReportPeriod::Fiscal { year: 2025 },
        city_id: String::new(),
    };
    let printed = zaitaku_core::print::render(&conn, &job, now().date()).unwrap();
    let text: String = printed.pages.iter().map(|p| p.text()).collect();
    for expected in [
        "4つの場面別",
        "対応別",
        "転帰別",
        "相談者種別・相手別",
        "実人数の新規・継続",
        "3 人（新規 1 人・継続 2 人）",
    ] {
        assert!(text.contains(expected), "PDF lacks {expected}");
    }
}
