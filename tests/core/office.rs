//! 事業所情報: `office::save` and `office::load` on a real database.

use zaitaku_core::office::{self, AreaInput, CityInput, Office, OfficeInput};
use zaitaku_core::store::Connection;
use zaitaku_core::{text, Error};

use crate::util::{at, first_column, is_japanese, is_uuid_v4, new_db, query_i64, temp_dir};

fn area(id: Option<&str>, name: &str) -> AreaInput {
    AreaInput {
        id: id.map(str::to_string),
        name: name.into(),
    }
}

fn city(id: Option<&str>, name: &str, areas: Vec<AreaInput>) -> CityInput {
    CityInput {
        id: id.map(str::to_string),
        name: name.into(),
        areas,
    }
}

/// Cities listed against code-point order, so a load that ignored the
/// order the user chose would be caught.
fn sample_input() -> OfficeInput {
    OfficeInput {
        name: "鶴ヶ島在宅医療・介護連携センター".into(),
        postal_code: "〒３５０－０２９２".into(),
        address: "埼玉県鶴ヶ島市大字三ツ木１６番地１".into(),
        phone: "０４９ー２７１ー１１１１".into(),
        fax: "049(271)1112".into(),
        contact_person: "相談員　髙橋 﨑子".into(),
        cities: vec![
            city(
                None,
                "鶴ヶ島市",
                vec![
                    area(None, "東部圏域"),
                    area(None, "北部圏域"),
                    area(None, "南部圏域"),
                ],
            ),
            city(
                None,
                "坂戸市",
                vec![area(None, "入西圏域"), area(None, "勝呂・大家圏域")],
            ),
        ],
    }
}

fn names(office: &Office) -> Vec<(String, Vec<String>)> {
    office
        .cities
        .iter()
        .map(|c| {
            (
                c.name.clone(),
                c.areas.iter().map(|a| a.name.clone()).collect(),
            )
        })
        .collect()
}

fn saved_sample(conn: &mut Connection) -> Office {
    office::save(conn, &sample_input(), at(9, 30)).expect("save the sample office")
}

#[test]
fn save_then_load_round_trips_the_office() {
    let dir = temp_dir();
    let (path, mut conn) = new_db(dir.path());
    let saved = saved_sample(&mut conn);
    drop(conn);
    let conn = zaitaku_core::store::open(&path).unwrap();
    let loaded = office::load(&conn).unwrap();
    assert_eq!(loaded, saved, "save returns what load reads back");

    assert_eq!(loaded.name, "鶴ヶ島在宅医療・介護連携センター");
    assert_eq!(
        loaded.address, "埼玉県鶴ヶ島市大字三ツ木１６番地１",
        "names and addresses are kept as typed"
    );
    assert_eq!(loaded.contact_person, "相談員　髙橋 﨑子");
    assert_eq!(
        loaded.postal_code, "350-0292",
        "postal code in half-width form"
    );
    assert_eq!(
        loaded.phone, "049-271-1111",
        "phone typed through an IME in half-width form"
    );
    assert_eq!(loaded.fax, "049(271)1112");
    assert_eq!(loaded.updated_at.as_deref(), Some("2025-04-01T09:30:00"));
    assert_eq!(
        names(&loaded),
        vec![
            (
                "鶴ヶ島市".to_string(),
                vec!["東部圏域".to_string(), "北部圏域".into(), "南部圏域".into()]
            ),
            (
                "坂戸市".to_string(),
                vec!["入西圏域".to_string(), "勝呂・大家圏域".into()]
            ),
        ],
        "cities and areas in the order entered"
    );
    for city in &loaded.cities {
        assert!(is_uuid_v4(&city.id), "city id {}", city.id);
        for area in &city.areas {
            assert!(is_uuid_v4(&area.id), "area id {}", area.id);
        }
    }
}

#[test]
fn saving_again_keeps_ids_deletes_removed_rows_and_adds_new_ones() {
    let dir = temp_dir();
    let (_path, mut conn) = new_db(dir.path());
    let first = saved_sample(&mut conn);
    let tsurugashima = &first.cities[0];
    let sakado = &first.cities[1];

    let mut input = OfficeInput::from(&first);
    // Rename a city, swap the two cities, drop 北部圏域, add a new area.
    input.cities.swap(0, 1);
    input.cities[0].name = "坂戸市（西部）".into();
    input.cities[1].areas.retain(|a| a.name != "北部圏域");
    input.cities[1].areas.push(area(None, "西部圏域"));
    input.name = "鶴ヶ島・坂戸 在宅医療相談室".into();
    let second = office::save(&mut conn, &input, at(10, 0)).unwrap();

    assert_eq!(second, office::load(&conn).unwrap());
    assert_eq!(second.name, "鶴ヶ島・坂戸 在宅医療相談室");
    assert_eq!(second.updated_at.as_deref(), Some("2025-04-01T10:00:00"));
    assert_eq!(second.cities.len(), 2);
    assert_eq!(second.cities[0].id, sakado.id, "renamed city keeps its id");
    assert_eq!(second.cities[0].name, "坂戸市（西部）");
    assert_eq!(
        second.cities[0].areas, sakado.areas,
        "its areas are untouched"
    );
    assert_eq!(second.cities[1].id, tsurugashima.id);

    let areas = &second.cities[1].areas;
    let area_names: Vec<&str> = areas.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(area_names, ["東部圏域", "南部圏域", "西部圏域"]);
    assert_eq!(areas[0], tsurugashima.areas[0]);
    assert_eq!(areas[1], tsurugashima.areas[2]);
    let new_area = &areas[2];
    assert!(
        is_uuid_v4(&new_area.id),
        "new area gets a UUID: {}",
        new_area.id
    );
    assert!(first
        .cities
        .iter()
        .flat_map(|c| &c.areas)
        .all(|a| a.id != new_area.id));

    let removed = &tsurugashima.areas[1];
    assert_eq!(removed.name, "北部圏域");
    let left = conn
        .query_row(
            "SELECT count(*) FROM areas WHERE id = ?1",
            [&removed.id],
            |r| r.get::<_, i64>(0),
        )
        .unwrap();
    assert_eq!(left, 0, "the removed area is deleted from the table");
    assert_eq!(query_i64(&conn, "SELECT count(*) FROM areas"), 5);
}

#[test]
fn removing_a_city_deletes_its_areas() {
    let dir = temp_dir();
    let (_path, mut conn) = new_db(dir.path());
    let first = saved_sample(&mut conn);
    let mut input = OfficeInput::from(&first);
    input.cities.remove(0);
    let second = office::save(&mut conn, &input, at(10, 0)).unwrap();
    assert_eq!(
        names(&second),
        vec![(
            "坂戸市".to_string(),
            vec!["入西圏域".to_string(), "勝呂・大家圏域".into()]
        )]
    );
    // The removed city is gone; 市外 (not on the form) stays.
    assert_eq!(
        first_column(&conn, "SELECT name FROM cities ORDER BY sort_order"),
        ["坂戸市", "市外"]
    );
    assert_eq!(
        query_i64(&conn, "SELECT count(*) FROM areas"),
        2,
        "areas of the removed city are gone"
    );
}

/// Saves `input`, expects it refused, and checks nothing was written.
fn assert_refused(conn: &mut Connection, input: &OfficeInput) -> Error {
    let before = office::load(conn).unwrap();
    let rows_before = query_i64(conn, "SELECT count(*) FROM areas")
        + query_i64(conn, "SELECT count(*) FROM cities");
    let err = office::save(conn, input, at(11, 45)).unwrap_err();
    assert!(is_japanese(&err.to_string()), "message in Japanese: {err}");
    assert_eq!(
        office::load(conn).unwrap(),
        before,
        "nothing written (updated_at included)"
    );
    let rows_after = query_i64(conn, "SELECT count(*) FROM areas")
        + query_i64(conn, "SELECT count(*) FROM cities");
    assert_eq!(rows_after, rows_before);
    err
}

fn assert_invalid(err: &Error, expected_field: &str) {
    match err {
        Error::Invalid { field, message } => {
            assert_eq!(field, expected_field, "{message}");
            assert!(is_japanese(message), "{message}");
        }
        other => panic!("expected Invalid on {expected_field}, got {other:?}"),
    }
    assert_eq!(err.field(), Some(expected_field));
}

/// What a refused save must be: invalid on a field (and its message names
/// something), or a whole-record refusal.
enum Refusal {
    Field(&'static str, &'static str),
    NotFound,
    Conflict,
}

/// Each row edits a saved office (or, with `blank`, a fresh database's
/// first save) and must be refused as said, writing nothing.
#[test]
fn refused_saves_say_why_and_write_nothing() {
    type Edit = fn(&mut OfficeInput);
    let rows: &[(&str, bool, Edit, Refusal)] = &[
        (
            "letters in the phone number",
            false,
            |i| {
                i.name = "変更してはいけない名前".into();
                i.phone = "abc-123".into();
            },
            Refusal::Field("phone", "電話番号"),
        ),
        (
            "a bad phone number on a blank database",
            true,
            |i| i.phone = "abc-123".into(),
            Refusal::Field("phone", "電話番号"),
        ),
        (
            "no office name",
            false,
            |i| i.name = " 　".into(),
            Refusal::Field("name", "名"),
        ),
        (
            "the same city twice",
            false,
            |i| i.cities[1].name = "鶴ヶ島市".into(),
            Refusal::Field("cities.1.name", "鶴ヶ島市"),
        ),
        (
            "the same city twice, spaces around it",
            false,
            |i| i.cities[1].name = "　鶴ヶ島市 ".into(),
            Refusal::Field("cities.1.name", "鶴ヶ島市"),
        ),
        (
            "the same area twice in a city",
            false,
            |i| i.cities[0].areas[2].name = "東部圏域".into(),
            Refusal::Field("cities.0.areas.2.name", "東部圏域"),
        ),
        (
            "a city id that is not a UUID",
            false,
            |i| i.cities[0].id = Some("1; DROP TABLE cities".into()),
            Refusal::Field("cities.0.id", "識別子"),
        ),
        (
            "an area id that is not a UUID",
            false,
            |i| i.cities[1].areas[0].id = Some("not-a-uuid".into()),
            Refusal::Field("cities.1.areas.0.id", "識別子"),
        ),
        (
            // A city deleted meanwhile (e.g. in another window).
            "an unknown city id",
            false,
            |i| {
                i.name = "変更してはいけない名前".into();
                let id = text::new_id();
                i.cities
                    .push(city(Some(&id), "川越市", vec![area(None, "中央圏域")]));
            },
            Refusal::NotFound,
        ),
        (
            "an unknown area id",
            false,
            |i| {
                let id = text::new_id();
                i.cities[0].areas.push(area(Some(&id), "消えた圏域"));
            },
            Refusal::NotFound,
        ),
        (
            "an area moved to another city",
            false,
            |i| {
                let moved = i.cities[0].areas.remove(0);
                i.cities[1].areas.push(moved);
            },
            Refusal::Conflict,
        ),
    ];
    for (what, blank, edit, refusal) in rows {
        let dir = temp_dir();
        let (_path, mut conn) = new_db(dir.path());
        let mut input = if *blank {
            sample_input()
        } else {
            OfficeInput::from(&saved_sample(&mut conn))
        };
        edit(&mut input);
        let err = assert_refused(&mut conn, &input);
        match refusal {
            Refusal::Field(field, names) => {
                assert_invalid(&err, field);
                assert!(err.to_string().contains(names), "{what}: {err}");
            }
            Refusal::NotFound => assert!(matches!(err, Error::NotFound { .. }), "{what}: {err:?}"),
            Refusal::Conflict => assert!(matches!(err, Error::Conflict(_)), "{what}: {err:?}"),
        }
        if *blank {
            assert_eq!(office::load(&conn).unwrap().updated_at, None, "{what}");
        }
    }
}
