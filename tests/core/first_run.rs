//! 初期設定: the step is read from the data, a refused step saves nothing,
//! steps come in order, an existing office is never sent back into it.

use std::path::Path;

use zaitaku_core::access::{self, CredentialKind};
use zaitaku_core::first_run::{self, Step};
use zaitaku_core::office::{self, AreaInput, CityInput, OfficeInput};
use zaitaku_core::store::{self, Connection};
use zaitaku_core::{demo, Error};

use crate::util::{at, is_japanese, new_db, temp_dir};

fn office_input(name: &str, phone: &str) -> OfficeInput {
    OfficeInput {
        name: name.into(),
        phone: phone.into(),
        address: "埼玉県坂戸市千代田1-1".into(),
        ..Default::default()
    }
}

fn city(name: &str, areas: &[&str]) -> CityInput {
    CityInput {
        id: None,
        name: name.into(),
        areas: areas
            .iter()
            .map(|a| AreaInput {
                id: None,
                name: (*a).into(),
            })
            .collect(),
    }
}

fn step(conn: &Connection) -> Option<Step> {
    first_run::step(conn).expect("step")
}

fn fingerprint(conn: &Connection) -> u64 {
    store::content_fingerprint(conn).expect("fingerprint")
}

/// The field an error names, for asserting a refusal by its field.
fn invalid_field(result: zaitaku_core::Result<impl std::fmt::Debug>) -> String {
    match result {
        Err(Error::Invalid { field, message }) => {
            assert!(is_japanese(&message), "{message}");
            field
        }
        other => panic!("expected a refusal by field, got {other:?}"),
    }
}

fn conflict(result: zaitaku_core::Result<impl std::fmt::Debug>) -> String {
    match result {
        Err(Error::Conflict(message)) => message,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

/// Steps 1 and 2 done, on `db`.
fn office_and_cities(conn: &mut Connection, db: &Path) {
    first_run::save_office(conn, &office_input("相談室", "049-283-1234"), db, at(9, 0))
        .expect("office");
    first_run::save_cities(conn, &[city("坂戸市", &["北部圏域"])], db, at(9, 1)).expect("cities");
}

#[test]
fn each_step_is_read_from_what_is_saved_and_survives_reopening() {
    let dir = temp_dir();
    let (db, mut conn) = new_db(dir.path());
    assert_eq!(step(&conn), Some(Step::Office));
    let status = first_run::status(&conn, &db).expect("status");
    assert!(status.empty, "a new database offers the demo");
    assert!(status.default_backup_dir.ends_with("backups"));

    let status = first_run::save_office(
        &mut conn,
        &office_input(
            "坂戸鶴ヶ島医師会 在宅医療相談室",
            "０４９－２８３－１２３４",
        ),
        &db,
        at(9, 0),
    )
    .expect("office");
    assert_eq!(status.step, Some(Step::Cities));
    assert!(!status.empty);
    assert_eq!(status.office.phone, "049-283-1234", "normalised as in 設定");
    // Quit half-way: a new connection resumes at step 2.
    drop(conn);
    let mut conn = store::open(&db).expect("reopen");
    assert_eq!(step(&conn), Some(Step::Cities));

    let cities = [
        city("坂戸市", &["北部圏域", "南部圏域"]),
        city("鶴ヶ島市", &[]),
    ];
    let status = first_run::save_cities(&mut conn, &cities, &db, at(9, 5)).expect("cities");
    assert_eq!(status.step, Some(Step::Admin));
    assert_eq!(status.office.cities.len(), 2);
    assert_eq!(status.office.name, "坂戸鶴ヶ島医師会 在宅医療相談室");

    let admin = first_run::register_admin(
        &mut conn,
        "山田 花子",
        CredentialKind::Pin,
        "2468",
        at(9, 10),
    )
    .expect("admin");
    assert!(admin.is_admin());
    drop(conn);
    let mut conn = store::open(&db).expect("reopen");
    assert_eq!(step(&conn), Some(Step::Backup));
    let status = first_run::status(&conn, &db).expect("status");
    assert_eq!(status.admin.map(|a| a.name), Some("山田 花子".into()));

    let usb = dir.path().join("usb");
    std::fs::create_dir(&usb).expect("usb");
    let status =
        first_run::save_backup(&mut conn, &usb.display().to_string(), &db).expect("backup");
    assert_eq!(status.step, None, "finished");
    assert_eq!(status.backup.dir, usb.display().to_string());
    assert!(!first_run::pending(&conn).expect("pending"));
}

#[test]
fn a_refused_step_saves_nothing_and_stays_the_step() {
    let dir = temp_dir();
    let (db, mut conn) = new_db(dir.path());
    let before = fingerprint(&conn);
    // The rules of 設定: 事業所名 required, a phone number of 10 or 11 digits.
    let no_name = first_run::save_office(&mut conn, &office_input("", ""), &db, at(9, 0));
    assert_eq!(invalid_field(no_name), "name");
    let bad_phone =
        first_run::save_office(&mut conn, &office_input("相談室", "abc-123"), &db, at(9, 0));
    assert_eq!(invalid_field(bad_phone), "phone");
    assert_eq!(fingerprint(&conn), before);
    assert_eq!(step(&conn), Some(Step::Office));

    first_run::save_office(&mut conn, &office_input("相談室", ""), &db, at(9, 0)).expect("office");
    let before = fingerprint(&conn);
    // At least one city; then the rules of 設定 (names required, never twice).
    assert_eq!(
        invalid_field(first_run::save_cities(&mut conn, &[], &db, at(9, 1))),
        "cities"
    );
    let twice = [city("坂戸市", &["北部圏域"]), city("坂戸市", &[])];
    assert_eq!(
        invalid_field(first_run::save_cities(&mut conn, &twice, &db, at(9, 1))),
        "cities.1.name"
    );
    let blank_area = [city("坂戸市", &["北部圏域", " "])];
    assert_eq!(
        invalid_field(first_run::save_cities(
            &mut conn,
            &blank_area,
            &db,
            at(9, 1)
        )),
        "cities.0.areas.1.name"
    );
    let outside = [city("市外", &[])];
    assert_eq!(
        invalid_field(first_run::save_cities(&mut conn, &outside, &db, at(9, 1))),
        "cities.0.name"
    );
    assert_eq!(
        fingerprint(&conn),
        before,
        "a refused step left rows behind"
    );
    assert_eq!(step(&conn), Some(Step::Cities));

    first_run::save_cities(&mut conn, &[city("坂戸市", &[])], &db, at(9, 1)).expect("cities");
    let short = first_run::register_admin(&mut conn, "山田", CredentialKind::Pin, "12", at(9, 2));
    assert_eq!(invalid_field(short), "credential");
    assert!(access::staff(&conn).expect("staff").is_empty());
    first_run::register_admin(&mut conn, "山田", CredentialKind::Pin, "2468", at(9, 2))
        .expect("admin");

    let before = fingerprint(&conn);
    let missing = dir.path().join("no-such-folder").display().to_string();
    assert_eq!(
        invalid_field(first_run::save_backup(&mut conn, &missing, &db)),
        "backup_dir"
    );
    assert_eq!(fingerprint(&conn), before);
    assert_eq!(step(&conn), Some(Step::Backup), "still the last step");
    // Empty: the default folder beside the database.
    let done = first_run::save_backup(&mut conn, "", &db).expect("default folder");
    assert_eq!((done.step, done.backup.dir.as_str()), (None, ""));
}

#[test]
fn steps_come_in_order_and_earlier_ones_can_be_saved_again() {
    let dir = temp_dir();
    let (db, mut conn) = new_db(dir.path());
    let before = fingerprint(&conn);
    let cities = first_run::save_cities(&mut conn, &[city("坂戸市", &[])], &db, at(9, 0));
    assert!(conflict(cities).contains("事業所の情報"));
    let admin = first_run::register_admin(&mut conn, "山田", CredentialKind::Pin, "2468", at(9, 0));
    assert!(conflict(admin).contains("事業所の情報"));
    assert!(conflict(first_run::save_backup(&mut conn, "", &db)).contains("事業所の情報"));
    assert_eq!(fingerprint(&conn), before);

    office_and_cities(&mut conn, &db);
    // Back to step 1: saving it again keeps the cities of step 2.
    let status = first_run::save_office(&mut conn, &office_input("新しい名前", ""), &db, at(9, 3))
        .expect("office again");
    assert_eq!(status.step, Some(Step::Admin));
    assert_eq!(status.office.name, "新しい名前");
    assert_eq!(status.office.cities.len(), 1);
    // Cities sent with step 1 are not step 1's to save.
    let with_cities = OfficeInput {
        cities: vec![city("鶴ヶ島市", &[])],
        ..office_input("新しい名前", "")
    };
    let status = first_run::save_office(&mut conn, &with_cities, &db, at(9, 4)).expect("office");
    let names: Vec<String> = status.office.cities.into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["坂戸市"]);
    assert!(conflict(first_run::save_backup(&mut conn, "", &db)).contains("最初の管理者"));
}

#[test]
fn a_finished_setup_refuses_its_steps() {
    let dir = temp_dir();
    let (db, mut conn) = new_db(dir.path());
    office_and_cities(&mut conn, &db);
    first_run::register_admin(&mut conn, "山田", CredentialKind::Pin, "2468", at(9, 2))
        .expect("admin");
    first_run::save_backup(&mut conn, "", &db).expect("finish");
    let before = fingerprint(&conn);
    let again = first_run::save_office(&mut conn, &office_input("別", ""), &db, at(10, 0));
    assert!(conflict(again).contains("設定"));
    assert!(conflict(first_run::save_backup(&mut conn, "", &db)).contains("設定"));
    assert!(conflict(first_run::fill_demo(&mut conn, at(10, 0))).contains("デモデータ"));
    assert_eq!(fingerprint(&conn), before);
}

#[test]
fn an_office_from_before_first_run_is_never_sent_into_it() {
    let dir = temp_dir();
    let (db, mut conn) = new_db(dir.path());
    // Saved from 設定 by an older version: no first-run mark, no staff.
    office::save(&mut conn, &office_input("相談室", ""), at(9, 0)).expect("office");
    assert_eq!(step(&conn), None);
    assert!(!first_run::status(&conn, &db).expect("status").empty);
    // It registers its first member from 設定, as before.
    first_run::register_admin(&mut conn, "山田", CredentialKind::Pin, "2468", at(9, 1))
        .expect("first member");
    assert_eq!(step(&conn), None);
}

#[test]
fn the_demo_is_offered_only_on_an_empty_database_and_ends_first_run() {
    let dir = temp_dir();
    let (db, mut conn) = new_db(dir.path());
    let accounts = first_run::fill_demo(&mut conn, at(9, 0)).expect("demo");
    assert_eq!(accounts.pin, demo::cases::DEMO_PIN);
    assert_eq!(accounts.admin, demo::cases::STAFF[0]);
    assert_eq!(step(&conn), None);
    // Its staff sign in with what the screen tells them.
    let admin = access::staff(&conn)
        .expect("staff")
        .into_iter()
        .find(|m| m.name == accounts.admin)
        .expect("the named 管理者");
    let signed_in =
        access::sign_in(&mut conn, &admin.id, &accounts.pin, at(9, 1)).expect("sign in");
    assert!(signed_in.is_admin());

    // Not once the office has entered anything of its own.
    let second = dir.path().join("second");
    std::fs::create_dir(&second).expect("second folder");
    let (db2, mut conn2) = new_db(&second);
    first_run::save_office(&mut conn2, &office_input("相談室", ""), &db2, at(9, 0))
        .expect("office");
    let before = fingerprint(&conn2);
    assert!(conflict(first_run::fill_demo(&mut conn2, at(9, 1))).contains("デモデータ"));
    assert_eq!(fingerprint(&conn2), before);
    let _ = db;
}
