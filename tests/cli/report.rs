//! `report` (事業報告 CSV) and the 名簿 exports on the command line: the CSV
//! is the same as the core's report of the same database, bad years and
//! file types are refused in Japanese, a year without data is an empty
//! report with a note.

use std::path::{Path, PathBuf};

use zaitaku_core::report::{self, ReportPeriod};
use zaitaku_core::store;

use super::{arg, assert_failed_with, demo_db, temp_dir, zaitaku_run, Ran};

/// `report --db <db> --year <year> --out <out>`.
fn report_to(db: &Path, year: &str, out: &Path) -> Ran {
    zaitaku_run(&["report", "--db", arg(db), "--year", year, "--out", arg(out)])
}

/// The CSV report of `year` of a new demo database: the run (which must
/// succeed), the database and the text written.
fn demo_report(year: &str) -> (tempfile::TempDir, PathBuf, Ran, String) {
    let dir = temp_dir();
    let db = demo_db(dir.path());
    let out = dir.path().join("事業報告.csv");
    let ran = report_to(&db, year, &out);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let text = String::from_utf8(std::fs::read(&out).unwrap()).unwrap();
    (dir, db, ran, text)
}

#[test]
fn report_csv_is_the_core_report_of_that_year() {
    let (_dir, db, ran, written) = demo_report("2025");
    assert!(
        ran.stdout
            .starts_with("令和7年度の事業報告を書き出しました"),
        "{}",
        ran.stdout
    );

    let conn = store::open(&db).unwrap();
    let today = chrono::Local::now().date_naive();
    let expected = report::build(&conn, &ReportPeriod::Fiscal { year: 2025 }, today).unwrap();
    let c = &expected.consultations;
    assert!(c.cases > 0, "the demo year has cases");
    let figures = format!("実人数 {} 人、延べ {} 件", c.persons, c.total);
    assert!(ran.stdout.contains(&figures), "{}", ran.stdout);
    assert_eq!(
        written,
        String::from_utf8(report::to_csv(&expected)).unwrap()
    );
}

#[test]
fn report_xlsx_is_the_core_workbook_of_that_year() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let dir = temp_dir();
    let db = demo_db(dir.path());
    let out = dir.path().join("事業報告.XLSX");
    let ran = report_to(&db, "2025", &out);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains("事業報告.XLSX"), "{}", ran.stdout);

    let conn = store::open(&db).unwrap();
    let today = chrono::Local::now().date_naive();
    let expected = report::build(&conn, &ReportPeriod::Fiscal { year: 2025 }, today).unwrap();
    assert_eq!(
        std::fs::read(&out).unwrap(),
        report::to_xlsx(&expected).unwrap()
    );
    // A real reader opens it and finds the figures as numbers.
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let sheet = book
        .worksheet_range("オ 在宅医療・介護連携に関する相談支援")
        .unwrap();
    let total = sheet
        .rows()
        .find(|r| r[0] == Data::String("合計".into()) && r[1] == Data::String("延べ件数".into()))
        .expect("合計 延べ件数");
    assert_eq!(total[3], Data::Float(expected.consultations.total as f64));
}

#[test]
fn a_year_without_data_writes_an_empty_report_with_a_note() {
    let (_dir, _db, ran, text) = demo_report("2040");
    assert!(ran.stdout.contains("記録がありません"), "{}", ran.stdout);
    assert!(text.contains("延べ件数,,0\r\n"), "{text}");
}

#[test]
fn bad_years_and_file_types_are_refused_and_write_nothing() {
    let dir = temp_dir();
    let db = demo_db(dir.path());
    for (year, file, expected) in [
        ("1999", "r.csv", "年度は2000年度から2100年度"),
        ("1999", "r.pdf", "年度は2000年度から2100年度"),
        ("2025", "r.txt", ".xlsx"),
        ("1999", "r.xlsx", "年度は2000年度から2100年度"),
    ] {
        let out = dir.path().join(file);
        assert_failed_with(&report_to(&db, year, &out), expected);
        assert!(!out.exists(), "{file}");
    }
    let csv = dir.path().join("r.csv");
    let ran = report_to(&db, "令和7", &csv);
    assert_eq!(ran.code, 2, "not a number is a usage error");
}

#[test]
fn a_city_report_is_the_core_report_of_that_city_and_an_unknown_city_is_refused() {
    let dir = temp_dir();
    let db = demo_db(dir.path());
    let out = dir.path().join("x.csv");
    let ran = zaitaku_run(&[
        "report",
        "--db",
        arg(&db),
        "--year",
        "2025",
        "--city",
        "坂戸市",
        "--out",
        arg(&out),
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stdout
            .starts_with("令和7年度の事業報告（坂戸市）を書き出しました"),
        "{}",
        ran.stdout
    );
    let conn = store::open(&db).unwrap();
    let today = chrono::Local::now().date_naive();
    let city = report::city_by_name(&conn, "坂戸市").unwrap();
    let period = ReportPeriod::Fiscal { year: 2025 };
    let expected = report::build_for(&conn, &period, Some(&city), today).unwrap();
    let whole = report::build(&conn, &period, today).unwrap();
    assert!(
        expected.consultations.cases > 0
            && expected.consultations.cases < whole.consultations.cases,
        "坂戸市 has some of the demo year's cases, not all"
    );
    let written = String::from_utf8(std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(
        written,
        String::from_utf8(report::to_csv(&expected)).unwrap()
    );
    assert!(written.contains("事業報告（坂戸市）"), "{written}");

    // 市外 is accepted by name; an unknown city is refused, naming the choices.
    let outside = dir.path().join("outside.csv");
    let ran = zaitaku_run(&[
        "report",
        "--db",
        arg(&db),
        "--year",
        "2025",
        "--city",
        "市外",
        "--out",
        arg(&outside),
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains("（市外）"), "{}", ran.stdout);
    for file in ["y.csv", "y.pdf"] {
        let refused = dir.path().join(file);
        let ran = zaitaku_run(&[
            "report",
            "--db",
            arg(&db),
            "--year",
            "2025",
            "--city",
            "川越市",
            "--out",
            arg(&refused),
        ]);
        assert_failed_with(&ran, "市「川越市」は登録されていません");
        assert!(ran.stderr.contains("「市外」"), "{}", ran.stderr);
        assert!(!refused.exists(), "{file}");
    }
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

/// A list exported to a file ending in .xlsx is the same table as its CSV,
/// as an Excel workbook.
#[test]
fn a_list_exported_to_xlsx_is_its_csv_as_a_workbook() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let dir = temp_dir();
    let db = demo_db(dir.path());
    let csv = dir.path().join("doctors.csv");
    let xlsx = dir.path().join("doctors.xlsx");
    for out in [&csv, &xlsx] {
        let ran = zaitaku_run(&["export", "doctors", "--db", arg(&db), "--out", arg(out)]);
        assert_eq!(ran.code, 0, "{}", ran.stderr);
    }
    let text = std::fs::read_to_string(&csv).unwrap();
    let csv_lines: Vec<&str> = text.trim_start_matches('\u{FEFF}').lines().collect();
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range("往診登録医").unwrap();
    assert_eq!(sheet.height(), csv_lines.len(), "header and every doctor");
    let header: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header.join(","), csv_lines[0]);
    assert_eq!(
        sheet.get_value((1, 0)),
        Some(&Data::String(
            csv_lines[1].split(',').next().unwrap().into()
        ))
    );
}
