//! Databases made by released versions must open in this one with their data
//! intact, and each migration must keep (or move as intended) the rows of
//! the versions before it.
//!
//! `tests/data/schema-vN.sqlite` is a database of schema version N holding
//! representative rows: `schema-v1.sqlite` is the demo database as version 1
//! wrote it (`zaitaku-desk demo-data`, checkpointed); the later ones are an
//! empty file taken through versions 1 … N, writing the rows of
//! `tests/data/rows-vK.sql` at each version K (rows as the app of version K
//! writes them, for what that version adds). Never regenerate or edit a
//! released fixture or rows file.
//!
//! When migration N+1 is added: write `tests/data/rows-v{N+1}.sql` (rows for
//! what it adds), list it in [`ROWS`], run
//! `cargo test -p zaitaku-core --test core -- --ignored write_missing_fixtures`
//! (it writes only the missing fixture) and commit both. If the migration
//! moves or rewrites rows, add what it must make of them to [`REWRITES`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use zaitaku_core::cases::{self, CaseFilter};
use zaitaku_core::office;
use zaitaku_core::store::{self, Connection, APPLICATION_ID, SCHEMA_VERSION};

use crate::util::{first_column, query_i64, temp_dir};

/// The representative rows of each version, in order; entry N−1 is for
/// version N and fits its schema.
const ROWS: &[&str] = &[
    include_str!("../data/rows-v1.sql"),
    include_str!("../data/rows-v2.sql"),
    include_str!("../data/rows-v3.sql"),
    include_str!("../data/rows-v4.sql"),
    include_str!("../data/rows-v5.sql"),
    include_str!("../data/rows-v6.sql"),
    include_str!("../data/rows-v7.sql"),
    include_str!("../data/rows-v8.sql"),
    include_str!("../data/rows-v9.sql"),
    include_str!("../data/rows-v10.sql"),
    include_str!("../data/rows-v11.sql"),
    include_str!("../data/rows-v12.sql"),
    include_str!("../data/rows-v13.sql"),
    include_str!("../data/rows-v14.sql"),
    include_str!("../data/rows-v15.sql"),
    include_str!("../data/rows-v16.sql"),
    include_str!("../data/rows-v17.sql"),
    include_str!("../data/rows-v18.sql"),
    include_str!("../data/rows-v19.sql"),
];

const CASE_1: &str = "0ca50000-0000-4000-8000-000000000001";
const SAKADO: &str = "0c170000-0000-4000-8000-000000000001";
const NISHI: &str = "0a1e0000-0000-4000-8000-000000000002";

/// What a migration that moves or rewrites rows makes of the rows of the
/// versions before it: (version, query, expected rows).
const REWRITES: &[(i64, &str, &[&str])] = &[
    // 8: booklet entries gain a lecture session, none for the old ones.
    (
        8,
        "SELECT id || ' ' || ifnull(lecture_session_id, '-') FROM booklet_entries ORDER BY id",
        &[
            "0b0e0000-0000-4000-8000-000000000001 -",
            "0b0e0000-0000-4000-8000-000000000002 -",
        ],
    ),
    // 11: each case gets the 市・圏域 its person had; none if the person had none.
    (
        11,
        "SELECT case_no || ' ' || ifnull(city_id, '-') || ' ' || ifnull(area_id, '-')
           FROM cases ORDER BY case_no",
        &[
            "1 0c170000-0000-4000-8000-000000000001 0a1e0000-0000-4000-8000-000000000002",
            "2 - -",
        ],
    ),
    // 13: the first active member becomes 管理者; every credential so far
    // is a PIN that need not be changed.
    (
        13,
        "SELECT staff_id || ' ' || role FROM staff_roles ORDER BY staff_id",
        &["05af0000-0000-4000-8000-000000000001 admin"],
    ),
    (
        13,
        "SELECT staff_id || ' ' || kind || ' ' || must_change FROM staff_pins ORDER BY staff_id",
        &["05af0000-0000-4000-8000-000000000001 pin 0"],
    ),
    // 14: every history row so far is chained, and each chain's length and
    // head are anchored. Pinned hashes: the canonical encoding of a row
    // (store::history::hash) can never change without breaking old chains.
    (
        14,
        "SELECT table_name || ' ' || rows || ' ' || ifnull(head, '-')
           FROM history_heads ORDER BY table_name",
        &[
            "access_log 0 -",
            "audit_log 4 33348e81faf46802baabd2df6da918c0a9a049767f7c1fe0dc20e1a9a2502e05",
            "booklet_entry_changes 3 d1ef727192f1df69e75a626c031471468969457aea0f6b224f0e7cf8c4aa01b8",
            "case_changes 2 85215d472329ebf4d559b51bab81575afbea7960966122317b61438246243ec1",
        ],
    ),
    (
        14,
        "SELECT 'unchained ' || count(*) FROM (
            SELECT chain FROM case_changes UNION ALL SELECT chain FROM booklet_entry_changes
            UNION ALL SELECT chain FROM audit_log) WHERE chain IS NULL",
        &["unchained 0"],
    ),
    // 15: 市外 joins the cities after the office's own; nobody moves into it
    // (the person of rows-v4.sql has moved to 鶴ヶ島市 since).
    (
        15,
        "SELECT name || ' ' || (SELECT count(*) FROM persons p WHERE p.city_id = c.id)
           FROM cities c ORDER BY sort_order",
        &["坂戸市 0", "鶴ヶ島市 1", "市外 0"],
    ),
    // 16: each 名簿 entry is registered from the day it was created, and
    // none has ended (none was retired); the booklet stays 意志表示帳.
    (
        16,
        "SELECT t || ' ' || registered_on || ' ' || ifnull(retired_on, '-') FROM (
            SELECT 'doctor' t, registered_on, retired_on FROM doctors
            UNION ALL SELECT 'bed', registered_on, retired_on FROM support_beds
            UNION ALL SELECT 'organisation', registered_on, retired_on FROM organisations)
          ORDER BY 1",
        &[
            "bed 2025-04-01 -",
            "doctor 2025-04-01 -",
            "organisation 2025-04-01 -",
            "organisation 2025-04-01 -",
        ],
    ),
    (
        16,
        "SELECT title || ' ' || is_booklet FROM booklet_editions",
        &["私の意志表示帳 1"],
    ),
    // 18: every entry so far is a contact without a 手段 or 相手 of its own
    // (the report counts it under its case's 受付方法); the 対応 links get
    // their case's sort_key; no case has a 場面 yet.
    (
        18,
        "SELECT id || ' ' || contact || ' ' || ifnull(method_id, '-') || ' ' || ifnull(party_id, '-')
           FROM case_entries ORDER BY id",
        &["0ce00000-0000-4000-8000-000000000001 1 - -"],
    ),
    (
        18,
        "SELECT r.case_id || ' ' || (r.sort_key = c.sort_key)
           FROM case_responses r JOIN cases c ON c.id = r.case_id ORDER BY r.case_id",
        &["0ca50000-0000-4000-8000-000000000001 1"],
    ),
    (
        18,
        "SELECT 'scenes ' || count(*) FROM case_scenes",
        &["scenes 0"],
    ),
    // The new lists, and 会議 after the 受付方法 the office had.
    (
        18,
        "SELECT kind || ' ' || group_concat(name, '/') FROM (
            SELECT kind, name FROM case_list_items
             WHERE kind IN ('contact_party', 'scene') OR (kind = 'intake_method' AND sort_order >= 5)
             ORDER BY kind, sort_order)
          GROUP BY kind ORDER BY kind",
        &[
            "contact_party 本人/家族/ケアマネジャー/医療機関/地域包括支援センター/行政/その他",
            "intake_method MCS/会議",
            "scene 日常の療養支援/入退院支援/急変時の対応/看取り",
        ],
    ),
];

fn fixture(version: i64) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data")
        .join(format!("schema-v{version}.sqlite"))
}

/// A database of `version` as the office would have it after using every
/// version up to it: each version's rows written by that version, then
/// migrated on.
fn fill_to(conn: &mut Connection, version: i64) {
    for (i, rows) in ROWS.iter().enumerate().take(version as usize) {
        store::migrate_to(conn, i as i64 + 1).unwrap();
        conn.execute_batch(rows)
            .unwrap_or_else(|e| panic!("rows-v{}.sql: {e}", i + 1));
    }
}

fn at_version(version: i64) -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    fill_to(&mut conn, version);
    conn
}

/// Writes `schema-vN.sqlite` for every version that has none (released
/// fixtures are never rewritten). Small pages keep each file small.
#[test]
#[ignore = "writes tests/data/schema-vN.sqlite; run by hand after adding a migration"]
fn write_missing_fixtures() {
    for version in 1..=SCHEMA_VERSION {
        let path = fixture(version);
        if path.exists() {
            continue;
        }
        let mut conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "page_size", 512).unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        fill_to(&mut conn, version);
        conn.execute_batch("VACUUM").unwrap();
        eprintln!("wrote {}", path.display());
    }
}

/// Every row of every table, as (column names, rows sorted), read with a
/// plain connection.
type Contents = BTreeMap<String, (Vec<String>, Vec<String>)>;

fn strings(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    let columns = stmt.column_count();
    let mut rows: Vec<String> = stmt
        .query_map([], |r| {
            (0..columns)
                .map(|i| r.get_ref(i).map(|v| format!("{v:?}")))
                .collect::<Result<Vec<_>, _>>()
                .map(|v| v.join(" | "))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.sort();
    rows
}

fn contents(conn: &Connection) -> Contents {
    let tables = first_column(
        conn,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'",
    );
    tables
        .into_iter()
        .map(|table| {
            let columns = first_column(
                conn,
                &format!("SELECT name FROM pragma_table_info('{table}')"),
            );
            let rows = strings(conn, &format!("SELECT {} FROM {table}", columns.join(", ")));
            (table, (columns, rows))
        })
        .collect()
}

/// The rows of `before` are all still there, column by column, in `conn`
/// (a migration may add rows, such as 市外 in 15; [`REWRITES`] pins those).
fn assert_rows_kept(before: &Contents, conn: &Connection, context: &str) {
    for (table, (columns, rows)) in before {
        let now = strings(conn, &format!("SELECT {} FROM {table}", columns.join(", ")));
        let lost: Vec<&String> = rows.iter().filter(|row| !now.contains(row)).collect();
        assert!(lost.is_empty(), "{context}: rows of {table} lost: {lost:?}");
    }
}

/// The version numbers in a SQLite header, read without SQLite so that
/// looking at the fixture cannot change it.
fn header_user_version_and_application_id(path: &Path) -> (i64, i64) {
    let bytes = std::fs::read(path).unwrap();
    let be = |at: usize| i32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as i64;
    (be(60), be(68))
}

#[test]
fn every_schema_version_has_its_rows_and_a_fixture_of_that_version() {
    assert_eq!(
        ROWS.len() as i64,
        SCHEMA_VERSION,
        "one rows-vN.sql per version"
    );
    for version in 1..=SCHEMA_VERSION {
        let path = fixture(version);
        assert!(
            path.is_file(),
            "{} is missing: see write_missing_fixtures",
            path.display()
        );
        assert_eq!(
            header_user_version_and_application_id(&path),
            (version, APPLICATION_ID)
        );
        assert!(
            std::fs::metadata(&path).unwrap().len() < 256 * 1024,
            "{} is large",
            path.display()
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
}

#[test]
fn every_migration_keeps_the_rows_before_it() {
    for version in 1..=SCHEMA_VERSION {
        let mut conn = at_version(version - 1);
        let before = contents(&conn);
        store::migrate_to(&mut conn, version).unwrap();
        assert_rows_kept(&before, &conn, &format!("migration {version}"));
        // The rows of the new version fit the schema it made.
        conn.execute_batch(ROWS[version as usize - 1]).unwrap();
        assert_eq!(store::check(&conn).unwrap(), version);
    }
}

#[test]
fn migrations_that_rewrite_rows_do_what_they_should() {
    for (version, query, want) in REWRITES {
        let mut conn = at_version(version - 1);
        store::migrate_to(&mut conn, *version).unwrap();
        assert_eq!(first_column(&conn, query), *want, "migration {version}");
    }
}

#[test]
fn migrate_to_goes_up_to_the_version_asked_and_never_down() {
    let mut conn = Connection::open_in_memory().unwrap();
    store::migrate_to(&mut conn, 3).unwrap();
    assert_eq!(query_i64(&conn, "PRAGMA user_version"), 3);
    store::migrate_to(&mut conn, 2).unwrap();
    assert_eq!(query_i64(&conn, "PRAGMA user_version"), 3);
    store::migrate_to(&mut conn, SCHEMA_VERSION + 5).unwrap();
    assert_eq!(query_i64(&conn, "PRAGMA user_version"), SCHEMA_VERSION);
}

#[test]
fn every_fixture_opens_in_this_version_with_its_rows_intact() {
    let dir = temp_dir();
    let today = chrono::NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
    for version in 1..=SCHEMA_VERSION {
        let path = dir.path().join(format!("from-v{version}.db"));
        std::fs::copy(fixture(version), &path).unwrap();
        let before = contents(&Connection::open(&path).unwrap());

        let conn = store::open(&path).unwrap();
        assert_eq!(
            store::check(&conn).unwrap(),
            SCHEMA_VERSION,
            "from v{version}"
        );
        assert_rows_kept(&before, &conn, &format!("from v{version}"));
        // The app reads what the old version wrote.
        office::load(&conn).unwrap();
        if version >= 4 {
            for id in cases::search::all_ids(&conn, &CaseFilter::default()).unwrap() {
                cases::get(&conn, &id, today).unwrap();
            }
            for query in ["山田", "やまだたろう"] {
                let filter = CaseFilter {
                    query: query.into(),
                    ..Default::default()
                };
                let found = cases::search::all_ids(&conn, &filter).unwrap();
                assert!(found.iter().any(|id| id == CASE_1), "v{version}: {query}");
            }
            // Case 1 counts where its person lived at 受付, moved or not.
            let place: (String, String) = conn
                .query_row(
                    "SELECT city_id, area_id FROM cases WHERE id = ?1",
                    [CASE_1],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            assert_eq!(place, (SAKADO.to_string(), NISHI.to_string()), "v{version}");
        }
    }
}

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
fn a_version_1_database_opens_with_its_office_data_intact() {
    let dir = temp_dir();
    let path = dir.path().join("from-v1.db");
    std::fs::copy(fixture(1), &path).unwrap();
    let ids_before = ids_as_written(&path);
    // 坂戸市 with its 5 圏域, then 鶴ヶ島市 with 4.
    assert_eq!(ids_before.len(), 2 + 9);
    assert_eq!(
        (ids_before[0].1.as_str(), ids_before[6].1.as_str()),
        ("坂戸市", "鶴ヶ島市")
    );

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
    // The cities and 圏域 in their order, with the ids written by version 1,
    // so records that point at a city or 圏域 keep pointing at the same one.
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

/// A restore migrates its staged copy on a defensive connection (see
/// backup::verify), where SQLite refuses `writable_schema`; migration 18
/// must still drop cases.person_id's NOT NULL there, keep every row, and
/// leave the connection defensive.
#[test]
fn the_enquiry_migration_runs_on_a_defensive_connection_and_keeps_every_row() {
    use rusqlite::config::DbConfig;
    let dir = temp_dir();
    let path = dir.path().join("staged.db");
    std::fs::copy(fixture(17), &path).unwrap();
    let before = contents(&Connection::open(&path).unwrap());
    let mut conn = Connection::open(&path).unwrap();
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)
        .unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    store::migrate_to(&mut conn, 18).unwrap();
    assert!(conn.db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE).unwrap());
    assert_rows_kept(&before, &conn, "defensive migration 18");
    for table in ["cases", "case_entries", "case_categories", "case_responses"] {
        let n = query_i64(&conn, &format!("SELECT count(*) FROM {table}"));
        assert!(n > 0, "{table} kept its rows");
    }
    let not_null = query_i64(
        &conn,
        "SELECT \"notnull\" FROM pragma_table_info('cases') WHERE name = 'person_id'",
    );
    assert_eq!(not_null, 0, "a case may have no person");
    assert_eq!(
        first_column(&conn, "PRAGMA integrity_check"),
        ["ok".to_string()]
    );
}
