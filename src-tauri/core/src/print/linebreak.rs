//! Japanese line breaking: UAX #14 opportunities (unicode-linebreak) with the
//! kinsoku rules added, filled greedily into a width measured with the font.
//!
//! UAX #14 already keeps Latin words and numbers whole and allows a break
//! between two ideographs; it is lenient about small kana, the long vowel
//! mark and a few punctuation marks, so those are forbidden here.

use unicode_linebreak::{linebreaks, BreakOpportunity};

/// Characters that must never start a line (行頭禁則).
const NO_START: &str = "、。，．・：；？！ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々ゝゞヽヾ」』）】〕〉》〙〗｝］〟’”,.:;?!)]}〜";

/// Characters that must never end a line (行末禁則).
const NO_END: &str = "「『（【〔〈《〘〖｛［〝‘“([{";

pub fn is_no_start(c: char) -> bool {
    NO_START.contains(c)
}

pub fn is_no_end(c: char) -> bool {
    NO_END.contains(c)
}

/// Byte offsets where a line may start, with whether the break is forced (a
/// newline). Offset 0 is never included; the end of the text is.
fn opportunities(text: &str) -> Vec<(usize, bool)> {
    linebreaks(text)
        .filter(|&(at, kind)| kind == BreakOpportunity::Mandatory || kinsoku_allows(text, at))
        .map(|(at, kind)| (at, kind == BreakOpportunity::Mandatory))
        .collect()
}

fn kinsoku_allows(text: &str, at: usize) -> bool {
    let next = text[at..].chars().next();
    let prev = text[..at].chars().rev().find(|c| !c.is_whitespace());
    !(next.is_some_and(is_no_start) || prev.is_some_and(is_no_end))
}

/// Splits `text` into lines no wider than `max_width`, as measured by
/// `width`. A piece with no allowed break that is still too wide is split
/// between characters (where kinsoku allows, if it can). Spaces at the end of
/// a line are dropped; newlines in the text always break.
pub fn break_lines(text: &str, max_width: f32, width: impl Fn(&str) -> f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line_start = 0;
    // The last allowed break inside the current line.
    let mut last_fit: Option<usize> = None;
    for (at, forced) in opportunities(text) {
        let candidate = text[line_start..at].trim_end();
        if width(candidate) <= max_width {
            if forced {
                lines.push(candidate.to_string());
                line_start = at;
                last_fit = None;
            } else {
                last_fit = Some(at);
            }
            continue;
        }
        // Too wide: end the line at the last break that fitted, then retry.
        if let Some(fit) = last_fit.take() {
            lines.push(text[line_start..fit].trim_end().to_string());
            line_start = fit;
            let candidate = text[line_start..at].trim_end();
            if width(candidate) <= max_width {
                if forced {
                    lines.push(candidate.to_string());
                    line_start = at;
                } else {
                    last_fit = Some(at);
                }
                continue;
            }
        }
        // One piece wider than the box: split it by characters.
        let piece = &text[line_start..at];
        let mut parts = split_by_chars(piece, max_width, &width);
        let rest = parts.pop().unwrap_or_default();
        lines.extend(parts);
        line_start = at - rest.len();
        if forced {
            lines.push(rest.trim_end().to_string());
            line_start = at;
        } else {
            last_fit = Some(at);
        }
    }
    if line_start < text.len() {
        lines.push(text[line_start..].trim_end().to_string());
    }
    lines
}

/// Splits a piece with no allowed break into lines that fit, moving a split
/// back by one character when it would start a line with a closing mark.
fn split_by_chars(piece: &str, max_width: f32, width: &impl Fn(&str) -> f32) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = piece;
    while width(rest.trim_end()) > max_width {
        let mut end = 0;
        for (i, c) in rest.char_indices() {
            let next = i + c.len_utf8();
            if width(&rest[..next]) > max_width {
                break;
            }
            end = next;
        }
        if end == 0 {
            end = rest.chars().next().map_or(rest.len(), char::len_utf8);
        }
        end = kinsoku_split(rest, end);
        parts.push(rest[..end].to_string());
        rest = &rest[end..];
    }
    parts.push(rest.to_string());
    parts
}

/// The last split at or before `end` that starts no line with a closing mark
/// and ends none with an opening one; `end` itself when there is none.
fn kinsoku_split(rest: &str, end: usize) -> usize {
    let allowed = |at: usize| {
        let next = rest[at..].chars().next();
        let prev = rest[..at].chars().next_back();
        !(next.is_some_and(is_no_start) || prev.is_some_and(is_no_end))
    };
    rest[..end]
        .char_indices()
        .map(|(i, _)| i)
        .chain([end])
        .filter(|&at| at > 0)
        .rev()
        .find(|&at| allowed(at))
        .unwrap_or(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character one unit wide, so a width is a character count.
    fn lines(text: &str, width: usize) -> Vec<String> {
        break_lines(text, width as f32, |s| s.chars().count() as f32)
    }

    #[test]
    fn breaks_between_any_two_kanji() {
        assert_eq!(lines("私の意志表示帳", 3), vec!["私の意", "志表示", "帳"]);
    }

    #[test]
    fn never_starts_a_line_with_a_closing_mark_or_small_kana() {
        assert_eq!(
            lines("ありがとう。ございます", 5),
            vec!["ありがと", "う。ござい", "ます"]
        );
        assert_eq!(lines("ちょっと待って", 3), vec!["ちょっ", "と待っ", "て"]);
        assert_eq!(lines("コーヒーです", 3), vec!["コー", "ヒーで", "す"]);
    }

    #[test]
    fn never_ends_a_line_with_an_opening_bracket() {
        assert_eq!(
            lines("私は「意志」です", 3),
            vec!["私は", "「意", "志」で", "す"]
        );
        assert_eq!(lines("あい（うえ）お", 3), vec!["あい", "（う", "え）お"]);
    }

    #[test]
    fn keeps_latin_words_and_numbers_whole() {
        assert_eq!(
            lines("TEL 0123-45-6789 まで", 13),
            vec!["TEL", "0123-45-6789", "まで"]
        );
        assert_eq!(lines("令和7年11月24日", 6), vec!["令和7年11", "月24日"]);
        assert_eq!(lines("令和7年11月24日", 4), vec!["令和7年", "11月", "24日"]);
    }

    #[test]
    fn mixed_text_breaks_at_spaces_and_between_kana() {
        assert_eq!(
            lines("ACP（人生会議）について話しましょう", 8),
            vec!["ACP（人生会", "議）について話し", "ましょう"]
        );
    }

    #[test]
    fn newlines_always_break_and_trailing_spaces_are_dropped() {
        assert_eq!(lines("一行目  \n二行目", 10), vec!["一行目", "二行目"]);
        assert_eq!(lines("a\n\nb", 10), vec!["a", "", "b"]);
    }

    #[test]
    fn no_kinsoku_violation_at_any_width() {
        let text = "「自分らしく」暮らすために、大切にしたいこと。ちょっとした希望（たとえば、好きな音楽や食べもの）も、家族や主治医と話しておきましょう！ACPは「人生会議」とも呼ばれます。コーヒーは1日2杯まで、ゆっくり。";
        for width in 4..40 {
            let out = lines(text, width);
            assert_eq!(out.concat(), text.replace(' ', ""));
            for pair in out.windows(2) {
                let first = pair[1].chars().next().unwrap();
                let last = pair[0].chars().last().unwrap();
                assert!(!is_no_start(first), "width {width}: {out:?}");
                assert!(!is_no_end(last), "width {width}: {out:?}");
            }
            assert!(
                out.iter().all(|l| l.chars().count() <= width),
                "width {width}: {out:?}"
            );
        }
    }
}
