//! `booklet`, `flyer` and `list`: each PDF is checked with the tools an
//! office's PDF viewer would trust — qpdf's structure check, pdffonts (the
//! Japanese font embedded as a subset with a Unicode map), pdftotext (the
//! text comes back in reading order) and pdftoppm (every page renders).

use std::path::Path;
use std::process::Command;

use zaitaku_core::{registries::organisations, store};

use super::{arg, assert_failed_with, demo_db, temp_dir, zaitaku_run, Ran};

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed (poppler-utils, qpdf): {e}"));
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn pages(pdf: &Path) -> usize {
    let info = tool("pdfinfo", &[arg(pdf)]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo shows the page count")
}

/// Runs `zaitaku <args> --db DB --out PDF`, which must succeed and
/// leave a sound PDF.
fn made_pdf(args: &[&str], db: &Path, pdf: &Path) -> Ran {
    let mut all = args.to_vec();
    all.extend(["--db", arg(db), "--out", arg(pdf)]);
    let ran = zaitaku_run(&all);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_sound_pdf(pdf);
    ran
}

/// The checks every PDF of the app must pass.
fn assert_sound_pdf(pdf: &Path) {
    let check = tool("qpdf", &["--check", arg(pdf)]);
    assert!(
        check.contains("No syntax or stream encoding errors"),
        "{check}"
    );
    let fonts = tool("pdffonts", &[arg(pdf)]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 1, "one font: {fonts}");
    let cols: Vec<&str> = rows[0].split_whitespace().collect();
    assert!(cols[0].ends_with("+IPAexGothic"), "subset tag: {fonts}");
    // emb sub uni
    assert_eq!(
        &cols[cols.len() - 5..cols.len() - 2],
        ["yes", "yes", "yes"],
        "{fonts}"
    );
    let dir = pdf.parent().unwrap().join("rendered");
    std::fs::create_dir_all(&dir).unwrap();
    let prefix = dir.join("page");
    tool("pdftoppm", &["-r", "30", "-gray", arg(pdf), arg(&prefix)]);
    let rendered: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(rendered.len(), pages(pdf), "every page renders");
    for page in rendered {
        assert!(dark_pixels(&page) > 50, "{} is blank", page.display());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Pixels clearly darker than the paper in a binary PGM (P5, 8-bit) from pdftoppm.
fn dark_pixels(pgm: &Path) -> usize {
    let bytes = std::fs::read(pgm).unwrap();
    // Header: "P5\n<w> <h>\n255\n", then one byte per pixel.
    let mut newlines = 0;
    let start = bytes
        .iter()
        .position(|&b| {
            newlines += usize::from(b == b'\n');
            newlines == 3
        })
        .expect("PGM header")
        + 1;
    bytes[start..].iter().filter(|&&v| v < 200).count()
}

fn text_of(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    tool("pdftotext", &["-f", &p, "-l", &p, arg(pdf), "-"])
}

/// The pages of a printed list (at least two), each checked for the title
/// and the repeated header row in order and its "page / pages" footer.
fn list_pages(pdf: &Path, header: &[&str]) -> Vec<(usize, String)> {
    let n = pages(pdf);
    assert!(n >= 2, "{n} pages");
    (1..=n)
        .map(|p| {
            let text = text_of(pdf, p);
            in_order(&text, header);
            // pdftotext drops the spaces of "1 / 3".
            assert!(
                text.replace(' ', "").contains(&format!("{p}/{n}")),
                "page {p}:\n{text}"
            );
            (p, text)
        })
        .collect()
}

/// The text of one half of a landscape sheet side (0 = left, 1 = right).
fn half_text(pdf: &Path, page: usize, half: usize) -> String {
    let p = page.to_string();
    // A4 landscape at pdftotext's default 72 dpi: 842 × 595.
    let x = (half * 421).to_string();
    tool(
        "pdftotext",
        &[
            "-f",
            &p,
            "-l",
            &p,
            "-x",
            &x,
            "-y",
            "0",
            "-W",
            "421",
            "-H",
            "595",
            arg(pdf),
            "-",
        ],
    )
}

/// The page number printed in the footer (− 3 −; pdftotext may drop the
/// spaces), if any.
fn page_number(text: &str) -> Option<usize> {
    text.lines().find_map(|l| {
        let l = l.replace(' ', "");
        l.strip_prefix('−')
            .and_then(|r| r.strip_suffix('−'))
            .and_then(|n| n.parse().ok())
    })
}

fn in_order(text: &str, expected: &[&str]) {
    let mut from = 0;
    for e in expected {
        let at = text[from..]
            .find(e)
            .unwrap_or_else(|| panic!("{e:?} after byte {from} in:\n{text}"));
        from += at + e.len();
    }
}

#[test]
fn booklet_as_a5_pages_reads_in_order_with_page_numbers() {
    let dir = temp_dir();
    let db = demo_db(dir.path());
    let pdf = dir.path().join("booklet.pdf");
    let ran = made_pdf(&["booklet"], &db, &pdf);
    assert!(ran.stdout.contains("PDF を保存しました"), "{}", ran.stdout);
    let n = pages(&pdf);
    assert_eq!(n % 4, 0, "padded to a multiple of 4");
    let cover = text_of(&pdf, 1);
    in_order(
        &cover,
        &[
            "これからのことを、大切な人と話すために",
            "私の意志表示帳",
            "第2版",
            "お名前",
            "発行",
        ],
    );
    assert_eq!(page_number(&cover), None, "the cover carries no number");
    for p in 2..=n {
        assert_eq!(page_number(&text_of(&pdf, p)), Some(p), "page {p}");
    }
    let all = tool("pdftotext", &[arg(&pdf), "-"]);
    in_order(
        &all,
        &[
            "この手帳について",
            "わたしが大切にしていること",
            "過ごしたい場所",
            "わたしの代わりに話してくれる人",
            "治療やケアについての希望",
            "話し合った人",
            "見直しの記録",
            "見直した日",
            "署名",
        ],
    );
    // A5 portrait: 420 × 595 pt.
    let info = tool("pdfinfo", &[arg(&pdf)]);
    assert!(info.contains("419.528 x 595.276 pts"), "{info}");
}

#[test]
fn imposed_booklet_puts_pages_on_sheet_sides_in_fold_order() {
    let dir = temp_dir();
    let db = demo_db(dir.path());
    let plain = dir.path().join("plain.pdf");
    let pdf = dir.path().join("imposed.pdf");
    assert_eq!(
        zaitaku_run(&["booklet", "--db", arg(&db), "--out", arg(&plain)]).code,
        0
    );
    made_pdf(&["booklet", "--imposed"], &db, &pdf);
    let n = pages(&plain);
    assert_eq!(pages(&pdf), n / 2, "two pages per sheet side");
    let info = tool("pdfinfo", &[arg(&pdf)]);
    assert!(
        info.contains("841.89 x 595.276 pts"),
        "A4 landscape: {info}"
    );
    // Sheet s (from 0) front = [n − 2s, 2s + 1], back = [2s + 2, n − 2s − 1].
    for side in 0..n / 2 {
        let sheet = side / 2;
        let (left, right) = if side % 2 == 0 {
            (n - 2 * sheet, 2 * sheet + 1)
        } else {
            (2 * sheet + 2, n - 2 * sheet - 1)
        };
        let page = side + 1;
        let left_text = half_text(&pdf, page, 0);
        let right_text = half_text(&pdf, page, 1);
        let number = |p: usize| if p == 1 { None } else { Some(p) };
        assert_eq!(
            page_number(&left_text),
            number(left),
            "side {page} left:\n{left_text}"
        );
        assert_eq!(
            page_number(&right_text),
            number(right),
            "side {page} right:\n{right_text}"
        );
    }
    // The cover is the right half of the first side.
    assert!(half_text(&pdf, 1, 1).contains("私の意志表示帳"));
}

#[test]
fn flyer_shows_reiwa_date_venue_and_contact_in_reading_order() {
    let dir = temp_dir();
    let db = demo_db(dir.path());
    for (sample, kind) in [("lecture", "市民公開講座"), ("tour", "介護施設見学ツアー")]
    {
        let pdf = dir.path().join(format!("{sample}.pdf"));
        made_pdf(&["flyer", "--sample", sample], &db, &pdf);
        assert_eq!(pages(&pdf), 1);
        let text = text_of(&pdf, 1);
        in_order(
            &text,
            &[
                kind,
                "令和7年11月24日（月）14:00〜15:30",
                "みなと市中央公民館",
                "海野 さくら",
                "定員",
                "お問い合わせ・お申し込み",
            ],
        );
        let size = std::fs::metadata(&pdf).unwrap().len();
        assert!(size < 150 * 1024, "{sample}: {size} bytes");
    }
}

#[test]
fn flyer_of_a_lecture_session_shows_its_date_venue_and_lecturer() {
    let dir = temp_dir();
    let db = demo_db(dir.path());
    let (id, date, start, venue, lecturer): (String, String, String, String, String) = {
        let conn = store::open(&db).unwrap();
        conn.query_row(
            "SELECT s.id, s.session_date, s.start_time, v.name, s.lecturers
               FROM lecture_sessions s
               JOIN lecture_venues v ON v.id = s.venue_id
              WHERE s.start_time <> '' AND s.status <> '中止' AND s.lecturers <> ''
              ORDER BY s.session_date LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap()
    };
    let pdf = dir.path().join("session.pdf");
    made_pdf(&["flyer", "--session", &id], &db, &pdf);
    let day = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap();
    let when = format!(
        "{}{start}",
        zaitaku_core::wareki::format_date_with_weekday(day)
    );
    let lecturer = lecturer.lines().next().unwrap().to_string();
    in_order(
        &text_of(&pdf, 1),
        &[&when, &venue, &lecturer, "お問い合わせ・お申し込み"],
    );

    let missing = dir.path().join("none.pdf");
    let ran = zaitaku_run(&[
        "flyer",
        "--db",
        arg(&db),
        "--session",
        "8d3b7c1e-2f4a-4b5c-9d6e-7f8091a2b3c4",
        "--out",
        arg(&missing),
    ]);
    assert_failed_with(&ran, "見つかりません");
    assert!(!missing.exists());
}

#[test]
fn list_repeats_its_header_on_every_page() {
    let dir = temp_dir();
    let db = demo_db(dir.path());
    {
        let conn = store::open(&db).unwrap();
        let now = chrono::NaiveDate::from_ymd_opt(2025, 11, 24)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap();
        for i in 1..=90 {
            let input = organisations::OrganisationInput {
                kind: "診療所".into(),
                name: format!("みなと第{i}クリニック"),
                address: format!("みなと市本町{i}丁目1番1号"),
                phone: "0123-45-6789".into(),
                ..Default::default()
            };
            organisations::save(&conn, &input, now).unwrap();
        }
    }
    let pdf = dir.path().join("list.pdf");
    made_pdf(&["list", "organisations"], &db, &pdf);
    for (p, text) in list_pages(
        &pdf,
        &["関係機関一覧", "種別", "名称", "住所", "電話", "FAX"],
    ) {
        assert!(text.contains("出力日 令和"), "page {p}");
    }
    let all = tool("pdftotext", &[arg(&pdf), "-"]);
    for i in 1..=90 {
        assert!(
            all.contains(&format!("みなと第{i}クリニック\n")),
            "row {i} printed once"
        );
    }
}

#[test]
fn printing_into_a_missing_folder_fails_with_one_japanese_line() {
    let dir = temp_dir();
    let db = demo_db(dir.path());
    let out = dir.path().join("no-such-folder").join("b.pdf");
    let ran = zaitaku_run(&["booklet", "--db", arg(&db), "--out", arg(&out)]);
    assert_failed_with(&ran, "書き込めません");
}

/// Text of the whole PDF with pdftotext's spaces and line breaks removed, so
/// a figure matches however the line was wrapped.
fn squeezed_text(pdf: &Path) -> String {
    tool("pdftotext", &[arg(pdf), "-"])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn report_pdf_shows_office_year_definitions_and_the_core_figures() {
    use zaitaku_core::report::{self, ReportPeriod};
    let dir = temp_dir();
    let db = demo_db(dir.path());
    let pdf = dir.path().join("事業報告.pdf");
    let ran = made_pdf(&["report", "--year", "2025"], &db, &pdf);
    assert!(ran.stdout.contains("PDF を保存しました"), "{}", ran.stdout);

    let conn = store::open(&db).unwrap();
    let today = chrono::Local::now().date_naive();
    let expected = report::build(&conn, &ReportPeriod::Fiscal { year: 2025 }, today).unwrap();
    let c = &expected.consultations;
    assert!(c.cases > 0 && c.entries > 0, "the demo year has figures");

    let text = squeezed_text(&pdf);
    let office_name = squeeze(&expected.office_name);
    assert!(!office_name.is_empty());
    // Every page has the title with the 年度 and the office.
    for p in 1..=pages(&pdf) {
        let page = squeeze(&text_of(&pdf, p));
        assert!(
            page.contains("令和7年度在宅医療・介護連携推進事業事業報告"),
            "page {p}: {page}"
        );
        assert!(page.contains(&office_name), "page {p}");
    }
    in_order(
        &text,
        &[
            "ア地域の医療・介護の資源の把握",
            "オ在宅医療・介護連携に関する相談支援",
            "月別",
            "相談者種別・相手別",
            "相談内容分類",
            "4つの場面別",
            "対応別",
            "転帰別",
            "市別",
            "受付方法・手段別",
            "キ地域住民への普及啓発",
            "配布経路別",
            "講座",
            "用語の定義",
        ],
    );
    for figure in [
        format!(
            "実人数{}人（新規{}人・継続{}人）",
            c.persons, c.new_persons, c.continuing_persons
        ),
        format!(
            "受付件数{}件（新規{}件・継続{}件、うち対象者なし{}件）",
            c.cases, c.new_cases, c.continuing_cases, c.no_person_cases
        ),
        format!(
            "経過記録（連絡・対応）{}件（ほかにメモ{}件）",
            c.entries, c.memos
        ),
        format!("延べ件数{}件", c.total),
        format!(
            "私の意志表示帳の配布{}冊（{}回）",
            expected.awareness.booklets.issued, expected.awareness.booklets.issue_entries
        ),
    ] {
        assert!(text.contains(&figure), "{figure} in:\n{text}");
    }
    // The month table ends with the totals row.
    assert!(
        text.contains(&format!(
            "合計{}{}{}{}",
            c.persons, c.cases, c.entries, c.total
        )),
        "month totals in:\n{text}"
    );
    for d in &expected.definitions {
        let start: String = d.text.chars().take(12).collect();
        assert!(text.contains(&squeeze(&start)), "definition of {}", d.term);
    }
    assert!(!text.contains("記録がありません"));
}

#[test]
fn report_pdf_of_an_empty_year_carries_the_note() {
    let dir = temp_dir();
    let db = demo_db(dir.path());
    let pdf = dir.path().join("r.pdf");
    made_pdf(&["report", "--year", "2040"], &db, &pdf);
    let text = squeezed_text(&pdf);
    assert!(text.contains("令和22年度"), "{text}");
    assert!(text.contains("記録がありません"), "{text}");
    assert!(text.contains("延べ件数0件"), "{text}");
}

#[test]
fn dementia_list_has_every_flagged_current_doctor_and_no_other() {
    use zaitaku_core::registries::{self, DoctorFilter, DoctorInput};
    let dir = temp_dir();
    let db = demo_db(dir.path());
    {
        // Enough doctors for more pages, plus ones that must stay off it.
        let mut conn = store::open(&db).unwrap();
        let now = chrono::Local::now().naive_local();
        for i in 1..=70 {
            let input = DoctorInput {
                name: format!("相談{i}号 医師"),
                clinic: format!("ものわすれ第{i}クリニック"),
                address: format!("坂戸市本町{i}丁目2番3号"),
                phone: "049-200-1234".into(),
                dementia_consult: i % 7 != 0,
                retired: i % 10 == 0,
                ..Default::default()
            };
            registries::save_doctor(&mut conn, &input, now).unwrap();
        }
    }
    let pdf = dir.path().join("dementia.pdf");
    made_pdf(&["list", "dementia"], &db, &pdf);
    let header = [
        "もの忘れ相談医リスト",
        "市",
        "医療機関名",
        "医師名",
        "住所",
        "電話番号",
    ];
    list_pages(&pdf, &header);

    let conn = store::open(&db).unwrap();
    let today = chrono::Local::now().date_naive();
    let everyone = registries::doctors(
        &conn,
        &DoctorFilter {
            include_retired: true,
            ..Default::default()
        },
        today,
    )
    .unwrap();
    let text = squeezed_text(&pdf);
    let (listed, left_out): (Vec<_>, Vec<_>) = everyone
        .iter()
        .partition(|d| d.dementia_consult && !d.retired);
    assert!(listed.len() > 50 && left_out.len() > 15);
    for d in listed {
        assert!(text.contains(&squeeze(&d.name)), "{} listed", d.name);
    }
    for d in left_out {
        assert!(!text.contains(&squeeze(&d.name)), "{} left out", d.name);
    }
}

#[test]
fn doctor_and_bed_lists_print_their_current_entries() {
    use zaitaku_core::registries::{self, BedFilter, DoctorFilter};
    let dir = temp_dir();
    let db = demo_db(dir.path());
    let conn = store::open(&db).unwrap();
    let today = chrono::Local::now().date_naive();
    let doctors = registries::doctors(&conn, &DoctorFilter::default(), today).unwrap();
    let beds = registries::beds(&conn, &BedFilter::default()).unwrap();
    assert!(!doctors.is_empty() && !beds.is_empty());

    let pdf = dir.path().join("doctors.pdf");
    made_pdf(&["list", "doctors"], &db, &pdf);
    let text = squeezed_text(&pdf);
    in_order(
        &text,
        &[
            "往診登録医一覧",
            "医師名",
            "医療機関名",
            "看取り",
            "もの忘れ",
        ],
    );
    for d in &doctors {
        assert!(text.contains(&squeeze(&d.name)), "{}", d.name);
    }

    let pdf = dir.path().join("beds.pdf");
    made_pdf(&["list", "beds"], &db, &pdf);
    let text = squeezed_text(&pdf);
    in_order(
        &text,
        &["療養支援ベッド一覧", "病院名", "最新の確認日", "空床数"],
    );
    for b in &beds {
        assert!(text.contains(&squeeze(&b.hospital)), "{}", b.hospital);
        if let Some(latest) = b.latest() {
            assert!(
                text.contains(&squeeze(&latest.checked_label)),
                "{} checked {}",
                b.hospital,
                latest.checked_label
            );
        }
    }
}
