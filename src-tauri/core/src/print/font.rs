//! The bundled Japanese font, parsed once per process: glyph lookup and
//! advance widths for measuring text, shared by the PDF and SVG outputs.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use printpdf::ParsedFont;

use crate::fonts::JAPANESE_FONT;

/// The CSS family the webview already knows (ui/styles.css @font-face), so
/// the SVG preview draws with the very font the PDF embeds.
pub const SVG_FONT_FAMILY: &str = "ZaitakuGothic";

/// Not a valid advance: a NaN bit pattern no lookup produces.
const UNKNOWN: u32 = u32::MAX;

/// Millimetres per typographic point.
pub const MM_PER_PT: f32 = 25.4 / 72.0;

pub struct Font {
    parsed: ParsedFont,
    units_per_em: f32,
    /// Advance in ems of each BMP character once looked up (f32 bits;
    /// negative when the font lacks it, [`UNKNOWN`] before the first look):
    /// layout measures the same characters thousands of times while
    /// shrinking text to fit, and the font's cmap search is slow.
    bmp: Vec<AtomicU32>,
}

/// Parsing the 6 MB font takes most of a flyer's generation time, so it is
/// done once and shared.
pub fn font() -> &'static Font {
    static FONT: OnceLock<Font> = OnceLock::new();
    FONT.get_or_init(|| {
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(JAPANESE_FONT, 0, &mut warnings)
            .expect("the bundled font is a valid TrueType file");
        let units_per_em = f32::from(parsed.pdf_font_metrics.units_per_em.max(1));
        let bmp = (0..=0xFFFF).map(|_| AtomicU32::new(UNKNOWN)).collect();
        Font {
            parsed,
            units_per_em,
            bmp,
        }
    })
}

impl Font {
    pub fn parsed(&self) -> &ParsedFont {
        &self.parsed
    }

    /// Whether the font can draw `c`. Control characters and spaces that the
    /// layout never draws count as present.
    pub fn has_glyph(&self, c: char) -> bool {
        c.is_control() || self.known_advance(c).is_some()
    }

    fn known_advance(&self, c: char) -> Option<f32> {
        let Some(slot) = self.bmp.get(c as usize) else {
            return self.look_up(c);
        };
        let bits = slot.load(Ordering::Relaxed);
        let em = if bits == UNKNOWN {
            let em = self.look_up(c).unwrap_or(-1.0);
            slot.store(em.to_bits(), Ordering::Relaxed);
            em
        } else {
            f32::from_bits(bits)
        };
        (em >= 0.0).then_some(em)
    }

    fn look_up(&self, c: char) -> Option<f32> {
        self.glyph(c)
            .map(|gid| f32::from(self.parsed.get_horizontal_advance(gid)) / self.units_per_em)
    }

    fn glyph(&self, c: char) -> Option<u16> {
        self.parsed
            .lookup_glyph_index(c as u32)
            .filter(|&gid| gid != 0)
    }

    /// Advance of `c` in ems; a missing glyph is measured as one em, the
    /// width of the marked box the preview draws for it.
    pub fn advance_em(&self, c: char) -> f32 {
        match self.known_advance(c) {
            Some(em) => em,
            None if c.is_control() => 0.0,
            None => 1.0,
        }
    }

    /// Width of `text` in millimetres at `size_pt`.
    pub fn width_mm(&self, text: &str, size_pt: f32) -> f32 {
        text.chars().map(|c| self.advance_em(c)).sum::<f32>() * size_pt * MM_PER_PT
    }

    /// The characters of `text` the font lacks, each once, in order.
    pub fn missing_chars(&self, text: &str) -> Vec<char> {
        let mut missing = Vec::new();
        for c in text.chars() {
            if !self.has_glyph(c) && !missing.contains(&c) {
                missing.push(c);
            }
        }
        missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_japanese_is_present_and_emoji_is_missing() {
        let f = font();
        assert!(f.has_glyph('意'));
        assert!(f.has_glyph('〜'));
        assert!(f.has_glyph('A'));
        assert_eq!(f.missing_chars("私の😀意志𠮷"), vec!['😀', '𠮷']);
    }

    #[test]
    fn full_width_kanji_is_one_em_and_latin_is_narrower() {
        let f = font();
        assert!((f.advance_em('意') - 1.0).abs() < 0.01);
        assert!(f.advance_em('i') < 0.5);
        // 10 kanji at 10 pt are 100 pt = 35.3 mm.
        assert!((f.width_mm("一二三四五六七八九十", 10.0) - 35.28).abs() < 0.1);
    }
}
