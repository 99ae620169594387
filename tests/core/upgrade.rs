//! Databases made by released versions must open in this one with their data
//! intact. `tests/data/schema-vN.sqlite` is the demo database as version N
//! wrote it (`zaitaku-desk demo-data`, checkpointed, no -wal/-shm beside it);
//! never regenerate a released fixture.
//!
//! This is the upgrade test future migrations extend: when migration N+1 is
//! added, these tests open the v1 file through it; add a `schema-v2.sqlite`
//! fixture made by the version that ships schema 2, and check here that the
//! new tables/columns hold what the migration should put there.

use std::path::{Path, PathBuf};

use zaitaku_core::office;
use zaitaku_core::store::{self, Connection, APPLICATION_ID, SCHEMA_VERSION};

use crate::util::{query_i64, temp_dir};

/// What `schema-v1.sqlite` holds: the demo office of version 1 (name,
/// postal code, address, phone, FAX, contact person). Written out here, not
/// taken from `demo`, because the fixture is frozen while the demo may change.
const V1_OFFICE: (&str, &str, &str, &str, &str, &str) = (
    "坂戸鶴ヶ島医師会 在宅医療相談室",
    "350-0200",
    "埼玉県坂戸市千代田一丁目1番地 医師会館2階",
    "049-200-0000",
    "049-200-0001",
    "医療連携コーディネーター 山田 花子",
);

const V1_CITIES: &[(&str, &[&str])] = &[
    (
        "坂戸市",
        &[
            "坂戸・三芳野圏域",
            "勝呂・大家圏域",
            "入西圏域",
            "浅羽野・千代田圏域",
            "城山・北坂戸圏域",
        ],
    ),
    (
        "鶴ヶ島市",
        &["北部圏域", "東部圏域", "南部圏域", "西部圏域"],
    ),
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data")
        .join(name)
}

/// The version numbers in a SQLite header, read without SQLite so that
/// looking at the fixture cannot change it.
fn header_user_version_and_application_id(path: &Path) -> (i64, i64) {
    let bytes = std::fs::read(path).unwrap();
    let be = |at: usize| i32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as i64;
    (be(60), be(68))
}

/// (id, name) of every city followed by its areas, read with a plain SQLite
/// connection before this version's `open()` touches the file.
fn ids_as_written(path: &Path) -> Vec<(String, String)> {
    let raw = Connection::open(path).unwrap();
    let mut ids = Vec::new();
    let cities: Vec<(String, String)> = raw
        .prepare("SELECT id, name FROM cities ORDER BY sort_order")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (city_id, city_name) in cities {
        ids.push((city_id.clone(), city_name));
        let areas = raw
            .prepare("SELECT id, name FROM areas WHERE city_id = ?1 ORDER BY sort_order")
            .unwrap()
            .query_map([&city_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<Vec<(String, String)>, _>>()
            .unwrap();
        ids.extend(areas);
    }
    ids
}

#[test]
fn the_v1_fixture_is_a_checkpointed_version_1_database() {
    let path = fixture("schema-v1.sqlite");
    assert!(path.is_file(), "{} is missing", path.display());
    assert_eq!(
        header_user_version_and_application_id(&path),
        (1, APPLICATION_ID)
    );
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = path.clone().into_os_string();
        side.push(suffix);
        assert!(
            !Path::new(&side).exists(),
            "{suffix} file next to the fixture"
        );
    }
}

#[test]
fn a_version_1_database_opens_with_its_office_data_intact() {
    let dir = temp_dir();
    let path = dir.path().join("from-v1.db");
    std::fs::copy(fixture("schema-v1.sqlite"), &path).unwrap();
    let ids_before = ids_as_written(&path);
    assert_eq!(ids_before.len(), 2 + 9);

    let conn = store::open(&path).unwrap();
    assert_eq!(query_i64(&conn, "PRAGMA user_version"), SCHEMA_VERSION);
    assert_eq!(store::check(&conn).unwrap(), SCHEMA_VERSION);

    let office = office::load(&conn).unwrap();
    assert_eq!(office.name, V1_OFFICE.0);
    assert_eq!(office.postal_code, V1_OFFICE.1);
    assert_eq!(office.address, V1_OFFICE.2);
    assert_eq!(office.phone, V1_OFFICE.3);
    assert_eq!(office.fax, V1_OFFICE.4);
    assert_eq!(office.contact_person, V1_OFFICE.5);
    assert!(office.updated_at.is_some());
    let got: Vec<(&str, Vec<&str>)> = office
        .cities
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.areas.iter().map(|a| a.name.as_str()).collect(),
            )
        })
        .collect();
    let want: Vec<(&str, Vec<&str>)> = V1_CITIES
        .iter()
        .map(|(c, areas)| (*c, areas.to_vec()))
        .collect();
    assert_eq!(got, want);

    // The ids written by version 1 survive, so records that point at a
    // city or 圏域 keep pointing at the same one.
    let ids: Vec<(String, String)> = office
        .cities
        .iter()
        .flat_map(|c| {
            std::iter::once((c.id.clone(), c.name.clone()))
                .chain(c.areas.iter().map(|a| (a.id.clone(), a.name.clone())))
        })
        .collect();
    assert_eq!(ids, ids_before);
    drop(conn);
    let again = office::load(&store::open(&path).unwrap()).unwrap();
    assert_eq!(again, office, "opening a second time changes nothing");
}
