//! 名簿: 往診登録医 (with もの忘れ相談医 and 圏域), 療養支援ベッド and 関係機関
//! through the public API — saving, refusals, search as typed, filters,
//! the registration-sheet reminder, newest-first bed updates, CSV, audit.

use chrono::{NaiveDate, NaiveDateTime};
use zaitaku_core::registries::organisations::{self, OrganisationFilter};
use zaitaku_core::registries::{
    self, BedFilter, BedUpdateInput, DoctorFilter, DoctorInput, SupportBedInput,
};
use zaitaku_core::store::{self, Connection};
use zaitaku_core::{demo, office};

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2025, 11, 24)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap()
}

fn with_office() -> (Connection, office::Office) {
    let mut conn = store::open_in_memory().unwrap();
    office::save(&mut conn, &demo::office_input(), now()).unwrap();
    let o = office::load(&conn).unwrap();
    (conn, o)
}

fn names(list: &[registries::Doctor]) -> Vec<&str> {
    list.iter().map(|d| d.name.as_str()).collect()
}

fn search(conn: &Connection, filter: DoctorFilter) -> Vec<String> {
    registries::doctors(conn, &filter, now().date())
        .unwrap()
        .into_iter()
        .map(|d| d.name)
        .collect()
}

#[test]
fn a_doctor_is_saved_with_areas_and_found_by_search_and_filters() {
    let (mut conn, o) = with_office();
    let tsuru = &o.cities[1];
    let saved = registries::save_doctor(
        &mut conn,
        &DoctorInput {
            name: " 若葉 太郎 ".into(),
            kana: "わかば たろう".into(),
            clinic: "若葉台ファミリークリニック".into(),
            phone: "０４９－２００－１２３４".into(),
            city_id: Some(tsuru.id.clone()),
            area_ids: vec![tsuru.areas[1].id.clone(), tsuru.areas[0].id.clone()],
            home_visits: true,
            end_of_life: true,
            dementia_consult: true,
            sheet_updated_on: "令和7年4月1日".into(),
            ..Default::default()
        },
        now(),
    )
    .unwrap();
    assert_eq!(saved.name, "若葉 太郎");
    assert_eq!(saved.phone, "049-200-1234");
    assert_eq!(saved.city_name, "鶴ヶ島市");
    assert_eq!(saved.area_names, ["北部圏域", "東部圏域"], "office order");
    assert_eq!(saved.sheet_updated_on.as_deref(), Some("2025-04-01"));
    assert_eq!(saved.sheet_label, "令和7年4月1日");
    assert!(!saved.sheet_due);

    registries::save_doctor(
        &mut conn,
        &DoctorInput {
            name: "坂戸 次郎".into(),
            kana: "さかど じろう".into(),
            clinic: "坂戸駅前内科".into(),
            city_id: Some(o.cities[0].id.clone()),
            sheet_updated_on: "2024-11-01".into(),
            ..Default::default()
        },
        now(),
    )
    .unwrap();

    // Search as typed: kana in katakana, half-width, part of a clinic name.
    for query in ["ワカバ", "ﾜｶﾊﾞ", "ファミリー", "わかば"] {
        let found = search(
            &conn,
            DoctorFilter {
                query: query.into(),
                ..Default::default()
            },
        );
        assert_eq!(found, ["若葉 太郎"], "query {query}");
    }
    let dementia = DoctorFilter {
        dementia_only: true,
        ..Default::default()
    };
    assert_eq!(search(&conn, dementia), ["若葉 太郎"]);
    let area = DoctorFilter {
        area_id: Some(tsuru.areas[1].id.clone()),
        ..Default::default()
    };
    assert_eq!(search(&conn, area), ["若葉 太郎"]);
    // 2024-11-01 is more than a year before 2025-11-24.
    let due = DoctorFilter {
        sheet_due_only: true,
        ..Default::default()
    };
    assert_eq!(search(&conn, due), ["坂戸 次郎"]);
    let all = registries::doctors(&conn, &DoctorFilter::default(), now().date()).unwrap();
    assert_eq!(names(&all), ["坂戸 次郎", "若葉 太郎"], "by ふりがな");

    // Retiring keeps the record but hides it unless asked.
    registries::save_doctor(
        &mut conn,
        &DoctorInput {
            id: Some(saved.id.clone()),
            name: saved.name.clone(),
            clinic: saved.clinic.clone(),
            area_ids: vec![tsuru.areas[0].id.clone()],
            retired: true,
            ..Default::default()
        },
        now(),
    )
    .unwrap();
    assert_eq!(search(&conn, DoctorFilter::default()), ["坂戸 次郎"]);
    let with_retired = registries::doctor(&conn, &saved.id, now().date()).unwrap();
    assert!(with_retired.retired);
    assert_eq!(with_retired.area_names, ["北部圏域"]);
}

#[test]
fn bad_doctor_input_is_refused_in_japanese_and_writes_nothing() {
    let (mut conn, o) = with_office();
    let base = DoctorInput {
        name: "医師".into(),
        clinic: "医院".into(),
        ..Default::default()
    };
    let cases = [
        (
            DoctorInput {
                name: " ".into(),
                ..base.clone()
            },
            "name",
        ),
        (
            DoctorInput {
                clinic: "".into(),
                ..base.clone()
            },
            "clinic",
        ),
        (
            DoctorInput {
                phone: "12".into(),
                ..base.clone()
            },
            "phone",
        ),
        (
            DoctorInput {
                sheet_updated_on: "2026-01-01".into(),
                ..base.clone()
            },
            "sheet_updated_on",
        ),
        (
            DoctorInput {
                area_ids: vec!["00000000-0000-4000-8000-000000000000".into()],
                ..base.clone()
            },
            "area_ids",
        ),
        (
            DoctorInput {
                city_id: Some("00000000-0000-4000-8000-000000000000".into()),
                area_ids: vec![o.cities[0].areas[0].id.clone()],
                ..base.clone()
            },
            "city_id",
        ),
    ];
    for (input, field) in cases {
        let err = registries::save_doctor(&mut conn, &input, now()).unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
        assert!(err.to_string().chars().any(|c| c > '\u{3000}'), "{err}");
    }
    assert!(
        registries::doctors(&conn, &DoctorFilter::default(), now().date())
            .unwrap()
            .is_empty()
    );
    registries::save_doctor(&mut conn, &base, now()).unwrap();
    let twice = registries::save_doctor(&mut conn, &base, now()).unwrap_err();
    assert_eq!(twice.field(), Some("name"));
    assert!(twice.to_string().contains("すでに登録"));
}

#[test]
fn bed_updates_are_shown_newest_first_and_checked_against_the_bed_count() {
    let (conn, o) = with_office();
    let bed = registries::save_bed(
        &conn,
        &SupportBedInput {
            hospital: "坂戸中央病院".into(),
            city_id: Some(o.cities[0].id.clone()),
            beds: "２".into(),
            ..Default::default()
        },
        now(),
    )
    .unwrap();
    assert_eq!(bed.beds, 2);
    assert!(bed.latest().is_none());
    for (day, free) in [
        ("2025-11-10", "0"),
        ("2025-11-20", "2"),
        ("2025-11-15", "1"),
    ] {
        let input = BedUpdateInput {
            checked_on: day.into(),
            free_beds: free.into(),
            note: String::new(),
        };
        registries::add_bed_update(&conn, &bed.id, &input, now()).unwrap();
    }
    let bed = registries::bed(&conn, &bed.id).unwrap();
    let order: Vec<(&str, i64)> = bed
        .updates
        .iter()
        .map(|u| (u.checked_on.as_str(), u.free_beds))
        .collect();
    assert_eq!(
        order,
        [("2025-11-20", 2), ("2025-11-15", 1), ("2025-11-10", 0)]
    );
    assert_eq!(bed.latest().unwrap().checked_label, "令和7年11月20日（木）");

    let too_many = BedUpdateInput {
        checked_on: "2025-11-21".into(),
        free_beds: "3".into(),
        note: String::new(),
    };
    let err = registries::add_bed_update(&conn, &bed.id, &too_many, now()).unwrap_err();
    assert_eq!(err.field(), Some("free_beds"));
    assert!(err.to_string().contains("2床"), "{err}");
    let future = BedUpdateInput {
        checked_on: "2025-12-01".into(),
        free_beds: "1".into(),
        note: String::new(),
    };
    let err = registries::add_bed_update(&conn, &bed.id, &future, now()).unwrap_err();
    assert_eq!(err.field(), Some("checked_on"));
    assert_eq!(registries::bed(&conn, &bed.id).unwrap().updates.len(), 3);

    let free = BedFilter {
        free_only: true,
        ..Default::default()
    };
    assert_eq!(registries::beds(&conn, &free).unwrap().len(), 1);
    let csv =
        String::from_utf8(registries::beds_csv(&conn, &BedFilter::default()).unwrap()).unwrap();
    assert!(csv.starts_with("\u{FEFF}病院名,市,電話番号,床数,最新の確認日,空床数"));
    assert!(
        csv.contains("坂戸中央病院,坂戸市,,2,令和7年11月20日（木）,2,"),
        "{csv}"
    );
}

#[test]
fn demo_registries_search_and_csv() {
    let mut conn = store::open_in_memory().unwrap();
    demo::fill_with_cases(&mut conn, now(), 0).unwrap();
    let today = now().date();
    let all = registries::doctors(&conn, &DoctorFilter::default(), today).unwrap();
    assert_eq!(all.len(), 23);
    assert!(all.iter().any(|d| d.sheet_due), "some sheets are due");
    assert!(all.iter().all(|d| !d.area_names.is_empty()));

    let csv = registries::doctors_csv(&conn, &DoctorFilter::default(), today).unwrap();
    let text = String::from_utf8(csv).unwrap();
    assert_eq!(text.matches("\r\n").count(), 24, "header and 23 doctors");
    assert!(text.starts_with("\u{FEFF}医師名,ふりがな,医療機関名"));

    let list = String::from_utf8(registries::dementia_list_csv(&conn, today).unwrap()).unwrap();
    let dementia = all.iter().filter(|d| d.dementia_consult).count();
    assert_eq!(list.matches("\r\n").count(), dementia + 1);
    assert!(list.starts_with("\u{FEFF}市,医療機関名,医師名,住所,電話番号\r\n"));

    let beds = registries::beds(&conn, &BedFilter::default()).unwrap();
    assert_eq!(beds.len(), 4);
    assert!(beds.iter().all(|b| !b.updates.is_empty()));

    let orgs = organisations::search(
        &conn,
        &OrganisationFilter {
            query: "包括".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        orgs.len(),
        10,
        "nine 地域包括支援センター for nine 圏域 and the lecture providers' 連絡会"
    );
    let tsuru = office::load(&conn).unwrap().cities[1].id.clone();
    let kind = OrganisationFilter {
        kind: "地域包括支援センター".into(),
        city_id: Some(tsuru),
        ..Default::default()
    };
    assert_eq!(organisations::search(&conn, &kind).unwrap().len(), 4);
    let csv = String::from_utf8(organisations::export_csv(&conn, &kind).unwrap()).unwrap();
    assert!(csv.starts_with("\u{FEFF}種別,機関名,部署"));
    assert_eq!(csv.matches("\r\n").count(), 5);
}

#[test]
fn registry_changes_are_in_the_audit_log_with_the_member() {
    let (mut conn, o) = with_office();
    store::audit::set_actor(&conn, "山田 花子").unwrap();
    let d = registries::save_doctor(
        &mut conn,
        &DoctorInput {
            name: "医師".into(),
            clinic: "医院".into(),
            area_ids: vec![o.cities[0].areas[0].id.clone()],
            ..Default::default()
        },
        now(),
    )
    .unwrap();
    let rows: Vec<(String, String, String)> = conn
        .prepare("SELECT actor, table_name, action FROM audit_log WHERE row_id = ?1 ORDER BY seq")
        .unwrap()
        .query_map([&d.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows,
        [
            ("山田 花子".into(), "doctors".into(), "insert".into()),
            ("山田 花子".into(), "doctor_areas".into(), "insert".into()),
        ]
    );
}
