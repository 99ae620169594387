//! 閲覧・出力記録: filters by person, kind and period, paging, and the CSV.

use zaitaku_core::access_log::{self, AccessFilter, Kind};
use zaitaku_core::store::Connection;
use zaitaku_core::Error;

use crate::util::{new_db, temp_dir};

const YAMADA: &str = "05af0000-0000-4000-8000-000000000001";
const SATO: &str = "05af0000-0000-4000-8000-000000000002";
const CASE: &str = "0ca50000-0000-4000-8000-000000000001";

fn day(month: u32, d: u32, hour: u32) -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2025, month, d)
        .unwrap()
        .and_hms_opt(hour, 0, 0)
        .unwrap()
}

/// 山田 opens a case on 4/1 and exports on 4/2; 佐藤 opens it on 4/3 and
/// fails to sign in on 5/1; a hostile file name is exported on 5/2.
fn log(conn: &Connection) {
    let rows = [
        (YAMADA, "山田 花子", Kind::CaseView, CASE, day(4, 1, 9)),
        (
            YAMADA,
            "山田 花子",
            Kind::CsvExport,
            "相談記録_20250402-100000.csv",
            day(4, 2, 10),
        ),
        (SATO, "佐藤 次郎", Kind::CaseView, CASE, day(4, 3, 23)),
        (SATO, "佐藤 次郎", Kind::SignInFailed, "", day(5, 1, 8)),
        (
            YAMADA,
            "＠山田",
            Kind::CsvExport,
            "=HYPERLINK(\"http://x\",\"y\")",
            day(5, 2, 8),
        ),
    ];
    for (id, name, kind, target, at) in rows {
        access_log::record_for(conn, id, name, kind, target, "", at).unwrap();
    }
}

fn kinds_and_people(conn: &Connection, filter: AccessFilter) -> Vec<(String, String)> {
    access_log::page(conn, &filter)
        .unwrap()
        .rows
        .into_iter()
        .map(|r| (r.kind_label, r.staff_name))
        .collect()
}

#[test]
fn the_log_is_filtered_by_person_kind_and_period_newest_first() {
    let dir = temp_dir();
    let (_path, conn) = new_db(dir.path());
    log(&conn);
    let all = access_log::page(&conn, &AccessFilter::default()).unwrap();
    assert_eq!(all.total, 5);
    assert_eq!(all.rows[0].at_label, "令和7年5月2日（金） 08:00");
    assert_eq!(all.rows[4].target, CASE);
    // The person filter offers everyone in the log, by their latest name.
    let people: Vec<&str> = all.people.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(people, ["佐藤 次郎", "＠山田"]);
    assert_eq!(all.kinds.len(), Kind::ALL.len());
    assert!(all.kinds.iter().any(|k| k.label == "相談記録の閲覧"));

    let sato = AccessFilter {
        staff_id: SATO.into(),
        ..Default::default()
    };
    assert_eq!(
        kinds_and_people(&conn, sato),
        [
            ("サインイン失敗".to_string(), "佐藤 次郎".to_string()),
            ("相談記録の閲覧".into(), "佐藤 次郎".into()),
        ]
    );
    let views = AccessFilter {
        kind: "case_view".into(),
        ..Default::default()
    };
    assert_eq!(access_log::page(&conn, &views).unwrap().total, 2);
    // Both ends included, typed in 令和 or ISO; the last evening counts.
    let april = AccessFilter {
        from: "令和7年4月2日".into(),
        to: "2025-04-03".into(),
        ..Default::default()
    };
    assert_eq!(
        kinds_and_people(&conn, april),
        [
            ("相談記録の閲覧".to_string(), "佐藤 次郎".to_string()),
            ("CSV・Excel出力".into(), "山田 花子".into()),
        ]
    );
    let yamada_exports_in_may = AccessFilter {
        staff_id: YAMADA.into(),
        kind: "csv_export".into(),
        from: "2025-05-01".into(),
        ..Default::default()
    };
    assert_eq!(
        access_log::page(&conn, &yamada_exports_in_may)
            .unwrap()
            .total,
        1
    );
}

#[test]
fn pages_hold_fifty_rows_and_count_them_all() {
    let dir = temp_dir();
    let (_path, conn) = new_db(dir.path());
    for i in 0..120 {
        access_log::record_for(
            &conn,
            YAMADA,
            "山田 花子",
            Kind::CaseView,
            CASE,
            "",
            day(4, 1, 9) + chrono::Duration::minutes(i),
        )
        .unwrap();
    }
    let third = access_log::page(
        &conn,
        &AccessFilter {
            page: 2,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        (third.total, third.rows.len(), third.page_size),
        (120, 20, 50)
    );
    assert_eq!(third.rows[0].seq, 20);
}

#[test]
fn bad_filters_are_refused_naming_the_field() {
    let dir = temp_dir();
    let (_path, conn) = new_db(dir.path());
    for (filter, field) in [
        (
            AccessFilter {
                kind: "delete_everything".into(),
                ..Default::default()
            },
            "kind",
        ),
        (
            AccessFilter {
                staff_id: "'; DROP TABLE access_log; --".into(),
                ..Default::default()
            },
            "staff_id",
        ),
        (
            AccessFilter {
                from: "令和7年2月30日".into(),
                ..Default::default()
            },
            "from",
        ),
        (
            AccessFilter {
                from: "2025-05-01".into(),
                to: "2025-04-01".into(),
                ..Default::default()
            },
            "to",
        ),
        (
            AccessFilter {
                page: 10_000_000,
                ..Default::default()
            },
            "page",
        ),
    ] {
        match access_log::page(&conn, &filter) {
            Err(Error::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{filter:?}: {other:?}"),
        }
    }
}

#[test]
fn the_csv_has_a_japanese_header_every_filtered_row_and_no_formula() {
    let dir = temp_dir();
    let (_path, conn) = new_db(dir.path());
    log(&conn);
    let exports = AccessFilter {
        kind: "csv_export".into(),
        ..Default::default()
    };
    let file = access_log::csv(&conn, &exports).unwrap();
    assert_eq!(file.rows, 2);
    let text = String::from_utf8(file.bytes).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines[0], "\u{FEFF}番号,日時,担当者ID,担当者,種類,対象,詳細");
    assert_eq!(
        lines[1],
        format!(
            "2,2025-04-02 10:00:00,{YAMADA},山田 花子,CSV・Excel出力,相談記録_20250402-100000.csv,"
        )
    );
    // Typed text that starts a formula is guarded (the name and the target).
    assert_eq!(
        lines[2],
        format!("5,2025-05-02 08:00:00,{YAMADA},'＠山田,CSV・Excel出力,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",")
    );
    assert_eq!(lines[3], "");

    let folder = dir.path().join("ダウンロード");
    let path = access_log::export_to_folder(
        &conn,
        &AccessFilter::default(),
        &folder,
        day(6, 1, 9),
        zaitaku_core::csv::FileFormat::Csv,
    )
    .unwrap();
    assert_eq!(
        path.file_name().unwrap(),
        "閲覧・出力記録_20250601-090000.csv"
    );
    assert_eq!(
        String::from_utf8(std::fs::read(path).unwrap())
            .unwrap()
            .lines()
            .count(),
        6
    );
}
