//! 私の意志表示帳 as a printed booklet: a cover, the office's sections with
//! lines to write on, a record of revisions with signature lines, padded
//! with メモ pages to a multiple of 4; either plain A5 pages or imposed
//! two to a side on A4 landscape for saddle stitching.

use crate::booklet_template::Template;
use crate::office::Office;
use crate::print::layout::{
    fill, fit, frame, line, wrap, Align, Area, Block, Column, Document, Numbering, PageSize, ACCENT,
};
use crate::print::{Op, Page, Printed, Rgb};
use crate::Result;

use super::impose;

const MARGIN: f32 = 14.0;
const SOFT: Rgb = Rgb(0xe8, 0xf0, 0xe6);
const GREEN: Rgb = Rgb(0x3a, 0x6b, 0x35);

/// The booklet's pages in reading order (A5), or imposed on A4 sheets.
pub fn build(template: &Template, office: &Office, imposed: bool) -> Result<Printed> {
    let mut pages = vec![cover(template, office)?];
    let body = body_document(template);
    pages.extend(body.layout_body()?);
    let padded = impose::padded(pages.len());
    while pages.len() < padded {
        pages.push(memo_page());
    }
    // Every page but the cover carries its number.
    let total = pages.len();
    for (i, page) in pages.iter_mut().enumerate().skip(1) {
        body.decorate(page, i - 1, total - 1);
    }
    let pages = if imposed {
        impose::impose(&pages)
    } else {
        pages
    };
    Ok(Printed {
        title: template.title.clone(),
        pages,
    })
}

fn body_document(template: &Template) -> Document {
    let mut doc = Document::new(PageSize::A5Portrait, &template.title);
    doc.running_header = false;
    doc.margin = MARGIN;
    doc.body_size = 10.0;
    doc.numbering = Numbering::Plain { first: 2 };
    for section in &template.sections {
        doc.push(Block::Heading(section.title.clone()));
        if !section.body.is_empty() {
            doc.push(Block::Paragraph(section.body.clone()));
        }
        if section.blank_lines > 0 {
            doc.push(Block::WriteLines(section.blank_lines as usize));
        }
        doc.push(Block::Spacer(4.0));
    }
    doc.push(Block::PageBreak);
    doc.push(Block::Heading("見直しの記録".into()));
    doc.push(Block::Paragraph(
        "気持ちは変わってよいものです。読み返したり書き直したりしたときは、日付を書いて署名してください。".into(),
    ));
    doc.push(Block::Table {
        columns: vec![
            Column::new("見直した日", 1.1),
            Column::new("署名", 1.0),
            Column::new("変えたところ・話し合った人", 1.9),
        ],
        rows: vec![vec![String::new(); 3]; 8],
        min_row_height: 13.0,
    });
    doc
}

/// One line of the cover, shrunk to fit its area and centred; nothing when
/// the office left it empty.
fn centred(
    ops: &mut Vec<Op>,
    (field, label): (&str, &str),
    text: &str,
    area: Area,
    (max, min): (f32, f32),
    color: Rgb,
) -> Result<()> {
    if !text.is_empty() {
        fit(field, label, text, area, max, min)?.draw(ops, area, Align::Center, color);
    }
    Ok(())
}

fn cover(template: &Template, office: &Office) -> Result<Page> {
    let mut page = Page::new(PageSize::A5Portrait);
    let (w, h) = (page.width, page.height);
    let inner = w - 2.0 * MARGIN;
    let ops = &mut page.ops;
    // A soft band with the title, framed by a thin line.
    ops.push(fill(Area::new(0.0, 0.0, w, 92.0), SOFT));
    ops.push(fill(Area::new(0.0, 92.0, w, 1.2), GREEN));
    let subtitle = Area::new(MARGIN, 24.0, inner, 8.0);
    centred(
        ops,
        ("subtitle", "副題"),
        &template.subtitle,
        subtitle,
        (11.0, 8.0),
        GREEN,
    )?;
    let title_area = Area::new(MARGIN, 38.0, inner, 30.0);
    let title = fit(
        "title",
        "表紙の題名",
        &template.title,
        title_area,
        30.0,
        16.0,
    )?;
    let top = title_area.y + (title_area.h - title.height()) / 2.0;
    title.draw(
        ops,
        Area::new(MARGIN, top, inner, title.height()),
        Align::Center,
        Rgb::BLACK,
    );
    let edition = Area::new(MARGIN, 74.0, inner, 7.0);
    centred(
        ops,
        ("edition", "版"),
        &template.edition,
        edition,
        (10.0, 8.0),
        Rgb::GREY,
    )?;
    // The owner writes their name here.
    let name_y = 118.0;
    wrap("お名前", inner, 11.0).draw(
        ops,
        Area::new(MARGIN + 4.0, name_y - 7.0, inner, 7.0),
        Align::Left,
        Rgb::BLACK,
    );
    ops.push(line(
        MARGIN + 22.0,
        name_y,
        w - MARGIN - 4.0,
        name_y,
        Rgb::GREY,
        0.4,
    ));
    if !template.cover_note.is_empty() {
        let note_area = Area::new(MARGIN + 4.0, 130.0, inner - 8.0, 40.0);
        let note = fit(
            "coverNote",
            "表紙の文章",
            &template.cover_note,
            note_area,
            9.5,
            7.5,
        )?;
        ops.push(frame(
            Area::new(MARGIN, 126.0, inner, note.height() + 8.0),
            GREEN,
            0.3,
        ));
        note.draw(ops, note_area, Align::Left, Rgb::BLACK);
    }
    // The issuing office at the foot of the cover (once 設定 names it).
    if !office.name.is_empty() {
        let mut issuer = format!("発行　{}", office.name);
        if !office.phone.is_empty() {
            issuer.push_str(&format!("\nTEL {}", office.phone));
        }
        let issuer_area = Area::new(MARGIN, h - MARGIN - 16.0, inner, 16.0);
        let lines = fit("office", "事業所名", &issuer, issuer_area, 9.5, 7.0)?;
        let top = h - MARGIN - lines.height();
        lines.draw(
            ops,
            Area::new(MARGIN, top, inner, lines.height()),
            Align::Center,
            Rgb::BLACK,
        );
    }
    Ok(page)
}

fn memo_page() -> Page {
    let mut page = Page::new(PageSize::A5Portrait);
    let inner = page.width - 2.0 * MARGIN;
    let ops: &mut Vec<Op> = &mut page.ops;
    ops.push(fill(Area::new(MARGIN, MARGIN + 1.0, 1.6, 6.0), ACCENT));
    wrap("メモ", inner, 13.5).draw(
        ops,
        Area::new(MARGIN + 4.0, MARGIN, inner, 8.0),
        Align::Left,
        ACCENT,
    );
    let mut y = MARGIN + 20.0;
    while y < page.height - MARGIN - 10.0 {
        ops.push(Op::Line {
            x1: MARGIN,
            y1: y,
            x2: page.width - MARGIN,
            y2: y,
            color: Rgb::LIGHT,
            width: 0.3,
            dashed: true,
        });
        y += 8.5;
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::booklet_template::built_in;

    fn office() -> Office {
        Office {
            name: "みなと在宅医療相談室".into(),
            postal_code: String::new(),
            address: String::new(),
            phone: "0123-45-6789".into(),
            fax: String::new(),
            contact_person: String::new(),
            cities: Vec::new(),
            updated_at: None,
            updated_label: None,
        }
    }

    #[test]
    fn the_booklet_is_a_multiple_of_four_pages_numbered_from_two() {
        let printed = build(&built_in(), &office(), false).unwrap();
        let n = printed.pages.len();
        assert_eq!(n % 4, 0);
        assert!(printed.pages[0].text().contains("私の意志表示帳"));
        assert!(printed.pages[0]
            .text()
            .contains("発行　みなと在宅医療相談室"));
        assert!(!printed.pages[0].text().contains("−"));
        for (i, page) in printed.pages.iter().enumerate().skip(1) {
            assert!(
                page.text().contains(&format!("− {} −", i + 1)),
                "page {}",
                i + 1
            );
        }
    }

    #[test]
    fn imposed_sheets_hold_two_pages_per_side() {
        let plain = build(&built_in(), &office(), false).unwrap();
        let imposed = build(&built_in(), &office(), true).unwrap();
        assert_eq!(imposed.pages.len(), plain.pages.len() / 2);
        assert_eq!(imposed.pages[0].width, 297.0);
        // Sheet 1 front: the last page on the left, the cover on the right.
        let front = imposed.pages[0].text();
        assert!(front.contains(&format!("− {} −", plain.pages.len())));
        assert!(front.contains("私の意志表示帳"));
    }

    #[test]
    fn a_title_too_long_for_the_cover_is_refused() {
        let mut t = built_in();
        t.title = "とても長い題名".repeat(12);
        let err = build(&t, &office(), false).unwrap_err();
        assert_eq!(err.field(), Some("title"));
    }
}
