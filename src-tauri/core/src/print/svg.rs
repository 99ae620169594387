//! The same operations drawn as SVG for the in-app preview. Text uses the
//! font the webview loads from the bundled file, so line breaks and widths
//! match the PDF; characters the font lacks are framed in red.

use std::fmt::Write;

use super::font::{font, MM_PER_PT, SVG_FONT_FAMILY};
use super::{Op, Page, Rgb};

/// One page as a standalone SVG document (millimetre user units).
pub fn page(page: &Page) -> String {
    let mut out = String::with_capacity(8 * 1024);
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}mm" height="{h}mm" font-family="{SVG_FONT_FAMILY}"><rect width="{w}" height="{h}" fill="#fff"/>"##,
        w = page.width,
        h = page.height,
    );
    for op in &page.ops {
        match op {
            Op::Text {
                x,
                y,
                size,
                color,
                text,
            } => text_op(&mut out, *x, *y, *size, *color, text),
            Op::Rect {
                x,
                y,
                w,
                h,
                fill,
                stroke,
            } => {
                let fill = fill.map_or("none".to_string(), hex);
                let (stroke, width) =
                    stroke.map_or(("none".to_string(), 0.0), |(c, w)| (hex(c), w));
                let _ = write!(
                    out,
                    r#"<rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" fill="{fill}" stroke="{stroke}" stroke-width="{width:.2}"/>"#
                );
            }
            Op::Line {
                x1,
                y1,
                x2,
                y2,
                color,
                width,
                dashed,
            } => {
                let dash = if *dashed {
                    r#" stroke-dasharray="0.7 0.7""#
                } else {
                    ""
                };
                let _ = write!(
                    out,
                    r#"<line x1="{x1:.2}" y1="{y1:.2}" x2="{x2:.2}" y2="{y2:.2}" stroke="{}" stroke-width="{width:.2}"{dash}/>"#,
                    hex(*color)
                );
            }
            Op::Image { x, y, w, h, image } => {
                let _ = write!(
                    out,
                    r#"<image x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" preserveAspectRatio="none" href="data:{};base64,{}"/>"#,
                    image.mime,
                    base64(&image.bytes)
                );
            }
        }
    }
    out.push_str("</svg>");
    out
}

fn text_op(out: &mut String, x: f32, y: f32, size: f32, color: Rgb, text: &str) {
    let f = font();
    let font_size = size * MM_PER_PT;
    // Characters are placed one by one at the PDF's advances, so the preview
    // cannot drift from the print even if the webview measures differently.
    let _ = write!(
        out,
        r#"<text y="{y:.2}" font-size="{font_size:.3}" fill="{}">"#,
        hex(color)
    );
    let mut cx = x;
    let mut marks = Vec::new();
    for c in text.chars() {
        let advance = f.advance_em(c) * font_size;
        if !f.has_glyph(c) {
            marks.push(cx);
        }
        let _ = write!(out, r#"<tspan x="{cx:.2}">{}</tspan>"#, escape(c));
        cx += advance;
    }
    out.push_str("</text>");
    for mx in marks {
        let _ = write!(
            out,
            r##"<rect class="missing-glyph" x="{mx:.2}" y="{:.2}" width="{font_size:.2}" height="{font_size:.2}" fill="none" stroke="#d00" stroke-width="0.4"/>"##,
            y - font_size * 0.88
        );
    }
}

fn escape(c: char) -> String {
    match c {
        '<' => "&lt;".into(),
        '>' => "&gt;".into(),
        '&' => "&amp;".into(),
        '"' => "&quot;".into(),
        '\'' => "&apos;".into(),
        // Not allowed in XML: text saved before typed text refused them.
        c if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') => String::new(),
        c => c.to_string(),
    }
}

fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::PageSize;

    #[test]
    fn user_text_is_escaped_and_missing_glyphs_are_marked() {
        let mut p = Page::new(PageSize::A5Portrait);
        p.ops.push(Op::Text {
            x: 10.0,
            y: 20.0,
            size: 10.0,
            color: Rgb::BLACK,
            text: "<script>&😀".into(),
        });
        let svg = page(&p);
        assert!(svg.contains("&lt;</tspan>") && svg.contains("&amp;</tspan>"));
        assert!(!svg.contains("<script>"));
        assert_eq!(svg.matches("missing-glyph").count(), 1);
        assert_eq!(escape('\u{FFFE}'), "");
        assert_eq!(escape('\u{FFFF}'), "");
    }

    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
    }
}
