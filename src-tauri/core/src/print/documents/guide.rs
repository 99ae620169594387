//! 利用の手引き: the user guide of the help (F1) on A4 portrait, from the
//! same sections the window draws. `##` headings are headings, `###` and
//! below subheadings, lists keep their markers and indents, tables are
//! simple rows; screenshots are left out (the PDF is for reading text).

use chrono::NaiveDate;

use crate::help::{plain, Block as GuideBlock, Guide};
use crate::print::layout::{Block, Column, Document, PageSize};

/// The PDF's title, also what the access log records of it.
pub const TITLE: &str = "在宅医療相談室デスク　利用の手引き";

pub fn build(guide: &Guide, printed_on: NaiveDate) -> Document {
    let mut doc = Document::new(PageSize::A4Portrait, TITLE);
    doc.subtitle = Some("アプリの「ヘルプ」（F1キー）と同じ内容です".into());
    doc.printed_on = Some(printed_on);
    for section in &guide.sections {
        match section.level {
            0 | 1 => {}
            2 => {
                doc.push(Block::Heading(printable(section.title.clone())));
            }
            _ => {
                doc.push(Block::Subheading(printable(section.title.clone())));
            }
        }
        for block in &section.blocks {
            push(&mut doc, block, None);
        }
    }
    doc
}

/// README's text with the few marks the bundled font lacks replaced by
/// ones it has (設定 › 担当者 → 設定 ＞ 担当者).
fn printable(text: String) -> String {
    if text.contains('›') {
        text.replace('›', "＞")
    } else {
        text
    }
}

/// Adds `block`; inside a list or a quote (`depth`) its paragraphs are
/// indented list paragraphs.
fn push(doc: &mut Document, block: &GuideBlock, depth: Option<usize>) {
    let indented = |text: String, depth: usize| Block::ListItem {
        depth,
        marker: String::new(),
        text,
    };
    match block {
        GuideBlock::Paragraph { spans } => {
            let text = printable(plain(spans));
            doc.push(match depth {
                None => Block::Paragraph(text),
                Some(depth) => indented(text, depth),
            });
        }
        GuideBlock::List { ordered, items } => {
            let depth = depth.map_or(0, |d| d + 1);
            for (i, item) in items.iter().enumerate() {
                let marker = if *ordered {
                    format!("{}.", i + 1)
                } else {
                    "・".into()
                };
                for (j, part) in item.iter().enumerate() {
                    match part {
                        GuideBlock::Paragraph { spans } => {
                            doc.push(Block::ListItem {
                                depth,
                                marker: if j == 0 {
                                    marker.clone()
                                } else {
                                    String::new()
                                },
                                text: printable(plain(spans)),
                            });
                        }
                        other => push(doc, other, Some(depth)),
                    }
                }
            }
        }
        GuideBlock::Code { text } => {
            doc.push(indented(
                printable(text.clone()),
                depth.map_or(0, |d| d + 1),
            ));
        }
        GuideBlock::Quote { blocks } => {
            for inner in blocks {
                push(doc, inner, Some(depth.unwrap_or(0)));
            }
        }
        GuideBlock::Table { head, rows } => {
            doc.push(Block::Table {
                columns: head.iter().map(|c| Column::new(&plain(c), 1.0)).collect(),
                rows: rows
                    .iter()
                    .map(|row| row.iter().map(|c| printable(plain(c))).collect())
                    .collect(),
                min_row_height: 0.0,
            });
        }
        GuideBlock::Image { .. } => {}
    }
}
