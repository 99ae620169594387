//! 印刷 through the public API: the office's booklet text saved and printed,
//! every print job laid out from demo data, previews marking characters the
//! font lacks.

use zaitaku_core::booklet_template::{self, Section};
use zaitaku_core::cases::{self, CaseFilter};
use zaitaku_core::print::documents::flyer::Template as FlyerTemplate;
use zaitaku_core::print::{self, PrintJob};
use zaitaku_core::report::ReportPeriod;
use zaitaku_core::store::audit;
use zaitaku_core::{demo, Error};

use crate::util::{at, new_db, query_i64, temp_dir};

fn today() -> chrono::NaiveDate {
    at(9, 0).date()
}

#[test]
fn the_built_in_booklet_text_is_used_until_the_office_saves_its_own() {
    let dir = temp_dir();
    let (_, mut conn) = new_db(dir.path());
    let t = booklet_template::load(&conn).unwrap();
    assert_eq!(t, booklet_template::built_in());
    assert_eq!(t.updated_label, None);

    let mut mine = t.clone();
    mine.title = "わたしのノート".into();
    mine.sections.truncate(2);
    mine.sections.push(Section {
        title: "好きな食べもの".into(),
        body: "  ".into(),
        blank_lines: 3,
    });
    let saved = booklet_template::save(&mut conn, &mine, at(10, 5)).unwrap();
    assert_eq!(saved.title, "わたしのノート");
    assert_eq!(saved.sections.len(), 3);
    assert_eq!(saved.sections[2].body, "", "blank text is trimmed");
    assert_eq!(
        saved.updated_label.as_deref(),
        Some("令和7年4月1日（火） 10:05")
    );
    assert_eq!(booklet_template::load(&conn).unwrap(), saved);

    let printed = print::render(&conn, &PrintJob::Booklet { imposed: false }, today()).unwrap();
    let all: String = printed.pages.iter().map(|p| p.text()).collect();
    assert!(all.contains("わたしのノート") && all.contains("好きな食べもの"));
    assert!(
        !all.contains("治療やケアについての希望"),
        "removed sections are gone"
    );
}

#[test]
fn saving_the_booklet_text_is_recorded_and_a_bad_save_changes_nothing() {
    let dir = temp_dir();
    let (_, mut conn) = new_db(dir.path());
    audit::set_actor(&conn, "", "山田").unwrap();
    let mut t = booklet_template::built_in();
    booklet_template::save(&mut conn, &t, at(10, 0)).unwrap();
    let records = query_i64(
        &conn,
        "SELECT count(*) FROM audit_log WHERE table_name LIKE 'booklet_template%'",
    );
    assert_eq!(records, 1 + t.sections.len() as i64);
    // Saving the same text again records nothing new for the sections.
    booklet_template::save(&mut conn, &t, at(10, 1)).unwrap();
    let again = query_i64(
        &conn,
        "SELECT count(*) FROM audit_log WHERE table_name = 'booklet_template_sections'",
    );
    assert_eq!(again, t.sections.len() as i64);

    let before = booklet_template::load(&conn).unwrap();
    t.sections[3].title = String::new();
    let err = booklet_template::save(&mut conn, &t, at(11, 0)).unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field, .. } if field == "sections.3.title"),
        "{err:?}"
    );
    assert_eq!(booklet_template::load(&conn).unwrap(), before);
}

#[test]
fn a_title_at_the_length_limit_is_shrunk_to_fit_the_cover() {
    let dir = temp_dir();
    let (_, mut conn) = new_db(dir.path());
    let mut t = booklet_template::built_in();
    t.title = "とても長い冊子の題名です"
        .repeat(3)
        .chars()
        .take(30)
        .collect();
    booklet_template::save(&mut conn, &t, at(10, 0)).unwrap();
    let printed = print::render(&conn, &PrintJob::Booklet { imposed: false }, today()).unwrap();
    let cover = &printed.pages[0];
    let title_sizes: Vec<f32> = cover
        .ops
        .iter()
        .filter_map(|op| match op {
            print::Op::Text { text, size, x, .. }
                if text.starts_with("とても") || text.contains("題名") =>
            {
                assert!(*x >= 14.0 - 0.01, "inside the margin");
                Some(*size)
            }
            _ => None,
        })
        .collect();
    assert!(!title_sizes.is_empty());
    assert!(
        title_sizes.iter().all(|&s| (16.0..30.0).contains(&s)),
        "{title_sizes:?}"
    );
    let drawn: String = cover
        .text()
        .lines()
        .filter(|l| l.contains("とても") || l.contains("題名"))
        .collect();
    assert_eq!(drawn, t.title, "the whole title is drawn");
    // One character more is refused by the form's check, before printing.
    t.title.push('！');
    let err = booklet_template::save(&mut conn, &t, at(10, 1)).unwrap_err();
    assert_eq!(err.field(), Some("title"));
}

#[test]
fn every_job_lays_out_from_demo_data() {
    let dir = temp_dir();
    let (_, mut conn) = new_db(dir.path());
    demo::fill(&mut conn, at(9, 0)).unwrap();
    let case = cases::search::list(&conn, &CaseFilter::default())
        .unwrap()
        .rows[0]
        .clone();
    let jobs = [
        PrintJob::Booklet { imposed: false },
        PrintJob::Booklet { imposed: true },
        PrintJob::CaseSummary {
            case_id: case.id.clone(),
        },
        PrintJob::Organisations,
        PrintJob::SampleFlyer {
            template: FlyerTemplate::Lecture,
        },
        PrintJob::SampleFlyer {
            template: FlyerTemplate::Tour,
        },
        PrintJob::YearReport {
            period: ReportPeriod::Fiscal { year: 2024 },
            city_id: String::new(),
        },
        PrintJob::DementiaList,
        PrintJob::Doctors,
        PrintJob::Beds,
    ];
    for job in &jobs {
        let printed = print::render(&conn, job, today()).unwrap();
        assert!(!printed.pages.is_empty(), "{job:?}");
        let pdf = print::pdf::write(&printed);
        assert!(pdf.starts_with(b"%PDF"), "{job:?}");
        let preview = printed.preview();
        assert_eq!(preview.pages.len(), printed.pages.len());
        assert!(preview.pages[0].starts_with("<svg"));
    }
    let summary = print::render(
        &conn,
        &PrintJob::CaseSummary {
            case_id: case.id.clone(),
        },
        today(),
    )
    .unwrap();
    let text = summary.pages[0].text();
    assert!(
        text.contains(&format!("相談記録　No.{}", case.case_no)),
        "{text}"
    );
    assert!(text.contains(&case.person_name), "{text}");
    assert!(text.contains("出力日 令和7年4月1日"), "{text}");
}

#[test]
fn jobs_arrive_as_camel_case_json_and_junk_is_refused() {
    let job: PrintJob = serde_json::from_str(r#"{"kind":"caseSummary","caseId":"x"}"#).unwrap();
    assert_eq!(
        job,
        PrintJob::CaseSummary {
            case_id: "x".into()
        }
    );
    let job: PrintJob = serde_json::from_str(r#"{"kind":"booklet","imposed":true}"#).unwrap();
    assert_eq!(job, PrintJob::Booklet { imposed: true });
    let job: PrintJob =
        serde_json::from_str(r#"{"kind":"yearReport","period":{"kind":"fiscal","year":2025}}"#)
            .unwrap();
    assert_eq!(
        job,
        PrintJob::YearReport {
            period: ReportPeriod::Fiscal { year: 2025 },
            city_id: String::new(),
        }
    );
    let job: PrintJob = serde_json::from_str(r#"{"kind":"dementiaList"}"#).unwrap();
    assert_eq!(job, PrintJob::DementiaList);
    assert!(serde_json::from_str::<PrintJob>(r#"{"kind":"yearReport"}"#).is_err());
    assert!(serde_json::from_str::<PrintJob>(r#"{"kind":"shell"}"#).is_err());
    let dir = temp_dir();
    let (_, conn) = new_db(dir.path());
    let err = print::render(
        &conn,
        &PrintJob::CaseSummary {
            case_id: "'; DROP TABLE cases; --".into(),
        },
        today(),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("caseId"));
}

#[test]
fn the_preview_names_and_marks_characters_the_font_lacks() {
    let dir = temp_dir();
    let (_, mut conn) = new_db(dir.path());
    let mut t = booklet_template::built_in();
    t.sections[1].body = "好きな絵文字は😀です。𠮷野家にも行きたい。".into();
    booklet_template::save(&mut conn, &t, at(10, 0)).unwrap();
    let printed = print::render(&conn, &PrintJob::Booklet { imposed: false }, today()).unwrap();
    assert_eq!(printed.missing_chars(), vec!['😀', '𠮷']);
    let preview = printed.preview();
    assert_eq!(preview.missing, vec!["😀", "𠮷"]);
    let marks: usize = preview
        .pages
        .iter()
        .map(|p| p.matches("missing-glyph").count())
        .sum();
    assert_eq!(marks, 2);
}

#[test]
fn report_table_captions_never_end_a_page() {
    let dir = temp_dir();
    let (_, mut conn) = new_db(dir.path());
    demo::fill(&mut conn, at(9, 0)).unwrap();
    let job = PrintJob::YearReport {
        period: ReportPeriod::Fiscal { year: 2024 },
        city_id: String::new(),
    };
    let printed = print::render(&conn, &job, today()).unwrap();
    assert!(printed.pages.len() >= 3, "{} pages", printed.pages.len());
    let mut captions = 0;
    for (i, page) in printed.pages.iter().enumerate() {
        let text = page.text();
        let lines: Vec<&str> = text.lines().collect();
        for (at, line) in lines.iter().enumerate() {
            if line.starts_with("■ ") {
                captions += 1;
                // The running header is drawn after the body: a caption
                // directly before it would be orphaned at the page's foot.
                assert_ne!(
                    lines.get(at + 1).copied(),
                    Some(printed.title.as_str()),
                    "page {}: {line} ends the page",
                    i + 1
                );
            }
        }
    }
    assert!(captions >= 10, "{captions} captions");
}
