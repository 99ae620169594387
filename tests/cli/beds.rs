//! 療養支援ベッド on the command line: the 利用記録 as CSV (a 年度 or all)
//! and the 輪番表 as PDF, both in the access log.

use zaitaku_core::store;

use super::{arg, demo_db, temp_dir, zaitaku_run};

#[test]
fn the_stays_export_as_csv_and_the_rota_prints_as_pdf() {
    let dir = temp_dir();
    let db = demo_db(dir.path());
    let csv = dir.path().join("stays.csv");
    let ran = zaitaku_run(&["export", "bed-stays", "--db", arg(&db), "--out", arg(&csv)]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stdout
            .contains("療養支援ベッドの利用記録を書き出しました"),
        "{}",
        ran.stdout
    );
    let text = String::from_utf8(std::fs::read(&csv).unwrap()).unwrap();
    let lines: Vec<&str> = text
        .trim_start_matches('\u{FEFF}')
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        lines[0],
        "入院日,退院日,日数,14日超,氏名,ふりがな,病院,利用理由,転帰,相談記録,備考"
    );
    // The demo's dozen stays, one still in hospital, one past 14 days.
    assert_eq!(lines.len(), 13, "{text}");
    assert!(lines.iter().any(|l| l.contains(",入院中,")));
    assert!(lines.iter().any(|l| l.contains(",○,")));

    // A 年度 long before the demo has none; a bad one is refused.
    let ran = zaitaku_run(&[
        "export",
        "bed-stays",
        "--db",
        arg(&db),
        "--out",
        arg(&csv),
        "--fiscal-year",
        "2001",
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains("（0 件）"), "{}", ran.stdout);
    let ran = zaitaku_run(&[
        "export",
        "bed-stays",
        "--db",
        arg(&db),
        "--out",
        arg(&csv),
        "--fiscal-year",
        "1999",
    ]);
    assert_eq!(ran.code, 1);
    assert!(ran.stderr.contains("2000年から2100年"), "{}", ran.stderr);

    let pdf = dir.path().join("rota.pdf");
    let month = chrono::Local::now()
        .date_naive()
        .format("%Y-%m")
        .to_string();
    let ran = zaitaku_run(&[
        "rota",
        "--db",
        arg(&db),
        "--month",
        &month,
        "--months",
        "2",
        "--out",
        arg(&pdf),
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains("（2 ページ"), "{}", ran.stdout);
    let out = std::process::Command::new("pdftotext")
        .args([arg(&pdf), "-"])
        .output()
        .expect("pdftotext");
    let text = String::from_utf8(out.stdout).unwrap();
    for name in [
        "坂戸中央病院",
        "鶴ヶ島総合病院",
        "入西リハビリテーション病院",
        "つるがしま南病院",
        "輪番表",
    ] {
        assert!(text.contains(name), "missing {name}: {text}");
    }
    let ran = zaitaku_run(&[
        "rota",
        "--db",
        arg(&db),
        "--month",
        &month,
        "--months",
        "13",
        "--out",
        arg(&pdf),
    ]);
    assert_eq!(ran.code, 1);
    assert!(ran.stderr.contains("1から12"), "{}", ran.stderr);

    let logged: Vec<String> = store::open(&db)
        .unwrap()
        .prepare("SELECT kind || ' ' || target FROM access_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        logged.contains(&"csv_export stays.csv".to_string()),
        "{logged:?}"
    );
    assert!(
        logged.contains(&"pdf_save rota.pdf".to_string()),
        "{logged:?}"
    );
}
