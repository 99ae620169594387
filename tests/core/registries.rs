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

/// The names of the doctors a filter finds, by ふりがな.
fn search(conn: &Connection, change: impl Fn(&mut DoctorFilter)) -> Vec<String> {
    let mut filter = DoctorFilter::default();
    change(&mut filter);
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
        let found = search(&conn, |f| f.query = query.into());
        assert_eq!(found, ["若葉 太郎"], "query {query}");
    }
    assert_eq!(search(&conn, |f| f.dementia_only = true), ["若葉 太郎"]);
    let area = tsuru.areas[1].id.clone();
    assert_eq!(
        search(&conn, |f| f.area_id = Some(area.clone())),
        ["若葉 太郎"]
    );
    // 2024-11-01 is more than a year before 2025-11-24.
    assert_eq!(search(&conn, |f| f.sheet_due_only = true), ["坂戸 次郎"]);
    assert_eq!(
        search(&conn, |_| ()),
        ["坂戸 次郎", "若葉 太郎"],
        "by ふりがな"
    );

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
    assert_eq!(search(&conn, |_| ()), ["坂戸 次郎"]);
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
    let unknown = "00000000-0000-4000-8000-000000000000".to_string();
    let area = o.cities[0].areas[0].id.clone();
    let with = |change: &dyn Fn(&mut DoctorInput)| {
        let mut input = base.clone();
        change(&mut input);
        input
    };
    let cases = [
        (with(&|d| d.name = " ".into()), "name"),
        (with(&|d| d.clinic = "".into()), "clinic"),
        (with(&|d| d.phone = "12".into()), "phone"),
        (
            with(&|d| d.sheet_updated_on = "2026-01-01".into()),
            "sheet_updated_on",
        ),
        (with(&|d| d.area_ids = vec![unknown.clone()]), "area_ids"),
        (
            with(&|d| {
                d.city_id = Some(unknown.clone());
                d.area_ids = vec![area.clone()];
            }),
            "city_id",
        ),
        (with(&|d| d.id = Some(unknown.clone())), "id"),
    ];
    for (input, field) in cases {
        let err = registries::save_doctor(&mut conn, &input, now()).unwrap_err();
        match field {
            "id" => assert_eq!(err.kind(), "not_found", "{err}"),
            _ => assert_eq!(err.field(), Some(field), "{err}"),
        }
        assert!(err.to_string().chars().any(|c| c > '\u{3000}'), "{err}");
    }
    assert!(search(&conn, |_| ()).is_empty());
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
    let check = |day: &str, free: &str| {
        let input = BedUpdateInput {
            checked_on: day.into(),
            free_beds: free.into(),
            note: String::new(),
        };
        registries::add_bed_update(&conn, &bed.id, &input, now())
    };
    // Typed as people type: 全角, a unit.
    for (day, free) in [
        ("2025-11-10", "0"),
        ("令和7年11月20日", "２床"),
        ("2025-11-15", "1"),
    ] {
        check(day, free).unwrap();
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

    for (day, free, field, says) in [
        ("2025-11-21", "3", "free_beds", "床数（2床）を超えています"),
        ("2025-12-01", "1", "checked_on", "未来の日付"),
        ("2025-11-21", "-1", "free_beds", "負の数"),
        ("2025-11-21", "", "free_beds", "空床数を入力してください"),
    ] {
        let err = check(day, free).unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
        assert!(err.to_string().contains(says), "{err}");
    }
    assert_eq!(registries::bed(&conn, &bed.id).unwrap().updates.len(), 3);

    let free = BedFilter {
        free_only: true,
        ..Default::default()
    };
    assert_eq!(registries::beds(&conn, &free).unwrap().len(), 1);
    let csv = registries::beds_csv(&conn, &BedFilter::default()).unwrap();
    assert_eq!(csv.rows, 1);
    let csv = String::from_utf8(csv.bytes).unwrap();
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
    assert_eq!(csv.rows, 23);
    let text = String::from_utf8(csv.bytes).unwrap();
    assert_eq!(text.matches("\r\n").count(), 24, "header and 23 doctors");
    assert!(text.starts_with("\u{FEFF}医師名,ふりがな,医療機関名"));

    let list = registries::dementia_list_csv(&conn, today).unwrap();
    let dementia = all.iter().filter(|d| d.dementia_consult).count();
    assert_eq!(list.rows, dementia);
    let list = String::from_utf8(list.bytes).unwrap();
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
    let csv = organisations::export_csv(&conn, &kind).unwrap();
    assert_eq!(csv.rows, 4);
    let csv = String::from_utf8(csv.bytes).unwrap();
    assert!(csv.starts_with("\u{FEFF}種別,機関名,部署"));
    assert_eq!(csv.matches("\r\n").count(), 5);
}

fn audit_rows(conn: &Connection, id: &str) -> Vec<(String, String, String)> {
    conn.prepare("SELECT actor, table_name, action FROM audit_log WHERE row_id = ?1 ORDER BY seq")
        .unwrap()
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn registry_changes_are_in_the_audit_log_with_the_member() {
    let (mut conn, o) = with_office();
    store::audit::set_actor(&conn, "", "山田 花子").unwrap();
    let input = DoctorInput {
        name: "医師".into(),
        clinic: "医院".into(),
        area_ids: vec![o.cities[0].areas[0].id.clone()],
        ..Default::default()
    };
    let d = registries::save_doctor(&mut conn, &input, now()).unwrap();
    let row = |table: &str, action: &str| ("山田 花子".to_string(), table.into(), action.into());
    let inserted = [row("doctors", "insert"), row("doctor_areas", "insert")];
    assert_eq!(audit_rows(&conn, &d.id), inserted);

    // Saving the form unchanged records nothing; a real change, one update.
    let same = DoctorInput {
        id: Some(d.id.clone()),
        ..input
    };
    registries::save_doctor(&mut conn, &same, now()).unwrap();
    assert_eq!(audit_rows(&conn, &d.id), inserted);
    let phone = DoctorInput {
        phone: "049-200-1234".into(),
        ..same
    };
    registries::save_doctor(&mut conn, &phone, now()).unwrap();
    let changed = audit_rows(&conn, &d.id);
    assert_eq!(changed[2..], [row("doctors", "update")]);
    let created: String = conn
        .query_row(
            "SELECT created_at FROM doctors WHERE id = ?1",
            [&d.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(created, "2025-11-24T10:00:00", "kept on update");
}

#[test]
fn saving_beds_and_organisations_unchanged_records_nothing() {
    let (conn, _) = with_office();
    let bed_input = SupportBedInput {
        hospital: "坂戸中央病院".into(),
        beds: "2".into(),
        ..Default::default()
    };
    let bed = registries::save_bed(&conn, &bed_input, now()).unwrap();
    let org_input = organisations::OrganisationInput {
        name: "坂戸市地域包括支援センター".into(),
        ..Default::default()
    };
    let org = organisations::save(&conn, &org_input, now()).unwrap();
    for _ in 0..2 {
        let again = SupportBedInput {
            id: Some(bed.id.clone()),
            ..bed_input.clone()
        };
        registries::save_bed(&conn, &again, now()).unwrap();
        let again = organisations::OrganisationInput {
            id: Some(org.id.clone()),
            ..org_input.clone()
        };
        organisations::save(&conn, &again, now()).unwrap();
    }
    assert_eq!(audit_rows(&conn, &bed.id).len(), 1, "the insert only");
    assert_eq!(audit_rows(&conn, &org.id).len(), 1, "the insert only");

    let retired = SupportBedInput {
        id: Some(bed.id.clone()),
        retired: true,
        ..bed_input
    };
    registries::save_bed(&conn, &retired, now()).unwrap();
    let actions: Vec<String> = audit_rows(&conn, &bed.id)
        .into_iter()
        .map(|r| r.2)
        .collect();
    assert_eq!(actions, ["insert", "update"]);
}

#[test]
fn counts_are_read_as_typed_and_a_damaged_stored_date_is_reported() {
    let (conn, _) = with_office();
    let typed = |beds: &str| {
        let input = SupportBedInput {
            hospital: format!("病院{beds}"),
            beds: beds.into(),
            ..Default::default()
        };
        registries::save_bed(&conn, &input, now())
    };
    assert_eq!(typed("１２床").unwrap().beds, 12);
    let err = typed("1,000").unwrap_err();
    assert_eq!(err.field(), Some("beds"));
    assert!(err.to_string().contains("999以下"), "{err}");
    assert_eq!(
        typed(" ").unwrap_err().to_string(),
        "床数を入力してください。"
    );

    let bed = typed("2").unwrap();
    let update = BedUpdateInput {
        checked_on: "2025-11-20".into(),
        free_beds: "1".into(),
        note: String::new(),
    };
    registries::add_bed_update(&conn, &bed.id, &update, now()).unwrap();
    conn.execute(
        "UPDATE support_bed_updates SET checked_on = '2025-02-30'",
        [],
    )
    .unwrap();
    let err = registries::beds(&conn, &BedFilter::default()).unwrap_err();
    assert_eq!(err.kind(), "corrupt", "{err}");
    assert!(err.to_string().contains("2025-02-30"), "{err}");
}

/// The message a refused save gives on `field`.
fn refusal(result: zaitaku_core::Result<impl std::fmt::Debug>, field: &str) -> String {
    match result.unwrap_err() {
        zaitaku_core::Error::Invalid { field: f, message } if f == field => message,
        other => panic!("expected a refusal on {field}, got {other:?}"),
    }
}

#[test]
fn registration_dates_default_to_today_and_bad_ones_are_refused() {
    let (mut conn, _) = with_office();
    let base = DoctorInput {
        name: "登録 日子".into(),
        clinic: "登録医院".into(),
        ..Default::default()
    };
    // 登録日 defaults to today; an entry that is not retired has no end.
    let saved = registries::save_doctor(&mut conn, &base, now()).unwrap();
    assert_eq!(saved.registered_on.as_deref(), Some("2025-11-24"));
    assert_eq!(saved.retired_on, None);

    let tomorrow = DoctorInput {
        registered_on: "令和7年11月25日".into(),
        ..base.clone()
    };
    let message = refusal(
        registries::save_doctor(&mut conn, &tomorrow, now()),
        "registered_on",
    );
    assert_eq!(message, "登録日に未来の日付は入力できません。");
    let end_without_retiring = DoctorInput {
        id: Some(saved.id.clone()),
        retired_on: "2025-11-01".into(),
        ..base.clone()
    };
    let message = refusal(
        registries::save_doctor(&mut conn, &end_without_retiring, now()),
        "retired_on",
    );
    assert!(message.contains("「登録終了」にチェック"), "{message}");
    let end_before_start = DoctorInput {
        id: Some(saved.id.clone()),
        registered_on: "2025-04-01".into(),
        retired: true,
        retired_on: "2025-03-31".into(),
        ..base.clone()
    };
    let message = refusal(
        registries::save_doctor(&mut conn, &end_before_start, now()),
        "retired_on",
    );
    assert_eq!(message, "登録終了日は登録日より後の日付にしてください。");
    let unchanged = registries::doctor(&conn, &saved.id, now().date()).unwrap();
    assert_eq!(unchanged, saved, "a refused save changes nothing");

    // Retiring without a date ends it today; un-retiring clears the end.
    let retired = DoctorInput {
        id: Some(saved.id.clone()),
        registered_on: "令和2年4月1日".into(),
        retired: true,
        ..base.clone()
    };
    let retired = registries::save_doctor(&mut conn, &retired, now()).unwrap();
    assert_eq!(retired.registered_on.as_deref(), Some("2020-04-01"));
    assert_eq!(retired.retired_on.as_deref(), Some("2025-11-24"));
    let back = DoctorInput {
        id: Some(saved.id.clone()),
        registered_on: "2020-04-01".into(),
        ..base
    };
    let back = registries::save_doctor(&mut conn, &back, now()).unwrap();
    assert_eq!((back.retired, back.retired_on), (false, None));

    // The same rule for beds and organisations, with the dates in the CSV.
    let bed = SupportBedInput {
        hospital: "日付病院".into(),
        beds: "1".into(),
        registered_on: "2099-01-01".into(),
        ..Default::default()
    };
    let message = refusal(registries::save_bed(&conn, &bed, now()), "registered_on");
    assert_eq!(message, "登録日に未来の日付は入力できません。");
    let organisation = organisations::OrganisationInput {
        name: "日付の事業所".into(),
        registered_on: "2024-04-01".into(),
        retired: true,
        retired_on: "2025-10-01".into(),
        ..Default::default()
    };
    organisations::save(&conn, &organisation, now()).unwrap();
    let filter = OrganisationFilter {
        include_retired: true,
        ..Default::default()
    };
    let csv = String::from_utf8(organisations::export_csv(&conn, &filter).unwrap().bytes).unwrap();
    assert!(csv.contains(",登録日,登録終了日\r\n"), "{csv}");
    assert!(
        csv.contains("登録終了,令和6年4月1日,令和7年10月1日\r\n"),
        "{csv}"
    );
}
