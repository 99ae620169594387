//! `report` (事業報告 CSV) and the 名簿 exports on the command line: the CSV
//! is the same as the core's report of the same database, bad years and
//! file types are refused in Japanese, a year without data is an empty
//! report with a note.

use zaitaku_core::report::{self, ReportPeriod};
use zaitaku_core::store;

use super::{arg, assert_failed_with, demo_db, temp_dir, zaitaku_run};

#[test]
fn report_csv_is_the_core_report_of_that_year() {
    let dir = temp_dir();
    let db = demo_db(dir.path());
    let out = dir.path().join("事業報告.csv");
    let ran = zaitaku_run(&[
        "report",
        "--db",
        arg(&db),
        "--year",
        "2025",
        "--out",
        arg(&out),
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stdout
            .starts_with("令和7年度の事業報告を書き出しました"),
        "{}",
        ran.stdout
    );

    let conn = store::open(&db).unwrap();
    let today = chrono::Local::now().date_naive();
    let expected = report::build(&conn, &ReportPeriod::Fiscal { year: 2025 }, today).unwrap();
    assert!(expected.consultations.cases > 0, "the demo year has cases");
    assert!(
        ran.stdout.contains(&format!(
            "実数 {} 人、延べ {} 件",
            expected.consultations.persons, expected.consultations.total
        )),
        "{}",
        ran.stdout
    );
    let written = std::fs::read(&out).unwrap();
    assert_eq!(
        String::from_utf8(written).unwrap(),
        String::from_utf8(report::to_csv(&expected)).unwrap()
    );
}

#[test]
fn a_year_without_data_writes_an_empty_report_with_a_note() {
    let dir = temp_dir();
    let db = demo_db(dir.path());
    let out = dir.path().join("r.csv");
    let ran = zaitaku_run(&[
        "report",
        "--db",
        arg(&db),
        "--year",
        "2040",
        "--out",
        arg(&out),
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains("記録がありません"), "{}", ran.stdout);
    let text = String::from_utf8(std::fs::read(&out).unwrap()).unwrap();
    assert!(text.contains("延べ件数,,0\r\n"), "{text}");
}

#[test]
fn bad_years_and_file_types_are_refused_and_write_nothing() {
    let dir = temp_dir();
    let db = demo_db(dir.path());
    let csv = dir.path().join("r.csv");
    let ran = zaitaku_run(&[
        "report",
        "--db",
        arg(&db),
        "--year",
        "1999",
        "--out",
        arg(&csv),
    ]);
    assert_failed_with(&ran, "年度は2000年度から2100年度");
    let pdf = dir.path().join("r.pdf");
    let ran = zaitaku_run(&[
        "report",
        "--db",
        arg(&db),
        "--year",
        "1999",
        "--out",
        arg(&pdf),
    ]);
    assert_failed_with(&ran, "年度は2000年度から2100年度");
    let txt = dir.path().join("r.txt");
    let ran = zaitaku_run(&[
        "report",
        "--db",
        arg(&db),
        "--year",
        "2025",
        "--out",
        arg(&txt),
    ]);
    assert_failed_with(&ran, ".csv");
    assert!(!csv.exists() && !pdf.exists() && !txt.exists());

    let ran = zaitaku_run(&[
        "report",
        "--db",
        arg(&db),
        "--year",
        "令和7",
        "--out",
        arg(&csv),
    ]);
    assert_eq!(ran.code, 2, "not a number is a usage error");
}

#[test]
fn registry_lists_are_exported_as_csv() {
    let dir = temp_dir();
    let db = demo_db(dir.path());
    for (what, rows, header) in [
        ("doctors", 23, "医師名,ふりがな,医療機関名"),
        ("beds", 4, "病院名,市,電話番号,床数"),
        ("organisations", 30, "種別,機関名,部署"),
        ("dementia", 11, "市,医療機関名,医師名,住所,電話番号"),
    ] {
        let out = dir.path().join(format!("{what}.csv"));
        let ran = zaitaku_run(&["export", what, "--db", arg(&db), "--out", arg(&out)]);
        assert_eq!(ran.code, 0, "{what}: {}", ran.stderr);
        assert!(
            ran.stdout.contains(&format!("（{rows} 件）")),
            "{}",
            ran.stdout
        );
        let text = String::from_utf8(std::fs::read(&out).unwrap()).unwrap();
        assert!(text.starts_with(&format!("\u{FEFF}{header}")), "{text}");
        assert_eq!(text.matches("\r\n").count(), rows + 1);
    }
}
