//! `export lectures` (issue 7): sessions with their tallies as Excel-ready CSV.

use crate::{arg, temp_dir, zaitaku_run};

#[test]
fn export_lectures_writes_one_row_per_session_with_the_id_first() {
    let dir = temp_dir();
    let db = dir.path().join("office.db");
    let out = dir.path().join("講座.csv");
    let (db_arg, out_arg) = (arg(&db), arg(&out));
    let made = zaitaku_run(&["demo-data", "--cases", "0", "--db", db_arg]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    assert!(made.stdout.contains("講座テーマ 24 件"), "{}", made.stdout);

    let ran = zaitaku_run(&["export", "lectures", "--db", db_arg, "--out", out_arg]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let records: Vec<&str> = text.split_terminator("\r\n").collect();
    assert!(records[0].starts_with("開催ID,種別,テーマ番号,テーマ,担当団体,題名,開催日"));
    assert!(records[0].contains("回収率（%）"));
    assert!(records[0].contains("「地域包括ケアシステム」を知っていたか：知っていた"));

    let conn = zaitaku_core::store::open(&db).unwrap();
    let (sessions, first_id): (i64, String) = conn
        .query_row(
            "SELECT count(*), (SELECT id FROM lecture_sessions ORDER BY session_date, start_time, id LIMIT 1)
               FROM lecture_sessions",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(records.len() as i64, sessions + 1);
    assert!(
        records[1].starts_with(&format!("{first_id},")),
        "{}",
        records[1]
    );
    assert!(
        ran.stdout.contains(&format!("（{sessions} 件）")),
        "{}",
        ran.stdout
    );

    // A fiscal year with no sessions: the header only.
    let ran = zaitaku_run(&[
        "export",
        "lectures",
        "--db",
        db_arg,
        "--out",
        out_arg,
        "--fiscal-year",
        "2001",
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let text = String::from_utf8(std::fs::read(&out).unwrap()[3..].to_vec()).unwrap();
    assert_eq!(text.split_terminator("\r\n").count(), 1);

    // A database that is not there: one Japanese line, exit 1.
    let missing = dir.path().join("ない/office.db");
    let ran = zaitaku_run(&[
        "export",
        "lectures",
        "--db",
        arg(&missing),
        "--out",
        out_arg,
    ]);
    assert_eq!(ran.code, 1);
    assert!(ran.stderr.starts_with("エラー: "), "{}", ran.stderr);
}
