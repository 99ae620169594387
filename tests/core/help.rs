//! ヘルプ: the guide is README's user part, heading for heading, never the
//! developers' part; its links and screenshots resolve; its PDF has the
//! headings as text and the bundled font embedded.

use std::path::{Path, PathBuf};
use std::process::Command;

use zaitaku_core::help::{self, Block, Guide};
use zaitaku_core::print::{self, PrintJob};

use super::util::{new_db, temp_dir};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// README.md as it is on disk now, split into the user and developers' parts.
fn readme_parts() -> (String, String) {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let at = readme
        .find(help::DEVELOPERS)
        .expect("README has a `## For developers` heading");
    (readme[..at].to_string(), readme[at..].to_string())
}

/// (level, title) of the Markdown headings outside code blocks.
fn headings(markdown: &str) -> Vec<(u8, String)> {
    let mut in_code = false;
    let mut out = Vec::new();
    for line in markdown.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        let level = line.chars().take_while(|c| *c == '#').count();
        if !in_code && level > 0 && line[level..].starts_with(' ') {
            out.push((level as u8, line[level..].trim().to_string()));
        }
    }
    out
}

fn guide_headings(guide: &Guide) -> Vec<(u8, String)> {
    guide
        .sections
        .iter()
        .map(|s| (s.level, s.title.clone()))
        .collect()
}

#[test]
fn the_guide_has_every_heading_of_readmes_user_part_and_no_other() {
    let (user, _) = readme_parts();
    assert_eq!(
        help::user_part(),
        user,
        "the embedded README is the one on disk"
    );
    let expected = headings(&user);
    assert!(expected.len() > 15, "{expected:?}");
    assert_eq!(guide_headings(help::guide()), expected);
    assert_eq!(help::guide().sections[0].level, 1);
    for title in ["使い方", "サインインと権限", "相談記録", "バックアップ"] {
        assert!(
            expected.iter().any(|(_, t)| t == title),
            "README's user part lost 「{title}」"
        );
    }
}

#[test]
fn the_developers_part_never_reaches_the_guide() {
    let (_, developers) = readme_parts();
    let guide = help::guide();
    let text = guide.text();
    for (_, title) in headings(&developers) {
        assert!(
            !guide.sections.iter().any(|s| s.title == title),
            "developers' heading 「{title}」 in the help"
        );
    }
    assert!(!text.contains("For developers"));
    // Any sentence of the developers' part, its Markdown marks removed.
    let mut checked = 0;
    for line in developers.lines() {
        let line: String = line
            .chars()
            .filter(|c| !matches!(c, '*' | '`' | '|' | '#'))
            .collect();
        let line = line.trim().trim_start_matches("- ");
        if line.chars().count() >= 30 {
            checked += 1;
            assert!(!text.contains(line), "developers' text in the help: {line}");
        }
    }
    assert!(checked > 50, "{checked}");
}

#[test]
fn links_name_sections_and_screenshots_are_files_of_the_window() {
    let guide = help::guide();
    let ids: Vec<&str> = guide.sections.iter().map(|s| s.id.as_str()).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "section ids are unique: {ids:?}");

    fn walk<'a>(blocks: &'a [Block], out: &mut Vec<&'a Block>) {
        for block in blocks {
            out.push(block);
            match block {
                Block::List { items, .. } => items.iter().for_each(|i| walk(i, out)),
                Block::Quote { blocks } => walk(blocks, out),
                _ => {}
            }
        }
    }
    let mut blocks = Vec::new();
    for section in &guide.sections {
        walk(&section.blocks, &mut blocks);
    }
    let mut images = 0;
    for block in blocks {
        match block {
            Block::Image { src, alt } => {
                images += 1;
                assert!(!alt.is_empty(), "{src} has no alt text");
                let file = repo().join("ui").join(src);
                assert!(file.is_file(), "{} is missing", file.display());
            }
            Block::Paragraph { spans } => {
                for link in spans.iter().filter_map(|s| s.link.as_deref()) {
                    assert!(ids.contains(&link), "link to a missing section #{link}");
                }
            }
            _ => {}
        }
    }
    // README shows the screenshots under ui/help/ and every one is in use.
    let on_disk = std::fs::read_dir(repo().join("ui/help"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "png"))
                .count()
        })
        .unwrap_or(0);
    assert!(images >= 5, "{images} screenshots in the guide");
    assert_eq!(
        images, on_disk,
        "every screenshot in ui/help/ is shown once"
    );
}

#[test]
fn the_guide_reads_as_blocks_with_its_lists_code_and_tables() {
    let guide = help::guide();
    let section = |title: &str| {
        guide
            .sections
            .iter()
            .find(|s| s.title.starts_with(title))
            .unwrap_or_else(|| panic!("no section {title}"))
    };
    let start = section("はじめに");
    assert!(start
        .blocks
        .iter()
        .any(|b| matches!(b, Block::Code { text } if text.contains("bash .dev/demo.sh"))));
    let places = section("データの保存場所");
    assert!(places.blocks.iter().any(|b| matches!(
        b,
        Block::Table { head, rows } if head.len() == 2 && rows.len() >= 3
    )));
    let usage = section("使い方");
    assert!(matches!(
        usage.blocks[0],
        Block::List { ordered: false, .. }
    ));
    // Lines wrapped in README join without a space in Japanese.
    assert!(usage.blocks[0]
        .plain()
        .contains("自分の名前を選び、暗証番号か"));
}

fn tool(name: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed (poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn the_guide_pdf_has_the_headings_as_text_in_the_bundled_font() {
    let dir = temp_dir();
    let (_, conn) = new_db(dir.path());
    let job: PrintJob = serde_json::from_str(r#"{"kind":"guide"}"#).expect("guide job");
    assert_eq!(job, PrintJob::Guide);
    assert_eq!(job.access_target(), "在宅医療相談室デスク　利用の手引き");
    let today = chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
    let printed = print::render(&conn, &job, today).expect("laid out");
    assert!(printed.pages.len() >= 8, "{} pages", printed.pages.len());
    assert!(
        printed.missing_chars().is_empty(),
        "{:?}",
        printed.missing_chars()
    );
    let pdf = dir.path().join("guide.pdf");
    std::fs::write(&pdf, print::pdf::write(&printed)).unwrap();

    let text: String = tool("pdftotext", &[pdf.as_os_str(), "-".as_ref()])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for (level, title) in headings(&readme_parts().0) {
        if level >= 2 {
            let title: String = title.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(text.contains(&title), "「{title}」 not in the PDF");
        }
    }
    assert!(text.contains("在宅医療相談室デスク利用の手引き"));
    assert!(text.contains("出力日令和7年4月1日"));
    assert!(!text.contains("Fordevelopers"));

    let fonts = tool("pdffonts", &[pdf.as_os_str()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 1, "one font: {fonts}");
    let cols: Vec<&str> = rows[0].split_whitespace().collect();
    assert!(cols[0].ends_with("+IPAexGothic"), "{fonts}");
    // emb sub uni
    assert_eq!(
        &cols[cols.len() - 5..cols.len() - 2],
        ["yes", "yes", "yes"],
        "{fonts}"
    );
}
