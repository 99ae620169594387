//! Blocks → positioned operations: text measured with the font's advance
//! widths, broken with [`super::linebreak`], flowed over pages with a
//! repeated table header and a running header and footer.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::font::{font, MM_PER_PT};
use super::linebreak::break_lines;
use super::{Op, Page, Printed, Rgb};
use crate::{wareki, Error, Result};

mod flow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageSize {
    A4Portrait,
    A4Landscape,
    A5Portrait,
}

impl PageSize {
    /// Width and height in millimetres.
    pub fn mm(self) -> (f32, f32) {
        match self {
            PageSize::A4Portrait => (210.0, 297.0),
            PageSize::A4Landscape => (297.0, 210.0),
            PageSize::A5Portrait => (148.0, 210.0),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// A rectangle in millimetres from the top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Area {
    pub fn new(x: f32, y: f32, w: f32, h: f32) -> Area {
        Area { x, y, w, h }
    }

    pub fn inset(self, by: f32) -> Area {
        Area::new(
            self.x + by,
            self.y + by,
            self.w - 2.0 * by,
            self.h - 2.0 * by,
        )
    }
}

/// Line height as a multiple of the text size.
pub const LEADING: f32 = 1.6;

/// Text broken into lines at one size.
#[derive(Debug, Clone, PartialEq)]
pub struct Lines {
    pub size: f32,
    pub lines: Vec<String>,
}

impl Lines {
    pub fn line_height(&self) -> f32 {
        self.size * MM_PER_PT * LEADING
    }

    pub fn height(&self) -> f32 {
        self.lines.len() as f32 * self.line_height()
    }

    /// Draws the lines with their first line's top at `area.y`.
    pub fn draw(&self, ops: &mut Vec<Op>, area: Area, align: Align, color: Rgb) {
        let lh = self.line_height();
        // The baseline sits a little below the middle of the line box.
        let ascent = self.size * MM_PER_PT * (0.5 * (LEADING - 1.0) + 0.88);
        for (i, line) in self.lines.iter().enumerate() {
            if line.is_empty() {
                continue;
            }
            let w = font().width_mm(line, self.size);
            let x = match align {
                Align::Left => area.x,
                Align::Center => area.x + (area.w - w) / 2.0,
                Align::Right => area.x + area.w - w,
            };
            ops.push(Op::Text {
                x,
                y: area.y + i as f32 * lh + ascent,
                size: self.size,
                color,
                text: line.clone(),
            });
        }
    }
}

/// Breaks `text` into lines that fit `width` millimetres at `size` points.
pub fn wrap(text: &str, width: f32, size: f32) -> Lines {
    let f = font();
    Lines {
        size,
        lines: break_lines(text, width, |s| f.width_mm(s, size)),
    }
}

/// Fits `text` into `area`: at `max` points if it fits, else shrunk in half
/// point steps down to `min`; beyond that refused with a message naming the
/// field, so nothing is ever clipped or drawn outside its box.
pub fn fit(field: &str, label: &str, text: &str, area: Area, max: f32, min: f32) -> Result<Lines> {
    let mut size = max;
    loop {
        let lines = wrap(text, area.w, size);
        let widest = lines
            .lines
            .iter()
            .map(|l| font().width_mm(l, size))
            .fold(0.0, f32::max);
        if lines.height() <= area.h + 0.01 && widest <= area.w + 0.01 {
            return Ok(lines);
        }
        if size - 0.5 < min {
            return Err(too_long(field, label, text, area, min));
        }
        size -= 0.5;
    }
}

fn too_long(field: &str, label: &str, text: &str, area: Area, min: f32) -> Error {
    // Roughly how many full-width characters fit at the smallest size.
    let per_line = (area.w / (min * MM_PER_PT)).floor().max(1.0);
    let rows = (area.h / (min * MM_PER_PT * LEADING)).floor().max(1.0);
    let capacity = (per_line * rows) as usize;
    let length = text.chars().count();
    Error::invalid(
        field,
        format!(
            "「{label}」が長すぎて印刷の枠に収まりません（{length}文字、目安は{capacity}文字まで）。短くしてください。"
        ),
    )
}

/// A column of a [`Block::Table`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub title: String,
    /// Share of the table width (the ratios need not add up to 1).
    pub width: f32,
    #[serde(default)]
    pub align: Align,
}

impl Column {
    pub fn new(title: &str, width: f32) -> Column {
        Column {
            title: title.to_string(),
            width,
            align: Align::Left,
        }
    }

    pub fn right(mut self) -> Column {
        self.align = Align::Right;
        self
    }
}

/// A block of a flowing [`Document`].
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(String),
    /// A heading one level down (### and below in the user guide).
    Subheading(String),
    /// One paragraph of a list: `marker` ("・", "1.", or "" for a further
    /// paragraph of the item) hangs left of the text, `depth` levels in.
    ListItem {
        depth: usize,
        marker: String,
        text: String,
    },
    Paragraph(String),
    /// The title line of the table that follows, kept on the same page as
    /// the table's first rows.
    Caption(String),
    /// Label / value rows, e.g. 相談日 / 令和7年4月1日.
    KeyValue(Vec<(String, String)>),
    /// The header row repeats on each page; `min_row_height` (mm) leaves
    /// room to write by hand in empty rows.
    Table {
        columns: Vec<Column>,
        rows: Vec<Vec<String>>,
        min_row_height: f32,
    },
    /// A framed box with a title, kept on one page.
    Boxed {
        title: String,
        text: String,
    },
    /// Ruled lines to write on by hand.
    WriteLines(usize),
    Spacer(f32),
    PageBreak,
}

/// How pages are numbered in the footer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbering {
    None,
    /// 1 / 3
    OfTotal,
    /// − 3 −, counted from `first`.
    Plain {
        first: usize,
    },
}

/// A flowing document: blocks laid out top to bottom over as many pages as
/// they need.
///
/// ```
/// use zaitaku_core::print::{Block, Document, PageSize};
/// let mut doc = Document::new(PageSize::A4Portrait, "事業報告");
/// doc.push(Block::Heading("相談件数".into()));
/// doc.push(Block::Paragraph("令和7年度の相談は…".into()));
/// let printed = doc.layout().unwrap();
/// let pdf = zaitaku_core::print::pdf::write(&printed);
/// assert!(pdf.starts_with(b"%PDF"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub size: PageSize,
    /// Shown at the top of each page (and the PDF title).
    pub title: String,
    pub subtitle: Option<String>,
    /// 出力日 in the footer.
    pub printed_on: Option<NaiveDate>,
    pub numbering: Numbering,
    pub margin: f32,
    pub body_size: f32,
    /// Draw the title and subtitle at the top of every page.
    pub running_header: bool,
    pub blocks: Vec<Block>,
}

impl Document {
    pub fn new(size: PageSize, title: &str) -> Document {
        Document {
            size,
            title: title.to_string(),
            subtitle: None,
            printed_on: None,
            numbering: Numbering::OfTotal,
            margin: 15.0,
            body_size: 10.5,
            running_header: true,
            blocks: Vec::new(),
        }
    }

    pub fn push(&mut self, block: Block) -> &mut Document {
        self.blocks.push(block);
        self
    }

    /// Lays the document out on pages with header and footer.
    pub fn layout(&self) -> Result<Printed> {
        let mut pages = self.layout_body()?;
        let total = pages.len();
        for (i, page) in pages.iter_mut().enumerate() {
            self.decorate(page, i, total);
        }
        Ok(Printed {
            title: self.title.clone(),
            pages,
        })
    }

    fn header_height(&self) -> f32 {
        if !self.running_header {
            0.0
        } else if self.subtitle.is_some() {
            16.0
        } else {
            11.0
        }
    }

    /// The pages with the blocks only, for documents that add their own
    /// pages (the booklet's cover) before numbering.
    pub fn layout_body(&self) -> Result<Vec<Page>> {
        flow::body_pages(self)
    }

    /// Adds the running header and the footer to page `index` of `total`.
    pub fn decorate(&self, page: &mut Page, index: usize, total: usize) {
        let (w, h) = self.size.mm();
        let m = self.margin;
        let inner = w - 2.0 * m;
        if self.running_header {
            let title = wrap(&self.title, inner, 13.0);
            let first = Lines {
                size: 13.0,
                lines: title.lines.into_iter().take(1).collect(),
            };
            first.draw(
                &mut page.ops,
                Area::new(m, m - 2.0, inner, 8.0),
                Align::Left,
                Rgb::BLACK,
            );
            let mut rule_y = m + 7.5;
            if let Some(sub) = &self.subtitle {
                let sub = Lines {
                    size: 9.0,
                    lines: wrap(sub, inner, 9.0).lines.into_iter().take(1).collect(),
                };
                sub.draw(
                    &mut page.ops,
                    Area::new(m, m + 6.0, inner, 5.0),
                    Align::Left,
                    Rgb::GREY,
                );
                rule_y = m + 12.0;
            }
            page.ops
                .push(line(m, rule_y, w - m, rule_y, Rgb::GREY, 0.3));
        }
        let footer_y = h - m - 4.0;
        let number = match self.numbering {
            Numbering::None => None,
            Numbering::OfTotal => Some(format!("{} / {}", index + 1, total)),
            Numbering::Plain { first } => Some(format!("− {} −", first + index)),
        };
        let area = Area::new(m, footer_y, inner, 5.0);
        if let Some(number) = number {
            wrap(&number, inner, 9.0).draw(&mut page.ops, area, Align::Center, Rgb::GREY);
        }
        if let Some(day) = self.printed_on {
            let label = format!("出力日 {}", wareki::format_date(day));
            wrap(&label, inner, 8.0).draw(&mut page.ops, area, Align::Right, Rgb::GREY);
        }
    }
}

pub fn line(x1: f32, y1: f32, x2: f32, y2: f32, color: Rgb, width: f32) -> Op {
    Op::Line {
        x1,
        y1,
        x2,
        y2,
        color,
        width,
        dashed: false,
    }
}

pub fn frame(area: Area, color: Rgb, width: f32) -> Op {
    Op::Rect {
        x: area.x,
        y: area.y,
        w: area.w,
        h: area.h,
        fill: None,
        stroke: Some((color, width)),
    }
}

pub fn fill(area: Area, color: Rgb) -> Op {
    Op::Rect {
        x: area.x,
        y: area.y,
        w: area.w,
        h: area.h,
        fill: Some(color),
        stroke: None,
    }
}

/// The accent of headings and table headers in flowing documents.
pub const ACCENT: Rgb = Rgb(0x1f, 0x4e, 0x79);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_fits_keeps_its_size() {
        let lines = fit(
            "title",
            "題名",
            "人生会議",
            Area::new(0.0, 0.0, 100.0, 20.0),
            24.0,
            12.0,
        )
        .unwrap();
        assert_eq!(lines.size, 24.0);
        assert_eq!(lines.lines, vec!["人生会議"]);
    }

    #[test]
    fn long_text_shrinks_and_stays_inside_its_box() {
        let area = Area::new(0.0, 0.0, 80.0, 20.0);
        let text = "住み慣れた地域で最期まで自分らしく暮らすために知っておきたいこと";
        let lines = fit("title", "題名", text, area, 24.0, 10.0).unwrap();
        assert!(lines.size < 24.0 && lines.size >= 10.0, "{}", lines.size);
        assert!(lines.height() <= area.h);
        for l in &lines.lines {
            assert!(font().width_mm(l, lines.size) <= area.w);
        }
        assert_eq!(lines.lines.concat(), text);
    }

    #[test]
    fn text_too_long_even_at_the_minimum_is_refused_naming_the_field() {
        let text = "長い説明文です。".repeat(40);
        let err = fit(
            "description",
            "説明",
            &text,
            Area::new(0.0, 0.0, 60.0, 10.0),
            12.0,
            9.0,
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("description"));
        let message = err.to_string();
        assert!(message.contains("「説明」が長すぎて"), "{message}");
        assert!(message.contains("320文字"), "{message}");
    }

    #[test]
    fn table_repeats_its_header_on_every_page() {
        let mut doc = Document::new(PageSize::A4Portrait, "もの忘れ相談医リスト");
        doc.push(Block::Table {
            columns: vec![Column::new("医療機関", 2.0), Column::new("電話", 1.0)],
            rows: (1..=120)
                .map(|i| vec![format!("クリニック{i}"), "0123-45-6789".into()])
                .collect(),
            min_row_height: 0.0,
        });
        let printed = doc.layout().unwrap();
        assert!(printed.pages.len() >= 2);
        for page in &printed.pages {
            let text = page.text();
            assert!(text.contains("医療機関\n電話"), "{text}");
            assert!(text.contains(&format!("/ {}", printed.pages.len())));
        }
        let all: String = printed.pages.iter().map(Page::text).collect();
        assert!(all.contains("クリニック1\n") && all.contains("クリニック120\n"));
    }

    #[test]
    fn nothing_is_drawn_below_the_bottom_margin() {
        let mut doc = Document::new(PageSize::A5Portrait, "テスト");
        doc.push(Block::Paragraph("あいうえお".repeat(300)));
        doc.push(Block::WriteLines(40));
        let printed = doc.layout().unwrap();
        for page in &printed.pages {
            for op in &page.ops {
                if let Op::Text { y, .. } | Op::Line { y1: y, .. } = op {
                    assert!(*y <= page.height - doc.margin + 0.01, "{op:?}");
                }
            }
        }
    }
}
