//! Consultations as they come in: enquiries without a patient (対象者なし),
//! the 手段・相手 of each 経過記録 and memos, and the 4つの場面 of a case —
//! saved, shown, searched, exported, printed, and refused when wrong.

use chrono::{NaiveDate, NaiveDateTime};
use zaitaku_core::cases::lists::{self, ListItemInput, ListKind};
use zaitaku_core::cases::{self, CaseDetail, CaseFilter, CaseInput, EntryInput, PersonInput};
use zaitaku_core::print::{self, PrintJob};
use zaitaku_core::store::{self, Connection};
use zaitaku_core::{demo, office};

use crate::util::list_item as item;

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2025, 10, 1)
        .unwrap()
        .and_hms_opt(15, 0, 0)
        .unwrap()
}

fn setup() -> (Connection, String) {
    let mut conn = store::open_in_memory().unwrap();
    office::save(&mut conn, &demo::office_input(), now()).unwrap();
    demo::cases::seed_lists(&mut conn, now()).unwrap();
    let staff = lists::list(&conn, ListKind::Staff).unwrap().items[0]
        .id
        .clone();
    (conn, staff)
}

/// A care manager asking which clinic visits 北部 at night: no patient.
fn enquiry(conn: &Connection, staff: &str) -> CaseInput {
    CaseInput {
        received_date: "令和7年9月30日".into(),
        received_time: "10:00".into(),
        intake_method_id: item(conn, ListKind::IntakeMethod, "電話"),
        consulter_type_id: item(conn, ListKind::ConsulterType, "ケアマネジャー"),
        consulter_affiliation: "北部居宅介護支援事業所".into(),
        is_new: true,
        no_person: true,
        category_ids: vec![item(conn, ListKind::Category, "往診医・訪問診療の紹介")],
        scene_ids: vec![item(conn, ListKind::Scene, "日常の療養支援")],
        content: "北部圏域で夜間も往診する診療所はどこか。".into(),
        staff_id: staff.into(),
        status: "受付".into(),
        ..Default::default()
    }
}

fn create(conn: &mut Connection, input: &CaseInput, staff: &str) -> CaseDetail {
    cases::create(conn, input, staff, now()).unwrap()
}

#[test]
fn an_enquiry_without_a_patient_is_saved_listed_searched_and_exported() {
    let (mut conn, staff) = setup();
    let input = enquiry(&conn, &staff);
    let d = create(&mut conn, &input, &staff);
    assert_eq!(d.person, None);
    assert_eq!(d.person_label, "対象者なし");
    assert!(d.other_cases.is_empty());
    assert_eq!(
        d.scenes.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["日常の療養支援"]
    );
    let persons: i64 = conn
        .query_row("SELECT count(*) FROM persons", [], |r| r.get(0))
        .unwrap();
    assert_eq!(persons, 0, "no person is invented");

    // Listed like the others, with 対象者なし where a name would be.
    let page = cases::search::list(&conn, &CaseFilter::default()).unwrap();
    assert_eq!(page.total, 1);
    let row = &page.rows[0];
    assert_eq!(
        (row.person_name.as_str(), row.no_person),
        ("対象者なし", true)
    );
    assert_eq!(row.city, "");
    // Found by its content and by the consulter's 所属.
    for query in ["夜間", "北部居宅", "ホクブ"] {
        let filter = CaseFilter {
            query: query.into(),
            ..Default::default()
        };
        let found = cases::search::all_ids(&conn, &filter).unwrap();
        if query == "ホクブ" {
            assert!(found.is_empty(), "no ふりがな to match");
        } else {
            assert_eq!(found, std::slice::from_ref(&d.id), "{query}");
        }
    }
    // A filter by 市 leaves it out: it is no resident's.
    let by_city = CaseFilter {
        city_id: office::load(&conn).unwrap().cities[0].id.clone(),
        ..Default::default()
    };
    assert!(cases::search::all_ids(&conn, &by_city).unwrap().is_empty());

    // Exported with 対象者なし in the name column and its 場面.
    let csv = cases::export_csv(&conn, &CaseFilter::default(), now().date()).unwrap();
    let text = String::from_utf8(csv.bytes).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{FEFF}').lines().collect();
    let header: Vec<&str> = lines[0].trim_end().split(',').collect();
    let row: Vec<&str> = lines[1].trim_end().split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    assert_eq!(row[at("対象者氏名")], "対象者なし");
    assert_eq!(row[at("市")], "");
    assert_eq!(row[at("4つの場面")], "日常の療養支援");

    // Printed: the summary names no person.
    let job = PrintJob::CaseSummary {
        case_id: d.id.clone(),
    };
    let printed = print::render(&conn, &job, now().date()).unwrap();
    let text = printed.pages[0].text();
    assert!(text.contains("対象者なし"), "{text}");
    assert!(text.contains("4つの場面"), "{text}");

    // The history says 対象者なし too.
    let history = cases::history(&conn, &d.id).unwrap();
    let text = format!("{history:?}");
    assert!(text.contains("対象者なし"), "{text}");
}

#[test]
fn an_enquiry_with_a_person_field_is_refused_on_that_field() {
    let (mut conn, staff) = setup();
    let city = office::load(&conn).unwrap().cities[0].id.clone();
    for (person, field) in [
        (
            PersonInput {
                name: "坂戸 ハナ".into(),
                ..Default::default()
            },
            "person.name",
        ),
        (
            PersonInput {
                city_id: city,
                ..Default::default()
            },
            "person.city_id",
        ),
        (
            PersonInput {
                birth_date: "昭和15年4月2日".into(),
                ..Default::default()
            },
            "person.birth_date",
        ),
    ] {
        let input = CaseInput {
            person,
            ..enquiry(&conn, &staff)
        };
        let err = cases::create(&mut conn, &input, &staff, now()).unwrap_err();
        assert_eq!(err.field(), Some(field));
        assert!(err.to_string().contains("対象者なし"), "{err}");
    }
    let count: i64 = conn
        .query_row("SELECT count(*) FROM cases", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 0, "nothing half-saved");
    // Without 対象者なし, a case still needs a name.
    let input = CaseInput {
        no_person: false,
        ..enquiry(&conn, &staff)
    };
    let err = cases::create(&mut conn, &input, &staff, now()).unwrap_err();
    assert_eq!(err.field(), Some("person.name"));
}

#[test]
fn a_case_can_become_an_enquiry_and_back_keeping_its_number() {
    let (mut conn, staff) = setup();
    let with_person = CaseInput {
        no_person: false,
        person: PersonInput {
            name: "鶴島 花子".into(),
            ..Default::default()
        },
        ..enquiry(&conn, &staff)
    };
    let d = create(&mut conn, &with_person, &staff);
    let as_enquiry = CaseInput {
        version: Some(d.version),
        ..enquiry(&conn, &staff)
    };
    let e = cases::update(&mut conn, &d.id, &as_enquiry, &staff, now()).unwrap();
    assert_eq!((e.case_no, e.person.is_none()), (d.case_no, true));
    let filter = CaseFilter {
        query: "鶴島".into(),
        ..Default::default()
    };
    assert!(
        cases::search::all_ids(&conn, &filter).unwrap().is_empty(),
        "the name is no longer the case's"
    );
}

fn entry(staff: &str) -> EntryInput {
    EntryInput {
        date: "令和7年10月1日".into(),
        staff_id: staff.into(),
        note: "診療所の一覧を送った".into(),
        ..Default::default()
    }
}

#[test]
fn an_entry_keeps_its_method_party_and_whether_it_was_a_contact() {
    let (mut conn, staff) = setup();
    let input = enquiry(&conn, &staff);
    let d = create(&mut conn, &input, &staff);
    let fax = item(&conn, ListKind::IntakeMethod, "FAX");
    let care_manager = item(&conn, ListKind::ContactParty, "ケアマネジャー");
    let contact = EntryInput {
        method_id: fax.clone(),
        party_id: care_manager.clone(),
        ..entry(&staff)
    };
    cases::add_entry(&mut conn, &d.id, &contact, false, &staff, now()).unwrap();
    let memo = EntryInput {
        contact: false,
        note: "同じ問い合わせが続く".into(),
        ..entry(&staff)
    };
    let d = cases::add_entry(&mut conn, &d.id, &memo, false, &staff, now()).unwrap();
    let shown: Vec<(bool, Option<&str>, Option<&str>, String)> = d
        .entries
        .iter()
        .map(|e| {
            (
                e.contact,
                e.method.as_ref().map(|m| m.name.as_str()),
                e.party.as_ref().map(|p| p.name.as_str()),
                cases::entry_kind_label(e),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            (
                true,
                Some("FAX"),
                Some("ケアマネジャー"),
                "FAX・ケアマネジャー".into()
            ),
            (false, None, None, "メモ".into()),
        ]
    );
    // A correction changes them, and the history says what changed.
    let first = d.entries[0].id.clone();
    let corrected = EntryInput {
        contact: false,
        ..entry(&staff)
    };
    let d = cases::update_entry(&mut conn, &first, &corrected, &staff, now()).unwrap();
    assert!(d.entries.iter().all(|e| !e.contact));
    let history = format!("{:?}", cases::history(&conn, &d.id).unwrap());
    assert!(
        history.contains("メモ") && history.contains("連絡・対応"),
        "{history}"
    );
}

#[test]
fn an_entry_with_an_unknown_or_wrong_list_item_is_refused() {
    let (mut conn, staff) = setup();
    let input = enquiry(&conn, &staff);
    let d = create(&mut conn, &input, &staff);
    let a_scene = item(&conn, ListKind::Scene, "看取り");
    for (input, field) in [
        (
            EntryInput {
                party_id: "7a2e4c30-5d1f-4e2b-8c47-06ffffffffff".into(),
                ..entry(&staff)
            },
            "entry.party_id",
        ),
        (
            EntryInput {
                party_id: a_scene.clone(),
                ..entry(&staff)
            },
            "entry.party_id",
        ),
        (
            EntryInput {
                method_id: a_scene.clone(),
                ..entry(&staff)
            },
            "entry.method_id",
        ),
        (
            EntryInput {
                method_id: "電話".into(),
                ..entry(&staff)
            },
            "entry.method_id",
        ),
    ] {
        let err = cases::add_entry(&mut conn, &d.id, &input, false, &staff, now()).unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
    }
    // A 場面 must be one of the 4つの場面 list.
    let input = CaseInput {
        scene_ids: vec![item(&conn, ListKind::Response, "情報提供")],
        ..enquiry(&conn, &staff)
    };
    let err = cases::create(&mut conn, &input, &staff, now()).unwrap_err();
    assert_eq!(err.field(), Some("scene_ids"));
    let entries: i64 = conn
        .query_row("SELECT count(*) FROM case_entries", [], |r| r.get(0))
        .unwrap();
    assert_eq!(entries, 0);
}

#[test]
fn the_new_lists_are_edited_in_the_settings_like_the_others() {
    let (mut conn, _) = setup();
    let all = lists::all(&conn).unwrap();
    let labels: Vec<&str> = all.iter().map(|l| l.label).collect();
    assert!(labels.contains(&"経過記録の相手") && labels.contains(&"4つの場面"));
    let parties = lists::list(&conn, ListKind::ContactParty).unwrap();
    let mut input: Vec<ListItemInput> = parties
        .items
        .iter()
        .map(|i| ListItemInput {
            id: Some(i.id.clone()),
            name: i.name.clone(),
            retired: false,
        })
        .collect();
    input.push(ListItemInput {
        id: None,
        name: "訪問看護ステーション".into(),
        retired: false,
    });
    let saved = lists::save(&mut conn, ListKind::ContactParty, &input).unwrap();
    assert_eq!(saved.items.len(), 8);
    assert_eq!(saved.items[7].name, "訪問看護ステーション");
    // 会議 is a 受付方法 and so a 手段.
    item(&conn, ListKind::IntakeMethod, "会議");
}
