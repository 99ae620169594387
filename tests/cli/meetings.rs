//! `export meetings` (issue 16): the 年度's 会議・研修 as Excel-ready CSV.

use crate::{arg, assert_failed_with, temp_dir, zaitaku_run};

#[test]
fn export_meetings_writes_the_years_meetings_in_date_order() {
    let dir = temp_dir();
    let db = dir.path().join("office.db");
    let out = dir.path().join("会議.csv");
    let (db_arg, out_arg) = (arg(&db), arg(&out));
    let made = zaitaku_run(&["demo-data", "--cases", "0", "--db", db_arg]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    assert!(made.stdout.contains("会議・研修 10 件"), "{}", made.stdout);

    // The 年度 of the newest demo meeting, and how many fall in it.
    let conn = zaitaku_core::store::open(&db).unwrap();
    let newest: String = conn
        .query_row("SELECT max(meeting_date) FROM meetings", [], |r| r.get(0))
        .unwrap();
    let day = chrono::NaiveDate::parse_from_str(&newest, "%Y-%m-%d").unwrap();
    let year = zaitaku_core::period::Period::fiscal_of(day);
    let (from, to) = year.range();
    let (count, first): (i64, String) = conn
        .query_row(
            "SELECT count(*), (SELECT title FROM meetings WHERE meeting_date BETWEEN ?1 AND ?2
                                ORDER BY meeting_date, start_time LIMIT 1)
               FROM meetings WHERE meeting_date BETWEEN ?1 AND ?2",
            [from.to_string(), to.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();

    let y = year.year.to_string();
    let ran = zaitaku_run(&[
        "export",
        "meetings",
        "--fiscal-year",
        &y,
        "--db",
        db_arg,
        "--out",
        out_arg,
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stdout.contains(&format!("（{count} 件）")),
        "{}",
        ran.stdout
    );
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let records: Vec<&str> = text.split_terminator("\r\n").collect();
    assert_eq!(
        records[0],
        "開催日,時間,事業項目,種類,名称,会場,主催,参加者数,職種別の参加者,未了の宿題"
    );
    assert_eq!(records.len() as i64, count + 1);
    assert!(records[1].contains(&first), "{}", records[1]);

    // A year out of range is refused in Japanese and writes nothing.
    let bad = dir.path().join("bad.csv");
    let ran = zaitaku_run(&[
        "export",
        "meetings",
        "--fiscal-year",
        "1999",
        "--db",
        db_arg,
        "--out",
        arg(&bad),
    ]);
    assert_failed_with(&ran, "2000年から2100年");
    assert!(!bad.exists());
}
