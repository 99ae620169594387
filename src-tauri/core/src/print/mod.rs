//! Printing: a small layout engine whose positioned drawing operations are
//! written both to PDF (printpdf, the bundled font subset-embedded with a
//! Unicode map) and to SVG for the in-app preview, so the preview is what
//! prints.
//!
//! Coordinates are millimetres from the top-left corner of the page; text
//! sizes are points. The PDF writer flips the y axis.

pub mod documents;
pub mod font;
pub mod job;
pub mod layout;
pub mod linebreak;
pub mod pdf;
pub mod svg;

use std::sync::Arc;

use serde::Serialize;

pub use job::{render, PrintJob};
pub use layout::{Align, Block, Column, Document, PageSize};

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const BLACK: Rgb = Rgb(0x22, 0x22, 0x22);
    pub const GREY: Rgb = Rgb(0x66, 0x66, 0x66);
    pub const LIGHT: Rgb = Rgb(0xbb, 0xbb, 0xbb);
    pub const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);
}

/// One positioned drawing operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// One line of text; `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        color: Rgb,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32)>,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        color: Rgb,
        width: f32,
        dashed: bool,
    },
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        image: Arc<Image>,
    },
}

/// A PNG or JPEG chosen by the user, checked and measured once.
#[derive(Debug, PartialEq)]
pub struct Image {
    pub bytes: Vec<u8>,
    pub mime: &'static str,
    pub width_px: u32,
    pub height_px: u32,
}

/// A laid-out page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub ops: Vec<Op>,
}

impl Page {
    pub fn new(size: PageSize) -> Page {
        let (width, height) = size.mm();
        Page {
            width,
            height,
            ops: Vec::new(),
        }
    }

    /// The text of the page in drawing order (for tests and search).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for op in &self.ops {
            if let Op::Text { text, .. } = op {
                out.push_str(text);
                out.push('\n');
            }
        }
        out
    }
}

/// A laid-out document, ready for [`pdf::write`] or [`svg::page`].
#[derive(Debug, Clone, PartialEq)]
pub struct Printed {
    pub title: String,
    pub pages: Vec<Page>,
}

impl Printed {
    /// Every character drawn, each once (the font subset a PDF embeds).
    pub fn chars(&self) -> std::collections::BTreeSet<char> {
        let mut chars = std::collections::BTreeSet::new();
        for page in &self.pages {
            for op in &page.ops {
                if let Op::Text { text, .. } = op {
                    chars.extend(text.chars());
                }
            }
        }
        chars
    }

    /// Characters the font lacks, each once: the preview marks them and
    /// saving warns before they print as empty boxes.
    pub fn missing_chars(&self) -> Vec<char> {
        let font = font::font();
        let mut missing = Vec::new();
        for page in &self.pages {
            for op in &page.ops {
                if let Op::Text { text, .. } = op {
                    for c in font.missing_chars(text) {
                        if !missing.contains(&c) {
                            missing.push(c);
                        }
                    }
                }
            }
        }
        missing
    }

    /// The preview as the UI receives it.
    pub fn preview(&self) -> Preview {
        Preview {
            title: self.title.clone(),
            pages: self.pages.iter().map(svg::page).collect(),
            missing: self.missing_chars().iter().map(char::to_string).collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    pub title: String,
    /// One SVG document per page.
    pub pages: Vec<String>,
    /// Characters the font lacks, e.g. ["😀", "𠮷"].
    pub missing: Vec<String>,
}
