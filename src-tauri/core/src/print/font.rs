//! The bundled Japanese font: glyph lookup and advance widths for measuring
//! text (shared by the PDF and SVG outputs), and the subset a PDF embeds.
//!
//! Only the tables that measuring needs (head, hhea, cmap, hmtx) are read,
//! in place and lazily: parsing the whole 6 MB font (every glyph's outline
//! and width into maps) took ~11 ms, most of a flyer's generation time.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use crate::fonts::JAPANESE_FONT;

/// The CSS family the webview already knows (ui/styles.css @font-face), so
/// the SVG preview draws with the very font the PDF embeds.
pub const SVG_FONT_FAMILY: &str = "ZaitakuGothic";

/// Not a valid advance: a NaN bit pattern no lookup produces.
const UNKNOWN: u32 = u32::MAX;

/// Millimetres per typographic point.
pub const MM_PER_PT: f32 = 25.4 / 72.0;

pub struct Font {
    sfnt: Sfnt<'static>,
    units_per_em: f32,
    /// Advance in ems of each BMP character once looked up (f32 bits;
    /// negative when the font lacks it, [`UNKNOWN`] before the first look):
    /// layout measures the same characters thousands of times while
    /// shrinking text to fit.
    bmp: Vec<AtomicU32>,
}

/// The bundled font, its table directory read once per process.
pub fn font() -> &'static Font {
    static FONT: OnceLock<Font> = OnceLock::new();
    FONT.get_or_init(|| {
        let sfnt = Sfnt::new(JAPANESE_FONT).expect("the bundled font is a valid TrueType file");
        let units_per_em = f32::from(sfnt.units_per_em.max(1));
        let bmp = (0..=0xFFFF).map(|_| AtomicU32::new(UNKNOWN)).collect();
        Font {
            sfnt,
            units_per_em,
            bmp,
        }
    })
}

impl Font {
    /// A TrueType font with only the glyphs of `chars` (and .notdef), with
    /// its own Unicode cmap, name and metrics: what the PDF embeds. Glyph
    /// ids are renumbered; text maps through the subset's cmap.
    pub fn subset(&self, chars: &BTreeSet<char>) -> Vec<u8> {
        use allsorts::binary::read::ReadScope;
        use allsorts::font_data::FontData;
        use allsorts::subset::{subset, CmapTarget, SubsetProfile};
        use allsorts::tag;

        let glyphs: BTreeSet<u16> = chars.iter().filter_map(|&c| self.glyph(c)).collect();
        let ids: Vec<u16> = std::iter::once(0).chain(glyphs).collect();
        let font = ReadScope::new(self.sfnt.bytes)
            .read::<FontData<'_>>()
            .expect("the bundled font reads");
        let provider = font.table_provider(0).expect("one face");
        // printpdf's own PDF profile plus OS/2, whose weight class the PDF's
        // font descriptor is made from.
        let tables = SubsetProfile::Custom(vec![
            tag::CMAP,
            tag::HEAD,
            tag::CVT,
            tag::FPGM,
            tag::HHEA,
            tag::HMTX,
            tag::MAXP,
            tag::NAME,
            tag::OS_2,
            tag::POST,
            tag::PREP,
        ]);
        subset(&provider, &ids, &tables, CmapTarget::Unicode).expect("the bundled font subsets")
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
            .map(|gid| f32::from(self.sfnt.advance(gid)) / self.units_per_em)
    }

    fn glyph(&self, c: char) -> Option<u16> {
        self.sfnt.glyph(c as u32).filter(|&gid| gid != 0)
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

/// The few tables of a TrueType font that measuring text needs, read in
/// place (big-endian, bounds-checked: a lookup outside a table finds no
/// glyph instead of panicking).
struct Sfnt<'a> {
    bytes: &'a [u8],
    units_per_em: u16,
    /// The hmtx table and its count of full (advance, bearing) records.
    hmtx: &'a [u8],
    long_metrics: u16,
    /// The best Unicode subtable of cmap: format 12 (all planes) or 4 (BMP).
    cmap: Cmap<'a>,
}

enum Cmap<'a> {
    Segments(&'a [u8]),
    Groups(&'a [u8]),
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

impl<'a> Sfnt<'a> {
    fn new(bytes: &'a [u8]) -> Option<Sfnt<'a>> {
        let head = table(bytes, b"head")?;
        let hhea = table(bytes, b"hhea")?;
        Some(Sfnt {
            bytes,
            units_per_em: u16_at(head, 18)?,
            hmtx: table(bytes, b"hmtx")?,
            long_metrics: u16_at(hhea, 34)?,
            cmap: unicode_cmap(table(bytes, b"cmap")?)?,
        })
    }

    fn glyph(&self, c: u32) -> Option<u16> {
        match self.cmap {
            Cmap::Segments(t) => u16::try_from(c).ok().and_then(|c| segment_glyph(t, c)),
            Cmap::Groups(t) => group_glyph(t, c),
        }
    }

    /// Advance width in font units; glyphs past the last full record share
    /// its advance (the hmtx rule for monospaced runs).
    fn advance(&self, gid: u16) -> u16 {
        let record = gid.min(self.long_metrics.saturating_sub(1));
        u16_at(self.hmtx, usize::from(record) * 4).unwrap_or(0)
    }
}

/// The bytes of the table `tag` from the table directory.
fn table<'a>(font: &'a [u8], tag: &[u8; 4]) -> Option<&'a [u8]> {
    let count = usize::from(u16_at(font, 4)?);
    (0..count).find_map(|i| {
        let record = 12 + 16 * i;
        if font.get(record..record + 4)? != tag {
            return None;
        }
        let offset = u32_at(font, record + 8)? as usize;
        let length = u32_at(font, record + 12)? as usize;
        font.get(offset..offset.checked_add(length)?)
    })
}

/// A Unicode subtable, preferring full-repertoire format 12 (Windows
/// UCS-4 or Unicode full) to BMP format 4 (Windows BMP or Unicode BMP).
fn unicode_cmap(cmap: &[u8]) -> Option<Cmap<'_>> {
    let count = usize::from(u16_at(cmap, 2)?);
    let subtable = |i: usize| -> Option<(u16, u16, &[u8])> {
        let record = 4 + 8 * i;
        let platform = u16_at(cmap, record)?;
        let encoding = u16_at(cmap, record + 2)?;
        let offset = u32_at(cmap, record + 4)? as usize;
        let body = cmap.get(offset..)?;
        Some((platform, encoding, body))
    };
    let tables: Vec<(u16, u16, &[u8])> = (0..count).filter_map(subtable).collect();
    let unicode = |p: u16, e: u16| matches!((p, e), (3, 1) | (3, 10) | (0, _));
    let format = |t: &[u8]| u16_at(t, 0);
    let full = tables
        .iter()
        .find(|(p, e, t)| unicode(*p, *e) && format(t) == Some(12));
    if let Some((_, _, t)) = full {
        let length = u32_at(t, 4)? as usize;
        return Some(Cmap::Groups(t.get(..length)?));
    }
    let bmp = tables
        .iter()
        .find(|(p, e, t)| unicode(*p, *e) && format(t) == Some(4))?;
    let length = usize::from(u16_at(bmp.2, 2)?);
    Some(Cmap::Segments(bmp.2.get(..length)?))
}

/// Format 4: segments of consecutive codes, found by binary search on
/// their end codes.
fn segment_glyph(t: &[u8], c: u16) -> Option<u16> {
    let seg_x2 = usize::from(u16_at(t, 6)?);
    let (ends, starts) = (14, 16 + seg_x2);
    let (deltas, range_offsets) = (starts + seg_x2, starts + 2 * seg_x2);
    let (mut low, mut high) = (0, seg_x2 / 2);
    while low < high {
        let mid = (low + high) / 2;
        if u16_at(t, ends + 2 * mid)? < c {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    let i = low;
    let start = u16_at(t, starts + 2 * i)?;
    if i >= seg_x2 / 2 || c < start {
        return None;
    }
    let delta = u16_at(t, deltas + 2 * i)?;
    let range_offset = usize::from(u16_at(t, range_offsets + 2 * i)?);
    if range_offset == 0 {
        return Some(c.wrapping_add(delta));
    }
    let at = range_offsets + 2 * i + range_offset + 2 * usize::from(c - start);
    let gid = u16_at(t, at)?;
    (gid != 0).then(|| gid.wrapping_add(delta))
}

/// Format 12: sequential groups of codes, found by binary search.
fn group_glyph(t: &[u8], c: u32) -> Option<u16> {
    let count = u32_at(t, 12)? as usize;
    let (mut low, mut high) = (0, count);
    while low < high {
        let mid = (low + high) / 2;
        let group = 16 + 12 * mid;
        let (first, last) = (u32_at(t, group)?, u32_at(t, group + 4)?);
        if c < first {
            high = mid;
        } else if c > last {
            low = mid + 1;
        } else {
            return u16::try_from(u32_at(t, group + 8)? + (c - first)).ok();
        }
    }
    None
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

    /// The in-place reader agrees with a full parse of the font (printpdf's)
    /// on every character of the BMP and the next plane: same glyph, same
    /// advance.
    #[test]
    fn lookups_match_a_full_parse_of_the_font() {
        let full = printpdf::ParsedFont::from_bytes(JAPANESE_FONT, 0, &mut Vec::new()).unwrap();
        let f = font();
        let mut found = 0;
        for code in 0..0x2_0000u32 {
            let ours = f.sfnt.glyph(code).filter(|&g| g != 0);
            let theirs = full.lookup_glyph_index(code).filter(|&g| g != 0);
            assert_eq!(ours, theirs, "U+{code:04X}");
            if let Some(gid) = ours {
                assert_eq!(
                    f.sfnt.advance(gid),
                    full.get_horizontal_advance(gid),
                    "advance of U+{code:04X}"
                );
                found += 1;
            }
        }
        assert!(found > 10_000, "{found} characters mapped");
    }

    /// The subset has just the asked characters, each still mapped, with the
    /// same advance and the family name a PDF viewer shows.
    #[test]
    fn a_subset_keeps_the_asked_characters_and_the_name() {
        let chars: BTreeSet<char> = "在宅医療 ABC〜①".chars().collect();
        let bytes = font().subset(&chars);
        assert!(bytes.len() < 60_000, "{} bytes", bytes.len());
        let sub = Sfnt::new(&bytes).unwrap();
        for c in chars.iter().filter(|c| **c != ' ') {
            let gid = sub.glyph(*c as u32).filter(|&g| g != 0);
            let gid = gid.unwrap_or_else(|| panic!("{c} mapped in the subset"));
            let original = font().sfnt.glyph(*c as u32).unwrap();
            assert_eq!(sub.advance(gid), font().sfnt.advance(original), "{c}");
        }
        assert_eq!(sub.glyph('意' as u32).filter(|&g| g != 0), None);
        let parsed = printpdf::ParsedFont::from_bytes(&bytes, 0, &mut Vec::new()).unwrap();
        assert_eq!(parsed.font_name.as_deref(), Some("IPAexGothic"));
    }
}
