use chrono::NaiveDate;
use zaitaku_core::cases::lists::{self, ListItemInput, ListKind};
use zaitaku_core::cases::{self, CaseFilter, CaseInput, EntryInput, PersonInput};
use zaitaku_core::store::{self, Connection};
use zaitaku_core::{demo, office, Error};

use crate::util::at;

struct Ids {
    staff: String,
    phone: String,
    family: String,
    category: String,
    category2: String,
    response: String,
    outcome: String,
    city: String,
    area: String,
    other_city_area: String,
}

fn setup() -> (Connection, Ids) {
    let mut conn = store::open_in_memory().unwrap();
    office::save(&mut conn, &demo::office_input(), at(9, 0)).unwrap();
    demo::cases::seed_lists(&mut conn).unwrap();
    let first = |kind| lists::list(&conn, kind).unwrap().items[0].id.clone();
    let nth = |kind, n: usize| lists::list(&conn, kind).unwrap().items[n].id.clone();
    let office = office::load(&conn).unwrap();
    let ids = Ids {
        staff: first(ListKind::Staff),
        phone: first(ListKind::IntakeMethod),
        family: nth(ListKind::ConsulterType, 1),
        category: first(ListKind::Category),
        category2: nth(ListKind::Category, 6),
        response: first(ListKind::Response),
        outcome: first(ListKind::Outcome),
        city: office.cities[0].id.clone(),
        area: office.cities[0].areas[0].id.clone(),
        other_city_area: office.cities[1].areas[0].id.clone(),
    };
    (conn, ids)
}

fn intake(ids: &Ids) -> CaseInput {
    CaseInput {
        received_date: "令和7年3月31日".into(),
        received_time: "14:05".into(),
        intake_method_id: ids.phone.clone(),
        consulter_type_id: ids.family.clone(),
        consulter_affiliation: "".into(),
        consulter_name: "長女".into(),
        info_source: "市の広報".into(),
        is_new: true,
        person: PersonInput {
            name: "坂戸 ハナ".into(),
            kana: "さかど はな".into(),
            sex: "女性".into(),
            birth_date: "昭和15年4月2日".into(),
            city_id: ids.city.clone(),
            area_id: ids.area.clone(),
            care_level: "要介護2".into(),
            family_doctor: "あり".into(),
            ..Default::default()
        },
        category_ids: vec![ids.category.clone(), ids.category2.clone()],
        content: "通院が難しくなり、訪問診療をしてくれる医師を探している。".into(),
        response_ids: vec![ids.response.clone()],
        minutes: "３０".into(),
        staff_id: ids.staff.clone(),
        status: "受付".into(),
        ..Default::default()
    }
}

fn search(conn: &Connection, query: &str) -> Vec<String> {
    cases::search::list(
        conn,
        &CaseFilter {
            query: query.into(),
            ..Default::default()
        },
    )
    .unwrap()
    .rows
    .into_iter()
    .map(|r| r.person_name)
    .collect()
}

#[test]
fn a_case_is_registered_with_every_field_and_shown_in_reiwa() {
    let (mut conn, ids) = setup();
    let case = cases::create(&mut conn, &intake(&ids), &ids.staff, at(14, 10)).unwrap();
    assert_eq!(case.case_no, 1);
    assert_eq!(case.received_at, "2025-03-31T14:05:00");
    assert_eq!(case.received_label, "令和7年3月31日 14:05");
    assert_eq!(case.person.birth_date.as_deref(), Some("1940-04-02"));
    assert_eq!(case.person.birth_label, "昭和15年4月2日");
    assert_eq!(
        case.person.age,
        Some(84),
        "84 on 2025-04-01, 85 from 4月2日"
    );
    assert_eq!(case.person.city, "坂戸市");
    assert_eq!(case.categories.len(), 2);
    assert_eq!(case.minutes, Some(30));
    assert_eq!(case.version, 1);
    let history = cases::history(&conn, &case.id).unwrap();
    assert_eq!(history.len(), 2, "person and case registered");
    assert!(history
        .iter()
        .all(|c| c.action == "登録" && c.changed_by == "山田 花子"));
}

#[test]
fn bad_input_is_refused_with_its_field_and_nothing_is_written() {
    let (mut conn, ids) = setup();
    let before = store::content_fingerprint(&conn).unwrap();
    type Change = Box<dyn Fn(&mut CaseInput)>;
    let bad: Vec<(&str, Change)> = vec![
        (
            "received_date",
            Box::new(|c| c.received_date = "令和7年2月30日".into()),
        ),
        (
            "received_date",
            Box::new(|c| c.received_date = "令和8年1月1日".into()),
        ),
        (
            "received_time",
            Box::new(|c| c.received_time = "25:00".into()),
        ),
        (
            "person.birth_date",
            Box::new(|c| c.person.birth_date = "令和9年1月1日".into()),
        ),
        ("person.name", Box::new(|c| c.person.name = "  ".into())),
        ("person.name", Box::new(|c| c.person.name = "名".repeat(51))),
        ("minutes", Box::new(|c| c.minutes = "-5".into())),
        ("content", Box::new(|c| c.content = "あ".repeat(10_001))),
        ("category_ids", Box::new(|c| c.category_ids.clear())),
        (
            "category_ids",
            Box::new(|c| c.category_ids = vec!["not-a-uuid".into()]),
        ),
        (
            "intake_method_id",
            Box::new(|c| c.intake_method_id = c.category_ids[0].clone()),
        ),
        ("staff_id", Box::new(|c| c.staff_id = uuid_like())),
        ("status", Box::new(|c| c.status = "完了".into())),
        ("person.sex", Box::new(|c| c.person.sex = "X".into())),
    ];
    for (field, change) in bad {
        let mut input = intake(&ids);
        change(&mut input);
        let err = cases::create(&mut conn, &input, &ids.staff, at(14, 10)).unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
        assert!(err.to_string().chars().any(|c| c > '\u{3000}'), "{err}");
    }
    // A 圏域 of the other city.
    let mut input = intake(&ids);
    input.person.area_id = ids.other_city_area.clone();
    let err = cases::create(&mut conn, &input, &ids.staff, at(14, 10)).unwrap_err();
    assert_eq!(err.field(), Some("person.area_id"));
    assert!(err.to_string().contains("その市の圏域ではありません"));
    // Nobody chosen as the operator.
    let err = cases::create(&mut conn, &intake(&ids), "", at(14, 10)).unwrap_err();
    assert_eq!(err.field(), Some("changed_by"));
    assert_eq!(store::content_fingerprint(&conn).unwrap(), before);
}

fn uuid_like() -> String {
    "8d3b7c1e-2f4a-4b5c-9d6e-7f8091a2b3c4".into()
}

#[test]
fn search_finds_substrings_across_kana_and_widths() {
    let (mut conn, ids) = setup();
    cases::create(&mut conn, &intake(&ids), &ids.staff, at(14, 10)).unwrap();
    let mut other = intake(&ids);
    other.person.name = "鶴田 一郎".into();
    other.person.kana = "つるた いちろう".into();
    other.person.birth_date = "".into();
    other.content = "ｹｱﾏﾈｼﾞｬｰから退院後の療養について。".into();
    cases::create(&mut conn, &other, &ids.staff, at(14, 20)).unwrap();
    assert_eq!(
        search(&conn, "サカド"),
        ["坂戸 ハナ"],
        "カタカナ finds ふりがな"
    );
    assert_eq!(search(&conn, "ｻｶﾄﾞ"), ["坂戸 ハナ"], "half-width too");
    assert_eq!(search(&conn, "坂"), ["坂戸 ハナ"], "one kanji");
    assert_eq!(search(&conn, "はな"), ["坂戸 ハナ"], "two kana");
    assert_eq!(search(&conn, "坂戸ハナ"), ["坂戸 ハナ"], "spaces ignored");
    assert_eq!(
        search(&conn, "ケアマネ"),
        ["鶴田 一郎"],
        "half-width in the text"
    );
    assert_eq!(search(&conn, "医師"), ["坂戸 ハナ"]);
    assert_eq!(search(&conn, "訪問診療をして"), ["坂戸 ハナ"]);
    assert!(search(&conn, "存在しない").is_empty());
    assert_eq!(search(&conn, "").len(), 2);
    assert!(search(&conn, "%").is_empty());
    assert_eq!(search(&conn, "長女").len(), 2, "consulter name");
}

#[test]
fn filters_and_paging() {
    let mut conn = store::open_in_memory().unwrap();
    let now = NaiveDate::from_ymd_opt(2025, 4, 1)
        .unwrap()
        .and_hms_opt(18, 0, 0)
        .unwrap();
    demo::fill_with_cases(&mut conn, now, 240).unwrap();
    let all = cases::search::list(&conn, &CaseFilter::default()).unwrap();
    assert_eq!(all.total, 240);
    assert_eq!(all.rows.len(), 50);
    assert!(all.has_more);
    let times: Vec<&str> = all.rows.iter().map(|r| r.received_at.as_str()).collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");
    let closed = cases::search::list(
        &conn,
        &CaseFilter {
            status: "終結".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(closed.rows.iter().all(|r| r.status == "終結"));
    assert!(closed.total > 0 && closed.total < 240);
    let period = cases::search::list(
        &conn,
        &CaseFilter {
            from: "令和7年1月1日".into(),
            to: "2025-01-31".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(period
        .rows
        .iter()
        .all(|r| r.received_at.starts_with("2025-01")));
    assert!(period.total > 0);
    let last = cases::search::list(
        &conn,
        &CaseFilter {
            offset: 200,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(last.rows.len(), 40);
    assert!(!last.has_more);
    let err = cases::search::list(
        &conn,
        &CaseFilter {
            category_id: uuid_like(),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("category_id"));
}

#[test]
fn a_stale_save_is_refused() {
    let (mut conn, ids) = setup();
    let case = cases::create(&mut conn, &intake(&ids), &ids.staff, at(14, 10)).unwrap();
    let mut first = intake(&ids);
    first.person.id = Some(case.person.id.clone());
    first.version = Some(case.version);
    first.status = "対応中".into();
    let saved = cases::update(&mut conn, &case.id, &first, &ids.staff, at(14, 20)).unwrap();
    assert_eq!(saved.version, 2);
    let before = store::content_fingerprint(&conn).unwrap();
    let mut second = first.clone();
    second.content = "別の画面での変更".into();
    let err = cases::update(&mut conn, &case.id, &second, &ids.staff, at(14, 30)).unwrap_err();
    assert!(matches!(err, Error::Conflict(_)));
    assert!(
        err.to_string()
            .contains("開いた後に別の画面で変更されています"),
        "{err}"
    );
    assert_eq!(store::content_fingerprint(&conn).unwrap(), before);
    let err = cases::delete(&mut conn, &case.id, 1, &ids.staff, at(14, 30)).unwrap_err();
    assert!(matches!(err, Error::Conflict(_)));
}

#[test]
fn history_records_updates_entries_and_deletion() {
    let (mut conn, ids) = setup();
    let case = cases::create(&mut conn, &intake(&ids), &ids.staff, at(14, 10)).unwrap();
    let mut edit = intake(&ids);
    edit.person.id = Some(case.person.id.clone());
    edit.person.care_level = "要介護3".into();
    edit.version = Some(1);
    edit.status = "終結".into();
    edit.outcome_id = ids.outcome.clone();
    let case = cases::update(&mut conn, &case.id, &edit, &ids.staff, at(15, 0)).unwrap();
    let entry = EntryInput {
        date: "令和7年4月1日".into(),
        staff_id: ids.staff.clone(),
        response_id: ids.response.clone(),
        note: "ケアマネジャーへ連絡".into(),
        minutes: "10".into(),
    };
    let err =
        cases::add_entry(&mut conn, &case.id, &entry, false, &ids.staff, at(16, 0)).unwrap_err();
    assert!(err.to_string().contains("終結"), "{err}");
    let case = cases::add_entry(&mut conn, &case.id, &entry, true, &ids.staff, at(16, 0)).unwrap();
    assert_eq!(case.status, "対応中", "reopened");
    assert_eq!(case.entries.len(), 1);
    assert_eq!(
        search(&conn, "ケアマネジャーへ"),
        ["坂戸 ハナ"],
        "entry notes are searchable"
    );
    let history = cases::history(&conn, &case.id).unwrap();
    let actions: Vec<(String, String)> = history
        .iter()
        .map(|c| (c.record_label.clone(), c.action.clone()))
        .collect();
    assert_eq!(
        actions,
        [
            ("相談", "変更"),
            ("経過記録", "登録"),
            ("相談", "変更"),
            ("対象者", "変更"),
            ("相談", "登録"),
            ("対象者", "登録"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let status = history[2]
        .values
        .iter()
        .find(|v| v.label == "状態")
        .unwrap();
    assert_eq!((status.old.as_str(), status.new.as_str()), ("受付", "終結"));
    let care = &history[3].values[0];
    assert_eq!(
        (care.label.as_str(), care.old.as_str(), care.new.as_str()),
        ("要介護度", "要介護2", "要介護3")
    );

    cases::delete(&mut conn, &case.id, case.version, &ids.staff, at(17, 0)).unwrap();
    assert!(matches!(
        cases::get(&conn, &case.id, at(17, 0).date()),
        Err(Error::NotFound { .. })
    ));
    assert!(search(&conn, "サカド").is_empty(), "unindexed");
    let history = cases::history(&conn, &case.id).unwrap();
    assert_eq!(history[0].action, "削除");
    assert_eq!(history[0].record_label, "相談");
    assert!(history[0]
        .values
        .iter()
        .any(|v| v.label == "対象者" && v.old == "坂戸 ハナ"));
    assert_eq!(store::check(&conn).unwrap(), store::SCHEMA_VERSION);
}

#[test]
fn the_same_person_is_detected_and_can_be_attached() {
    let (mut conn, ids) = setup();
    let first = cases::create(&mut conn, &intake(&ids), &ids.staff, at(14, 10)).unwrap();
    let matches = cases::similar_persons(
        &conn,
        "坂戸　ハナ",
        "サカド ハナ",
        "1940-04-02",
        at(15, 0).date(),
    )
    .unwrap();
    assert_eq!(matches.len(), 1);
    assert_eq!(matches[0].cases, 1);
    assert!(
        cases::similar_persons(&conn, "坂戸 ハナ", "", "1941-01-01", at(15, 0).date())
            .unwrap()
            .is_empty()
    );
    let err = cases::create(&mut conn, &intake(&ids), &ids.staff, at(15, 0)).unwrap_err();
    assert_eq!(err.field(), Some("person.name"));
    assert!(err.to_string().contains("既に登録されています"), "{err}");
    let mut attach = intake(&ids);
    attach.person.id = Some(first.person.id.clone());
    attach.is_new = false;
    let second = cases::create(&mut conn, &attach, &ids.staff, at(15, 0)).unwrap();
    assert_eq!(second.person.id, first.person.id);
    assert_eq!(second.other_cases.len(), 1);
    let mut separate = intake(&ids);
    separate.new_person = true;
    let third = cases::create(&mut conn, &separate, &ids.staff, at(15, 5)).unwrap();
    assert_ne!(third.person.id, first.person.id);
}

#[test]
fn lists_are_renamed_reordered_and_retired_but_never_removed() {
    let (mut conn, ids) = setup();
    let case = cases::create(&mut conn, &intake(&ids), &ids.staff, at(14, 10)).unwrap();
    let list = lists::list(&conn, ListKind::IntakeMethod).unwrap();
    let mut input: Vec<ListItemInput> = list
        .items
        .iter()
        .map(|i| ListItemInput {
            id: Some(i.id.clone()),
            name: i.name.clone(),
            retired: false,
        })
        .collect();
    input[0].name = "電話（代表）".into();
    input[0].retired = true;
    input.swap(0, 1);
    input.push(ListItemInput {
        id: None,
        name: "オンライン面談".into(),
        retired: false,
    });
    let saved = lists::save(&mut conn, ListKind::IntakeMethod, &input).unwrap();
    assert_eq!(saved.items[1].name, "電話（代表）");
    assert!(saved.items[1].retired);
    assert_eq!(saved.items.last().unwrap().name, "オンライン面談");
    let shown = cases::get(&conn, &case.id, at(15, 0).date()).unwrap();
    assert_eq!(
        shown.intake_method.name, "電話（代表）",
        "still readable on the old case"
    );
    input.pop();
    input.remove(0);
    let err = lists::save(&mut conn, ListKind::IntakeMethod, &input).unwrap_err();
    assert!(err.to_string().contains("削除できません"), "{err}");
    let dup = vec![
        ListItemInput {
            id: None,
            name: "A".into(),
            retired: false,
        },
        ListItemInput {
            id: None,
            name: "A".into(),
            retired: false,
        },
    ];
    assert_eq!(
        lists::save(&mut conn, ListKind::Outcome, &dup)
            .unwrap_err()
            .kind(),
        "invalid"
    );
}

#[test]
fn the_filtered_list_exports_as_excel_csv() {
    let (mut conn, ids) = setup();
    let mut input = intake(&ids);
    input.content = "退院後の療養について、\n家族と相談したい。".into();
    cases::create(&mut conn, &input, &ids.staff, at(14, 10)).unwrap();
    let mut other = intake(&ids);
    other.person.name = "鶴田 一郎".into();
    other.person.kana = "つるた いちろう".into();
    other.status = "終結".into();
    cases::create(&mut conn, &other, &ids.staff, at(14, 20)).unwrap();
    let filter = CaseFilter {
        status: "受付".into(),
        ..Default::default()
    };
    let text =
        String::from_utf8(cases::export_csv(&conn, &filter, at(15, 0).date()).unwrap()).unwrap();
    assert!(
        text.starts_with("\u{FEFF}受付番号,受付日時,受付方法,"),
        "{text}"
    );
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines.len(),
        3,
        "header, one case, and the final CRLF: {lines:?}"
    );
    assert!(
        lines[1].starts_with("1,2025-03-31 14:05,電話,新規,家族・親族,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains("坂戸 ハナ,さかど はな,女性,1940-04-02,84,坂戸市,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains("\"退院後の療養について、\n家族と相談したい。\""),
        "{}",
        lines[1]
    );
    assert!(!text.contains("鶴田"), "filtered out");
    let dir = crate::util::temp_dir();
    let path =
        cases::export_to_folder(&conn, &CaseFilter::default(), dir.path(), at(15, 0)).unwrap();
    assert_eq!(
        path.file_name().unwrap().to_string_lossy(),
        "相談記録_20250401-150000.csv"
    );
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("鶴田 一郎"));
}
