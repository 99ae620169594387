use chrono::{NaiveDate, NaiveDateTime};
use zaitaku_core::cases::lists::{self, ListItemInput, ListKind};
use zaitaku_core::cases::{
    self, CaseDetail, CaseFilter, CaseInput, CasePage, EntryInput, PersonInput,
};
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
    demo::cases::seed_lists(&mut conn, at(9, 0)).unwrap();
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

/// Registers `input` by the first staff member at `when`.
fn create(conn: &mut Connection, ids: &Ids, input: &CaseInput, when: NaiveDateTime) -> CaseDetail {
    cases::create(conn, input, &ids.staff, when).unwrap()
}

/// The intake form opened on `case` to edit it.
fn edit_of(ids: &Ids, case: &CaseDetail) -> CaseInput {
    let mut input = intake(ids);
    input.person.id = Some(person(case).id.clone());
    input.version = Some(case.version);
    input
}

/// Another person's case.
fn other_intake(ids: &Ids) -> CaseInput {
    let mut other = intake(ids);
    other.person.name = "鶴田 一郎".into();
    other.person.kana = "つるた いちろう".into();
    other
}

fn page(conn: &Connection, filter: CaseFilter) -> CasePage {
    cases::search::list(conn, &filter).unwrap()
}

fn search(conn: &Connection, query: &str) -> Vec<String> {
    let filter = CaseFilter {
        query: query.into(),
        ..Default::default()
    };
    let rows = page(conn, filter).rows;
    rows.into_iter().map(|r| r.person_name).collect()
}

fn entry(ids: &Ids, note: &str) -> EntryInput {
    EntryInput {
        date: "令和7年4月1日".into(),
        staff_id: ids.staff.clone(),
        response_id: ids.response.clone(),
        note: note.into(),
        minutes: "10".into(),
        ..Default::default()
    }
}

/// The person of a case that has one.
fn person(d: &CaseDetail) -> &cases::Person {
    d.person.as_ref().expect("a case with a person")
}

#[test]
fn a_case_is_registered_with_every_field_and_shown_in_reiwa() {
    let (mut conn, ids) = setup();
    let case = create(&mut conn, &ids, &intake(&ids), at(14, 10));
    assert_eq!(case.case_no, 1);
    assert_eq!(case.received_at, "2025-03-31T14:05:00");
    assert_eq!(case.received_label, "令和7年3月31日 14:05");
    assert_eq!(person(&case).birth_date.as_deref(), Some("1940-04-02"));
    assert_eq!(person(&case).birth_label, "昭和15年4月2日");
    assert_eq!(
        person(&case).age,
        Some(84),
        "84 on 2025-04-01, 85 from 4月2日"
    );
    assert_eq!(person(&case).city, "坂戸市");
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
fn times_and_minutes_are_read_as_everywhere_else_in_the_app() {
    let (mut conn, ids) = setup();
    let mut input = intake(&ids);
    input.received_time = "９時".into();
    input.minutes = "1時間30分".into();
    let case = create(&mut conn, &ids, &input, at(14, 10));
    assert_eq!(case.received_at, "2025-03-31T09:00:00");
    assert_eq!(case.received_time, "09:00");
    assert_eq!(case.minutes, Some(90));
    let mut note = entry(&ids, "電話で報告");
    note.minutes = "１５分".into();
    let case = cases::add_entry(&mut conn, &case.id, &note, false, &ids.staff, at(15, 0)).unwrap();
    assert_eq!(case.entries[0].minutes, Some(15));
}

#[test]
fn the_screen_gets_dates_in_reiwa_and_the_age_from_the_core() {
    let (mut conn, ids) = setup();
    let today = at(9, 0).date();
    let options = cases::form_options(&conn, today).unwrap();
    assert_eq!(options.today_label, "令和7年4月1日");
    // While the person is typed: the 生年月日 as read, and the age today.
    for (typed, label, age) in [
        ("1940-04-02", "昭和15年4月2日", Some(84)),
        ("Ｓ１５．４．１", "昭和15年4月1日", Some(85)),
        ("令和7年4月1日", "令和7年4月1日", Some(0)),
        ("令和7年4月2日", "令和7年4月2日", None),
        ("", "", None),
    ] {
        let check = cases::similar_persons(&conn, "坂戸 ハナ", "", typed, today).unwrap();
        assert_eq!(
            (check.birth_label.as_str(), check.age),
            (label, age),
            "{typed}"
        );
    }
    let case = create(&mut conn, &ids, &intake(&ids), at(14, 10));
    let case = cases::add_entry(
        &mut conn,
        &case.id,
        &entry(&ids, "連絡"),
        false,
        &ids.staff,
        at(15, 0),
    )
    .unwrap();
    let e = &case.entries[0];
    assert_eq!(e.date, "2025-04-01");
    assert_eq!(e.date_label, "令和7年4月1日（火）");
    assert_eq!(e.date_input, "令和7年4月1日", "the form takes it back");
}

#[test]
fn an_unreadable_stored_date_is_corrupt_never_made_up() {
    let (mut conn, ids) = setup();
    let case = create(&mut conn, &ids, &intake(&ids), at(14, 10));
    let corrupt = |conn: &Connection| {
        let got = cases::get(conn, &case.id, at(15, 0).date());
        assert!(matches!(got, Err(Error::Corrupt(_))), "{got:?}");
    };
    // Matches the column's GLOB check, but there is no 2月30日.
    conn.execute("UPDATE persons SET birth_date = '1940-02-30'", [])
        .unwrap();
    corrupt(&conn);
    conn.execute("UPDATE persons SET birth_date = NULL", [])
        .unwrap();
    conn.execute("UPDATE cases SET received_at = '2025/03/31 14:05'", [])
        .unwrap();
    corrupt(&conn);
    let listed = cases::search::list(&conn, &CaseFilter::default());
    assert!(matches!(listed, Err(Error::Corrupt(_))), "{listed:?}");
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
        (
            "person.city_id",
            Box::new(|c| c.person.city_id = uuid_like()),
        ),
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
    create(&mut conn, &ids, &intake(&ids), at(14, 10));
    let mut other = other_intake(&ids);
    other.person.birth_date = "".into();
    other.content = "ｹｱﾏﾈｼﾞｬｰから退院後の療養について。".into();
    create(&mut conn, &ids, &other, at(14, 20));
    for (query, found, why) in [
        ("サカド", "坂戸 ハナ", "カタカナ finds ふりがな"),
        ("ｻｶﾄﾞ", "坂戸 ハナ", "half-width too"),
        ("坂", "坂戸 ハナ", "one kanji"),
        ("はな", "坂戸 ハナ", "two kana"),
        ("坂戸ハナ", "坂戸 ハナ", "spaces ignored"),
        ("ケアマネ", "鶴田 一郎", "half-width in the text"),
        ("医師", "坂戸 ハナ", "content"),
        ("訪問診療をして", "坂戸 ハナ", "content"),
    ] {
        assert_eq!(search(&conn, query), [found], "{query}: {why}");
    }
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
    let all = page(&conn, CaseFilter::default());
    assert_eq!(
        all.total,
        240 + 240 / 20,
        "the cases and the enquiries without a patient"
    );
    assert_eq!(all.rows.len(), 50);
    assert!(all.has_more);
    let times: Vec<&str> = all.rows.iter().map(|r| r.received_at.as_str()).collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");
    let closed = page(
        &conn,
        CaseFilter {
            status: "終結".into(),
            ..Default::default()
        },
    );
    assert!(closed.rows.iter().all(|r| r.status == "終結"));
    assert!(closed.total > 0 && closed.total < all.total);
    let period = page(
        &conn,
        CaseFilter {
            from: "令和7年1月1日".into(),
            to: "2025-01-31".into(),
            ..Default::default()
        },
    );
    assert!(period
        .rows
        .iter()
        .all(|r| r.received_at.starts_with("2025-01")));
    assert!(period.total > 0);
    let last = page(
        &conn,
        CaseFilter {
            offset: 250,
            ..Default::default()
        },
    );
    assert_eq!(last.rows.len(), 2);
    assert!(!last.has_more);
    for (field, filter) in [
        (
            "category_id",
            CaseFilter {
                category_id: uuid_like(),
                ..Default::default()
            },
        ),
        (
            "city_id",
            CaseFilter {
                city_id: uuid_like(),
                ..Default::default()
            },
        ),
    ] {
        let err = cases::search::list(&conn, &filter).unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
    }
}

#[test]
fn a_stale_save_is_refused() {
    let (mut conn, ids) = setup();
    let case = create(&mut conn, &ids, &intake(&ids), at(14, 10));
    let mut first = edit_of(&ids, &case);
    first.status = "対応中".into();
    let saved = cases::update(&mut conn, &case.id, &first, &ids.staff, at(14, 20)).unwrap();
    assert_eq!(saved.version, 2);
    assert_eq!(saved.case_no, case.case_no, "the number is kept");
    let created: String = conn
        .query_row("SELECT created_at FROM cases", [], |r| r.get(0))
        .unwrap();
    assert_eq!(created, "2025-04-01T14:10:00", "so is created_at");
    let before = store::content_fingerprint(&conn).unwrap();
    let mut second = first.clone();
    second.content = "別の画面での変更".into();
    let err = cases::update(&mut conn, &case.id, &second, &ids.staff, at(14, 30)).unwrap_err();
    assert!(matches!(err, Error::Conflict(_)));
    assert!(
        err.to_string().contains(
            "開いた後に別の画面で変更されています（令和7年4月1日（火） 14:20、山田 花子）"
        ),
        "{err}"
    );
    assert_eq!(store::content_fingerprint(&conn).unwrap(), before);
    let err = cases::delete(&mut conn, &case.id, 1, &ids.staff, at(14, 30)).unwrap_err();
    assert!(matches!(err, Error::Conflict(_)));
}

#[test]
fn the_status_alone_is_changed_checked_and_recorded() {
    let (mut conn, ids) = setup();
    let case = create(&mut conn, &ids, &intake(&ids), at(14, 10));
    let closed = cases::set_status(
        &mut conn,
        &case.id,
        "終結",
        case.version,
        &ids.staff,
        at(14, 20),
    )
    .unwrap();
    assert_eq!(closed.status, "終結");
    assert_eq!(closed.version, case.version + 1);
    assert_eq!(closed.updated_label, "令和7年4月1日（火） 14:20");
    // Everything else is as it was.
    let same = |d: &CaseDetail| {
        (
            d.case_no,
            d.received_label.clone(),
            d.content.clone(),
            d.person_label.clone(),
            d.minutes,
            d.categories
                .iter()
                .map(|c| c.id.clone())
                .collect::<Vec<_>>(),
            d.responses.iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(same(&closed), same(&case));
    assert_eq!(search(&conn, "訪問診療"), ["坂戸 ハナ"], "still found");

    // One history row, the 状態 only, by who changed it.
    let history = cases::history(&conn, &case.id).unwrap();
    assert_eq!(history.len(), 3, "登録 of case and person, then the change");
    assert_eq!(
        (history[0].record_label.as_str(), history[0].action.as_str()),
        ("相談", "変更")
    );
    let values: Vec<(&str, &str, &str)> = history[0]
        .values
        .iter()
        .map(|v| (v.label.as_str(), v.old.as_str(), v.new.as_str()))
        .collect();
    assert_eq!(values, [("状態", "受付", "終結")]);
    assert_eq!(history[0].changed_by, "山田 花子");

    // Stale, unknown or malformed: refused, nothing written.
    let before = store::content_fingerprint(&conn).unwrap();
    let stale = cases::set_status(
        &mut conn,
        &case.id,
        "対応中",
        case.version,
        &ids.staff,
        at(14, 30),
    )
    .unwrap_err();
    assert!(matches!(stale, Error::Conflict(_)), "{stale}");
    assert!(stale.to_string().contains("14:20、山田 花子"), "{stale}");
    let bad = cases::set_status(
        &mut conn,
        &case.id,
        "完了",
        closed.version,
        &ids.staff,
        at(14, 30),
    )
    .unwrap_err();
    assert_eq!(bad.field(), Some("status"), "{bad}");
    let bad_id = cases::set_status(&mut conn, "x", "終結", 1, &ids.staff, at(14, 30)).unwrap_err();
    assert_eq!(bad_id.field(), Some("id"), "{bad_id}");
    let missing =
        cases::set_status(&mut conn, &uuid_like(), "終結", 1, &ids.staff, at(14, 30)).unwrap_err();
    assert!(matches!(missing, Error::NotFound { .. }), "{missing}");
    assert_eq!(store::content_fingerprint(&conn).unwrap(), before);

    // And an edit opened before the change is refused too.
    let mut edit = edit_of(&ids, &case);
    edit.content = "古い画面からの保存".into();
    let err = cases::update(&mut conn, &case.id, &edit, &ids.staff, at(14, 40)).unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err}");
}

#[test]
fn history_records_updates_entries_and_deletion() {
    let (mut conn, ids) = setup();
    let case = create(&mut conn, &ids, &intake(&ids), at(14, 10));
    let mut edit = edit_of(&ids, &case);
    edit.person.care_level = "要介護3".into();
    edit.status = "終結".into();
    edit.outcome_id = ids.outcome.clone();
    let case = cases::update(&mut conn, &case.id, &edit, &ids.staff, at(15, 0)).unwrap();
    let entry = entry(&ids, "ケアマネジャーへ連絡");
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
    let actions: Vec<(&str, &str)> = history
        .iter()
        .map(|c| (c.record_label.as_str(), c.action.as_str()))
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

    // A correction, then the entry deleted: each is one history row.
    let entry_id = case.entries[0].id.clone();
    let mut corrected = entry.clone();
    corrected.note = "ケアマネジャーへ電話で連絡".into();
    let case =
        cases::update_entry(&mut conn, &entry_id, &corrected, &ids.staff, at(16, 30)).unwrap();
    assert_eq!(case.entries[0].note, "ケアマネジャーへ電話で連絡");
    let case = cases::delete_entry(&mut conn, &entry_id, &ids.staff, at(16, 40)).unwrap();
    assert!(case.entries.is_empty());
    let history = cases::history(&conn, &case.id).unwrap();
    assert_eq!(
        (
            history[1].action.as_str(),
            history[1].values[0].label.as_str()
        ),
        ("変更", "内容")
    );
    assert_eq!(history[0].action, "削除");
    assert!(
        search(&conn, "ケアマネジャーへ").is_empty(),
        "note unindexed"
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
    let first = create(&mut conn, &ids, &intake(&ids), at(14, 10));
    let check = cases::similar_persons(
        &conn,
        "坂戸　ハナ",
        "サカド ハナ",
        "1940-04-02",
        at(15, 0).date(),
    )
    .unwrap();
    assert_eq!(check.matches.len(), 1);
    assert_eq!(check.matches[0].cases, 1);
    assert_eq!(check.matches[0].last_received_label, "令和7年3月31日 14:05");
    assert!(
        cases::similar_persons(&conn, "坂戸 ハナ", "", "1941-01-01", at(15, 0).date())
            .unwrap()
            .matches
            .is_empty()
    );
    let err = cases::create(&mut conn, &intake(&ids), &ids.staff, at(15, 0)).unwrap_err();
    assert_eq!(err.field(), Some("person.name"));
    assert!(err.to_string().contains("既に登録されています"), "{err}");
    let mut attach = intake(&ids);
    attach.person.id = Some(person(&first).id.clone());
    attach.is_new = false;
    let second = create(&mut conn, &ids, &attach, at(15, 0));
    assert_eq!(person(&second).id, person(&first).id);
    assert_eq!(second.other_cases.len(), 1);
    let mut separate = intake(&ids);
    separate.new_person = true;
    let third = create(&mut conn, &ids, &separate, at(15, 5));
    assert_ne!(person(&third).id, person(&first).id);
}

#[test]
fn lists_are_renamed_reordered_and_retired_but_never_removed() {
    let (mut conn, ids) = setup();
    let case = create(&mut conn, &ids, &intake(&ids), at(14, 10));
    let list = lists::list(&conn, ListKind::IntakeMethod).unwrap();
    let item = |id: Option<String>, name: &str| ListItemInput {
        id,
        name: name.into(),
        retired: false,
    };
    let mut input: Vec<ListItemInput> = list
        .items
        .iter()
        .map(|i| item(Some(i.id.clone()), &i.name))
        .collect();
    input[0].name = "電話（代表）".into();
    input[0].retired = true;
    input.swap(0, 1);
    input.push(item(None, "オンライン面談"));
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
    let dup = [item(None, "A"), item(None, "A")];
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
    create(&mut conn, &ids, &input, at(14, 10));
    let mut other = other_intake(&ids);
    other.status = "終結".into();
    create(&mut conn, &ids, &other, at(14, 20));
    let filter = CaseFilter {
        status: "受付".into(),
        ..Default::default()
    };
    let file = cases::export_csv(&conn, &filter, at(15, 0).date()).unwrap();
    assert_eq!(file.rows, 1);
    let text = String::from_utf8(file.bytes).unwrap();
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
    for cells in [
        "坂戸 ハナ,さかど はな,女性,1940-04-02,84,坂戸市,",
        "\"退院後の療養について、\n家族と相談したい。\"",
    ] {
        assert!(lines[1].contains(cells), "{cells}: {}", lines[1]);
    }
    assert!(!text.contains("鶴田"), "filtered out");
    let dir = crate::util::temp_dir();
    let path = cases::export_to_folder(
        &conn,
        &CaseFilter::default(),
        dir.path(),
        at(15, 0),
        zaitaku_core::csv::FileFormat::Csv,
    )
    .unwrap();
    assert_eq!(
        path.file_name().unwrap().to_string_lossy(),
        "相談記録_20250401-150000.csv"
    );
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("鶴田 一郎"));
}
