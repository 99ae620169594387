//! Every CSV export, with text fields typed as spreadsheet formulas: no
//! cell, header row included, starts with a formula character once
//! unquoted, and numbers stay numbers.

use chrono::NaiveDate;
use zaitaku_core::booklets::{self, ChannelInput, EditionInput, EntryInput};
use zaitaku_core::cases::lists::{self, ListItemInput, ListKind};
use zaitaku_core::cases::{self, CaseFilter, CaseInput, PersonInput};
use zaitaku_core::lectures::{
    self, questionnaire, CountInput, SessionInput, SessionKind, Status, TallyInput, ThemeInput,
    VenueInput,
};
use zaitaku_core::registries::organisations::{self, OrganisationFilter, OrganisationInput};
use zaitaku_core::registries::{
    self, BedFilter, BedUpdateInput, DoctorFilter, DoctorInput, SupportBedInput,
};
use zaitaku_core::store::Connection;
use zaitaku_core::{demo, office, report};

use crate::util::{at, new_db, temp_dir};

/// What staff might type (or paste) that a spreadsheet would run.
const TYPED: [&str; 7] = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1+1",
    "＝1+1",
    "=HYPERLINK(\"http://x\",\"y\")",
];

/// Characters a spreadsheet reads as the start of a formula.
const FORMULA_STARTS: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// A minimal RFC 4180 reader: the BOM, then records of fields, quoted
/// fields unquoted (`""` inside becomes `"`), records ending in CRLF.
fn read_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let text = text.strip_prefix('\u{FEFF}').expect("a BOM");
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            '"' => panic!("a quote inside an unquoted field: {field:?}"),
            ',' => record.push(std::mem::take(&mut field)),
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF after {field:?}");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            '\n' => panic!("a bare LF outside quotes after {field:?}"),
            c => field.push(c),
        }
    }
    assert!(!quoted, "an unterminated quoted field");
    assert!(
        field.is_empty() && record.is_empty(),
        "the last record lacks CRLF"
    );
    records
}

fn today() -> NaiveDate {
    at(9, 0).date()
}

/// The demo office, then records of every kind with the typed formulas in
/// their text fields, all in 年度 2024 (the demo's year).
fn seeded() -> (tempfile::TempDir, Connection) {
    let dir = temp_dir();
    let (_path, mut conn) = new_db(dir.path());
    demo::fill(&mut conn, at(8, 0)).unwrap();
    let office = office::load(&conn).unwrap();
    let city = office.cities[0].id.clone();
    let area = office.cities[0].areas[0].id.clone();

    // Names of the lists the report counts by, and booklet channels.
    for kind in [ListKind::Category, ListKind::Response, ListKind::Outcome] {
        let mut items: Vec<ListItemInput> = lists::list(&conn, kind)
            .unwrap()
            .items
            .into_iter()
            .map(|i| ListItemInput {
                id: Some(i.id),
                name: i.name,
                retired: i.retired,
            })
            .collect();
        items.extend(TYPED.iter().enumerate().map(|(i, t)| ListItemInput {
            id: None,
            name: format!("{t}{i}"),
            retired: false,
        }));
        lists::save(&mut conn, kind, &items).unwrap();
    }
    let mut channels: Vec<ChannelInput> = booklets::channels(&conn)
        .unwrap()
        .into_iter()
        .map(|c| ChannelInput {
            id: Some(c.id),
            name: c.name,
            active: c.active,
        })
        .collect();
    channels.extend(TYPED.iter().enumerate().map(|(i, t)| ChannelInput {
        id: None,
        name: format!("{t}{i}"),
        active: true,
    }));
    booklets::save_channels(&mut conn, &channels).unwrap();

    // The questionnaire: staff type the question text, which becomes a
    // header of the lectures export, and the choices.
    let form = questionnaire::QuestionnaireInput {
        name: TYPED[0].into(),
        questions: TYPED
            .iter()
            .enumerate()
            .map(|(i, t)| questionnaire::QuestionInput {
                text: format!("{t}{i}"),
                awareness: i == 0,
                choices: vec![(*t).into(), format!("{t}いいえ")],
            })
            .collect(),
    };
    questionnaire::save(&mut conn, &form, at(8, 0)).unwrap();
    let form = questionnaire::current(&conn).unwrap().unwrap();

    let staff = lists::list(&conn, ListKind::Staff).unwrap().items[0]
        .id
        .clone();
    let first = |kind| lists::list(&conn, kind).unwrap().items[0].id.clone();
    let (method, consulter) = (
        first(ListKind::IntakeMethod),
        first(ListKind::ConsulterType),
    );
    let categories: Vec<String> = lists::list(&conn, ListKind::Category)
        .unwrap()
        .items
        .into_iter()
        .filter(|i| i.name.starts_with(FORMULA_STARTS))
        .map(|i| i.id)
        .collect();
    let channel = booklets::channels(&conn)
        .unwrap()
        .into_iter()
        .find(|c| c.name.starts_with('='))
        .unwrap()
        .id;

    for (i, t) in TYPED.iter().enumerate() {
        let t = t.to_string();
        let unique = format!("{t}{i}");
        let date = format!("2025-03-{:02}", 10 + i);

        let case = CaseInput {
            received_date: date.clone(),
            received_time: "10:00".into(),
            intake_method_id: method.clone(),
            consulter_type_id: consulter.clone(),
            consulter_affiliation: t.clone(),
            consulter_name: t.clone(),
            info_source: t.clone(),
            is_new: true,
            person: PersonInput {
                name: unique.clone(),
                city_id: city.clone(),
                area_id: area.clone(),
                ..Default::default()
            },
            new_person: true,
            category_ids: vec![categories[i].clone()],
            content: t.clone(),
            referral_to: t.clone(),
            minutes: "30".into(),
            staff_id: staff.clone(),
            status: "受付".into(),
            ..Default::default()
        };
        cases::create(&mut conn, &case, &staff, at(9, 0)).unwrap();

        let edition = EditionInput {
            title: unique.clone(),
            edition: t.clone(),
            publisher: t.clone(),
            notes: t.clone(),
            ..Default::default()
        };
        let edition = booklets::save_edition(&mut conn, &edition, at(8, 0))
            .unwrap()
            .id;
        let mut receipt = EntryInput::receipt(&edition, &date, 100, "print");
        receipt.note = t.clone();
        booklets::add_entry(&mut conn, &receipt, &t, at(9, 0)).unwrap();
        let mut issue = EntryInput::issue(&edition, &date, 5, &channel);
        issue.recipient_name = t.clone();
        issue.note = t.clone();
        issue.city_id = city.clone();
        booklets::add_entry(&mut conn, &issue, &t, at(9, 0)).unwrap();

        registries::save_doctor(
            &mut conn,
            &DoctorInput {
                name: unique.clone(),
                clinic: t.clone(),
                address: t.clone(),
                city_id: Some(city.clone()),
                area_ids: vec![area.clone()],
                home_visits: true,
                dementia_consult: true,
                notes: t.clone(),
                ..Default::default()
            },
            at(9, 0),
        )
        .unwrap();
        let bed = registries::save_bed(
            &conn,
            &SupportBedInput {
                hospital: unique.clone(),
                city_id: Some(city.clone()),
                beds: "3".into(),
                notes: t.clone(),
                ..Default::default()
            },
            at(9, 0),
        )
        .unwrap();
        registries::add_bed_update(
            &conn,
            &bed.id,
            &BedUpdateInput {
                checked_on: date.clone(),
                free_beds: "1".into(),
                note: t.clone(),
            },
            at(9, 0),
        )
        .unwrap();
        organisations::save(
            &conn,
            &OrganisationInput {
                kind: t.clone(),
                name: unique.clone(),
                department: t.clone(),
                address: t.clone(),
                contact_person: t.clone(),
                city_id: Some(city.clone()),
                notes: t.clone(),
                ..Default::default()
            },
            at(9, 0),
        )
        .unwrap();

        let venue = VenueInput {
            name: unique.clone(),
            address: t.clone(),
            city_id: city.clone(),
            ..Default::default()
        };
        let venue = lectures::save_venue(&conn, &venue, at(8, 0)).unwrap().id;
        let theme = ThemeInput {
            number: (90 + i).to_string(),
            title: unique.clone(),
            summary: t.clone(),
            audience: t.clone(),
            duration_minutes: "90".into(),
            ..Default::default()
        };
        let theme = lectures::save_theme(&conn, &theme, at(8, 0)).unwrap().id;
        let session = SessionInput {
            kind: SessionKind::Outreach.to_string(),
            theme_id: theme,
            title: t.clone(),
            session_date: date.clone(),
            start_time: "14:00".into(),
            end_time: "15:30".into(),
            venue_id: venue,
            requesting_group: t.clone(),
            lecturers: t.clone(),
            attendees: "10".into(),
            status: Status::Held.to_string(),
            notes: t.clone(),
            ..Default::default()
        };
        let id = lectures::save_session(&mut conn, &session, at(9, 0))
            .unwrap()
            .session
            .basics
            .id;
        let tally = TallyInput {
            forms_returned: "2".into(),
            counts: form
                .questions
                .iter()
                .flat_map(|q| &q.choices)
                .map(|c| CountInput {
                    choice_id: c.id.clone(),
                    count: "1".into(),
                })
                .collect(),
            comments: vec![t.clone()],
        };
        lectures::save_tally(&mut conn, &id, &tally, at(9, 0)).unwrap();
    }
    (dir, conn)
}

#[test]
fn no_cell_of_any_export_starts_with_a_formula_character() {
    let (_dir, conn) = seeded();
    let report =
        report::build(&conn, &report::ReportPeriod::Fiscal { year: 2024 }, today()).unwrap();
    let exports: Vec<(&str, Vec<u8>)> = vec![
        (
            "相談記録",
            cases::export_csv(&conn, &CaseFilter::default(), today())
                .unwrap()
                .bytes,
        ),
        (
            "意志表示帳",
            booklets::export_csv(&conn, None).unwrap().bytes,
        ),
        (
            "講座",
            lectures::export_csv(&conn, None, today()).unwrap().bytes,
        ),
        (
            "往診登録医",
            registries::doctors_csv(&conn, &DoctorFilter::default(), today())
                .unwrap()
                .bytes,
        ),
        (
            "もの忘れ相談医リスト",
            registries::dementia_list_csv(&conn, today()).unwrap().bytes,
        ),
        (
            "療養支援ベッド",
            registries::beds_csv(&conn, &BedFilter::default())
                .unwrap()
                .bytes,
        ),
        (
            "関係機関",
            organisations::export_csv(&conn, &OrganisationFilter::default())
                .unwrap()
                .bytes,
        ),
        ("報告", report::to_csv(&report)),
    ];
    for (name, bytes) in &exports {
        let records = read_csv(bytes);
        let mut guarded = 0;
        for (r, record) in records.iter().enumerate() {
            for (c, cell) in record.iter().enumerate() {
                assert!(
                    !cell.starts_with(FORMULA_STARTS),
                    "{name}: row {r}, column {c} starts a formula: {cell:?}"
                );
                if cell.starts_with('\'') && cell[1..].starts_with(FORMULA_STARTS) {
                    guarded += 1;
                }
            }
        }
        // Every typed value reached the file, guarded.
        for typed in TYPED {
            let want = format!("'{}", typed.trim());
            assert!(
                records.iter().flatten().any(|cell| cell.starts_with(&want)),
                "{name}: no cell starts with {want:?}"
            );
        }
        assert!(guarded >= TYPED.len(), "{name}: {guarded} guarded cells");
    }

    // Question text typed by staff is a header of the lectures export.
    let lectures = read_csv(&exports[2].1);
    for (i, typed) in TYPED.iter().enumerate() {
        let want = format!("'{}{i}：", typed.trim());
        assert!(
            lectures[0].iter().any(|h| h.starts_with(&want)),
            "no header {want:?} in {:?}",
            lectures[0]
        );
    }
}

#[test]
fn number_cells_stay_numbers_even_when_negative_looking_text_is_guarded() {
    let (_dir, conn) = seeded();
    let records = read_csv(
        &registries::beds_csv(&conn, &BedFilter::default())
            .unwrap()
            .bytes,
    );
    let beds = records[0].iter().position(|h| h == "床数").unwrap();
    for record in &records[1..] {
        assert!(
            record[beds].parse::<i64>().is_ok(),
            "床数 {:?} is not a plain number",
            record[beds]
        );
    }
    let rows = read_csv(&zaitaku_core::csv::to_bytes(
        &["値"],
        &[vec![zaitaku_core::csv::Cell::Number(-3)]],
    ));
    assert_eq!(rows[1], ["-3"]);
}
