//! The report as an Excel workbook, opened with a real reader (calamine) and
//! compared cell by cell with the CSV of the same report: every figure, the
//! sheet per 章, numbers as numeric cells, print titles, and text that
//! looks like a formula kept as text.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Range, Reader, Xlsx};
use chrono::{NaiveDate, NaiveDateTime};
use zaitaku_core::report::{self, Report, ReportPeriod};
use zaitaku_core::store;
use zaitaku_core::{demo, xlsx};

use crate::util::temp_dir;

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 5, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

/// The demo office's report of 令和7年度 (consultations, booklets,
/// lectures with 回収率 and 浸透度, registries).
fn demo_report() -> Report {
    let dir = temp_dir();
    let mut conn = store::open(&dir.path().join("office.db")).unwrap();
    demo::fill(&mut conn, now()).unwrap();
    report::build(&conn, &ReportPeriod::Fiscal { year: 2025 }, now().date()).unwrap()
}

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).expect("a workbook Excel can open")
}

/// The records of a CSV file (quoted fields may hold commas, quotes and
/// line breaks), without the BOM.
fn parse_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes)
        .unwrap()
        .trim_start_matches('\u{FEFF}');
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

/// The text a CSV cell stands for: the formula guard's apostrophe removed.
fn unguarded(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest)
            if rest.starts_with(['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠']) =>
        {
            rest
        }
        _ => s,
    }
}

/// The cell under `header` in data row `row` (1-based below the header) of
/// `sheet`, Empty when the sheet has no such column.
fn cell(sheet: &Range<Data>, header: &str, row: u32) -> Data {
    let width = sheet.end().map_or(0, |(_, c)| c + 1);
    (0..width)
        .find(|&c| sheet.get_value((0, c)) == Some(&Data::String(header.into())))
        .and_then(|c| sheet.get_value((row, c)).cloned())
        .unwrap_or(Data::Empty)
}

/// How many figures of each kind the comparison met.
#[derive(Default, Debug)]
struct Compared {
    counts: usize,
    decimals: usize,
    percents: usize,
}

/// Checks one CSV 値 against the workbook's cell.
fn compare_value(csv: &str, measure: &str, cell: &Data, seen: &mut Compared, at: &str) {
    if csv.is_empty() {
        assert_eq!(cell, &Data::Empty, "{at}");
    } else if let Ok(n) = csv.parse::<i64>() {
        assert_eq!(
            cell,
            &Data::Float(n as f64),
            "{at}: a count is a number cell"
        );
        seen.counts += 1;
    } else if csv.parse::<f64>().is_ok() {
        let Data::Float(v) = cell else {
            panic!("{at}: {csv} is not a number cell but {cell:?}");
        };
        if measure.contains('%') {
            assert!((0.0..=1.0).contains(v), "{at}: a percentage is a fraction");
            assert_eq!(format!("{:.1}", v * 100.0), csv, "{at}");
            seen.percents += 1;
        } else {
            assert_eq!(format!("{v:.1}"), csv, "{at}");
            seen.decimals += 1;
        }
    } else {
        assert_eq!(cell, &Data::String(unguarded(csv).into()), "{at}");
    }
}

/// Every CSV row is the row of the same place on its 章's sheet, in order,
/// and each sheet has exactly the rows of its 章.
fn assert_same_figures(report: &Report) -> Compared {
    let csv = parse_csv(&report::to_csv(report));
    assert_eq!(csv[0], report::HEADERS);
    let mut book = open(report::to_xlsx(report).unwrap());

    let mut sections: Vec<&str> = Vec::new();
    for row in &csv[1..] {
        if !sections.contains(&row[0].as_str()) {
            sections.push(&row[0]);
        }
    }
    let names: Vec<String> = sections.iter().map(|s| xlsx::sheet_name(s)).collect();
    assert_eq!(book.sheet_names(), names, "one sheet per 章, in order");

    let mut seen = Compared::default();
    for (section, name) in sections.iter().zip(&names) {
        let sheet = book.worksheet_range(name).unwrap();
        let rows: Vec<&Vec<String>> = csv[1..].iter().filter(|r| r[0] == *section).collect();
        assert_eq!(
            sheet.height(),
            rows.len() + 1,
            "{name}: header and one row per figure"
        );
        for (i, row) in (1u32..).zip(&rows) {
            let at = format!("{name} row {i} {row:?}");
            for (header, text) in ["表", "区分", "指標"].iter().zip(&row[1..4]) {
                let expected = if text.is_empty() {
                    Data::Empty
                } else {
                    Data::String(unguarded(text).into())
                };
                assert_eq!(cell(&sheet, header, i), expected, "{at}: {header}");
            }
            compare_value(&row[4], &row[3], &cell(&sheet, "値", i), &mut seen, &at);
        }
        assert!(
            book.worksheet_formula(name).unwrap().is_empty(),
            "{name}: no formulas"
        );
    }
    // Each sheet prints its header row on every page.
    let titles: Vec<&str> = book
        .defined_names()
        .iter()
        .filter(|(n, _)| n == "_xlnm.Print_Titles")
        .map(|(_, range)| range.as_str())
        .collect();
    assert_eq!(titles.len(), names.len(), "{titles:?}");
    for name in &names {
        assert!(
            titles
                .iter()
                .any(|t| t.contains(name.as_str()) && t.ends_with("$1:$1")),
            "{name}: {titles:?}"
        );
    }
    seen
}

#[test]
fn the_workbook_holds_every_figure_of_the_csv_as_numbers() {
    let report = demo_report();
    let seen = assert_same_figures(&report);
    // The demo year has every kind of figure, so each kind was compared.
    assert!(seen.counts > 100, "{seen:?}");
    assert!(seen.decimals >= 1, "平均所要時間: {seen:?}");
    assert!(seen.percents >= 2, "回収率・浸透度: {seen:?}");

    let mut book = open(report::to_xlsx(&report).unwrap());
    assert_eq!(
        book.sheet_names(),
        [
            "報告",
            "ア 地域の医療・介護の資源の把握",
            "イ 在宅医療・介護連携の課題の抽出と対応策の検討",
            "ウ 切れ目のない在宅医療と在宅介護の提供体制の構築推進",
            "エ 医療・介護関係者の情報共有の支援",
            "オ 在宅医療・介護連携に関する相談支援",
            "カ 医療・介護関係者の研修",
            "キ 地域住民への普及啓発",
            "ク 在宅医療・介護連携に関する関係市区町村の連携",
            "療養支援ベッド（在宅医療提供体制充実支援事業）",
            "定義",
        ]
    );
    let consultations = book
        .worksheet_range("オ 在宅医療・介護連携に関する相談支援")
        .unwrap();
    let headers: Vec<&Data> = consultations.rows().next().unwrap().iter().collect();
    assert_eq!(
        headers,
        ["表", "区分", "指標", "値"]
            .map(|h| Data::String(h.into()))
            .iter()
            .collect::<Vec<_>>()
    );
    // 報告 and 定義 have no 指標 or 値 column.
    let definitions = book.worksheet_range("定義").unwrap();
    assert_eq!(definitions.width(), 2);
}

#[test]
fn an_empty_year_has_the_same_zeros_in_both_files() {
    let dir = temp_dir();
    let mut conn = store::open(&dir.path().join("office.db")).unwrap();
    demo::fill(&mut conn, now()).unwrap();
    let report = report::build(&conn, &ReportPeriod::Fiscal { year: 2040 }, now().date()).unwrap();
    assert!(report.empty);
    let seen = assert_same_figures(&report);
    assert!(seen.counts > 10, "{seen:?}");
}

#[test]
fn text_that_looks_like_a_formula_is_written_as_text_never_a_formula() {
    let mut report = demo_report();
    let attacks = [
        "=HYPERLINK(\"http://x\",\"y\")",
        "+1+1",
        "-2",
        "@SUM(A1)",
        "＝1+1",
    ];
    report.office_name = attacks[0].into();
    report.consultations.cities[0].name = attacks[1].into();
    report.awareness.booklets.channels[0].name = attacks[2].into();
    report.definitions[0].term = attacks[3].into();
    report.definitions[0].text = attacks[4].into();
    // The CSV guards them with an apostrophe; the workbook holds the text
    // itself in string cells, and no cell anywhere is a formula.
    let csv = String::from_utf8(report::to_csv(&report)).unwrap();
    assert!(csv.contains("'+1+1"), "{csv}");
    assert_same_figures(&report);

    let mut book = open(report::to_xlsx(&report).unwrap());
    let mut found = Vec::new();
    for name in book.sheet_names() {
        assert!(book.worksheet_formula(&name).unwrap().is_empty(), "{name}");
        for (_, _, value) in book.worksheet_range(&name).unwrap().used_cells() {
            if let Data::String(s) = value {
                if attacks.contains(&s.as_str()) {
                    found.push(s.clone());
                }
            }
        }
    }
    found.sort();
    found.dedup();
    let mut expected = attacks.map(String::from).to_vec();
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn the_excel_file_is_saved_in_the_folder_with_the_period_in_its_name() {
    let dir = temp_dir();
    let mut conn = store::open(&dir.path().join("office.db")).unwrap();
    demo::fill(&mut conn, now()).unwrap();
    let out = dir.path().join("ダウンロード");
    let fiscal = ReportPeriod::Fiscal { year: 2025 };
    let path = report::export_xlsx_to_folder(&conn, &fiscal, None, &out, now()).unwrap();
    assert_eq!(
        path.file_name().unwrap().to_str().unwrap(),
        "事業報告_令和7年度_20260501-090000.xlsx"
    );
    let report = report::build(&conn, &ReportPeriod::Fiscal { year: 2025 }, now().date()).unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        report::to_xlsx(&report).unwrap()
    );
    let left: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert_eq!(left.len(), 1, "no partial file left");

    // One city's workbook is that city's report, named for it.
    let sakado = report::city_by_name(&conn, "坂戸市").unwrap();
    let path = report::export_xlsx_to_folder(&conn, &fiscal, Some(&sakado), &out, now()).unwrap();
    assert_eq!(
        path.file_name().unwrap().to_str().unwrap(),
        "事業報告_令和7年度_坂戸市_20260501-090000.xlsx"
    );
    let report = report::build_for(&conn, &fiscal, Some(&sakado), now().date()).unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        report::to_xlsx(&report).unwrap()
    );
}

/// Every cell of the first sheet of `xlsx` against the same cell of `csv`:
/// numbers as numeric cells, text as text without the CSV's guard.
fn assert_same_table(name: &str, csv: &[u8], xlsx: Vec<u8>) -> usize {
    let rows = parse_csv(csv);
    let mut book = open(xlsx);
    let sheet_name = book.sheet_names()[0].clone();
    let sheet = book.worksheet_range(&sheet_name).unwrap();
    assert_eq!(
        sheet.height(),
        rows.len(),
        "{name}: the header and every record"
    );
    let mut numbers = 0;
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            let at = format!("{name} row {r} column {c}");
            let cell = sheet
                .get_value((r as u32, c as u32))
                .cloned()
                .unwrap_or(Data::Empty);
            match cell {
                Data::Float(v) => {
                    numbers += 1;
                    assert_eq!(text.parse::<f64>().ok(), Some(v), "{at}");
                }
                Data::String(s) => assert_eq!(s, unguarded(text), "{at}"),
                Data::Empty => assert_eq!(text, "", "{at}"),
                other => panic!("{at}: unexpected {other:?}"),
            }
        }
    }
    numbers
}

#[test]
fn every_list_saved_as_excel_holds_the_cells_of_its_csv() {
    use zaitaku_core::csv::FileFormat::{Csv, Xlsx};
    use zaitaku_core::registries::{self, Export};
    use zaitaku_core::{access_log, booklets, cases, lectures, period::Period};

    let dir = temp_dir();
    let mut conn = store::open(&dir.path().join("office.db")).unwrap();
    demo::fill(&mut conn, now()).unwrap();
    let out = dir.path().join("ダウンロード");
    let year = Period::fiscal(2025);
    type Saver<'a> =
        Box<dyn Fn(zaitaku_core::csv::FileFormat) -> zaitaku_core::Result<std::path::PathBuf> + 'a>;
    let exports: Vec<(&str, Saver)> = vec![
        (
            "相談記録",
            Box::new(|f| cases::export_to_folder(&conn, &Default::default(), &out, now(), f)),
        ),
        (
            "往診登録医",
            Box::new(|f| {
                let list = Export::Doctors {
                    filter: Default::default(),
                };
                registries::export_to_folder(&conn, &list, &out, now(), f)
            }),
        ),
        (
            "関係機関",
            Box::new(|f| {
                let list = Export::Organisations {
                    filter: Default::default(),
                };
                registries::export_to_folder(&conn, &list, &out, now(), f)
            }),
        ),
        (
            "意志表示帳",
            Box::new(|f| booklets::export_to_folder(&conn, year, &out, now(), f)),
        ),
        (
            "講座",
            Box::new(|f| {
                let past = lectures::PastFilter::fiscal(2025);
                lectures::export::export_to_folder(&conn, &past, &out, now(), f)
            }),
        ),
        (
            "閲覧・出力記録",
            Box::new(|f| access_log::export_to_folder(&conn, &Default::default(), &out, now(), f)),
        ),
    ];
    for (name, save) in exports {
        let csv = save(Csv).unwrap();
        let xlsx = save(Xlsx).unwrap();
        assert_eq!(xlsx.extension().unwrap(), "xlsx", "{name}");
        assert!(
            xlsx.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with(name),
            "{name}: {xlsx:?}"
        );
        let numbers = assert_same_table(
            name,
            &std::fs::read(&csv).unwrap(),
            std::fs::read(&xlsx).unwrap(),
        );
        // Ages, 冊数 and 参加者数 are numbers a clerk can add up.
        if ["相談記録", "意志表示帳", "講座"].contains(&name) {
            assert!(numbers > 0, "{name} has numeric cells");
        }
    }
}
