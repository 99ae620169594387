//! `demo::fill`: the demo office for newcomers and tests.

use zaitaku_core::{demo, office, Error};

use crate::util::{at, is_japanese, new_db, query_i64, temp_dir};

#[test]
fn demo_data_fills_an_empty_database_with_two_cities() {
    let dir = temp_dir();
    let (_path, mut conn) = new_db(dir.path());
    let summary = demo::fill(&mut conn, at(8, 0)).unwrap();
    assert_eq!((summary.cities, summary.areas), (2, 9));

    let office = office::load(&conn).unwrap();
    assert!(!office.name.is_empty());
    assert_eq!(office.updated_at.as_deref(), Some("2025-04-01T08:00:00"));
    let cities: Vec<(&str, usize)> = office
        .cities
        .iter()
        .map(|c| (c.name.as_str(), c.areas.len()))
        .collect();
    assert_eq!(cities, [("坂戸市", 5), ("鶴ヶ島市", 4)]);
    assert_eq!(query_i64(&conn, "SELECT count(*) FROM areas"), 9);
}

#[test]
fn demo_data_is_refused_on_a_database_in_use_and_changes_nothing() {
    let dir = temp_dir();
    let (_path, mut conn) = new_db(dir.path());
    demo::fill(&mut conn, at(8, 0)).unwrap();
    let before = office::load(&conn).unwrap();
    let err = demo::fill(&mut conn, at(9, 0)).unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    assert!(is_japanese(&err.to_string()), "{err}");
    assert_eq!(office::load(&conn).unwrap(), before);
    // The demo's two cities and 市外 (there from the schema on).
    assert_eq!(query_i64(&conn, "SELECT count(*) FROM cities"), 3);
}

#[test]
fn demo_data_is_refused_when_only_the_office_name_was_entered() {
    let dir = temp_dir();
    let (_path, mut conn) = new_db(dir.path());
    let own = office::OfficeInput {
        name: "自分たちの相談室".into(),
        ..Default::default()
    };
    office::save(&mut conn, &own, at(8, 0)).unwrap();
    let before = office::load(&conn).unwrap();
    let err = demo::fill(&mut conn, at(9, 0)).unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    assert_eq!(office::load(&conn).unwrap(), before);
}
