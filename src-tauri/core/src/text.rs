//! Cleaning and checking of text typed by users (often through a Japanese
//! IME, which produces full-width digits and symbols).

use crate::{Error, Result};

/// Turns full-width ASCII (Ａ１－ etc.) and the ideographic space into their
/// half-width forms, the part of NFKC that matters for numbers and codes.
pub fn fold_ascii_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// Like [`fold_ascii_width`], and also turns the dashes an IME gives for a
/// hyphen (ー － ‐ − ― – —) into `-`. Only for numbers and codes: in a name,
/// ー is a long vowel.
pub fn fold_number_text(s: &str) -> String {
    fold_ascii_width(s)
        .chars()
        .map(|c| match c {
            'ー' | '‐' | '−' | '―' | '–' | '—' => '-',
            _ => c,
        })
        .collect()
}

/// A one-line text field: trimmed, free of control characters, at most
/// `max_chars` characters. `required` refuses an empty value.
pub fn single_line(
    field: &str,
    label: &str,
    value: &str,
    max_chars: usize,
    required: bool,
) -> Result<String> {
    let trimmed = value.trim_matches(|c: char| c.is_whitespace());
    if required && trimmed.is_empty() {
        return Err(Error::invalid(
            field,
            format!("{label}を入力してください。"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            format!("{label}に使えない文字（改行や制御文字）が含まれています。"),
        ));
    }
    let count = trimmed.chars().count();
    if count > max_chars {
        return Err(Error::invalid(
            field,
            format!("{label}は{max_chars}文字以内で入力してください（いま{count}文字）。"),
        ));
    }
    Ok(trimmed.to_string())
}

/// A Japanese phone or FAX number: digits with optional hyphens, brackets and
/// spaces, 10 or 11 digits starting with 0. Returned in half-width form.
/// An empty value is allowed unless `required`.
/// Multi-line free text: trimmed, no control characters other than line
/// breaks and tabs, at most `max` characters.
pub fn multi_line(field: &str, label: &str, value: &str, max: usize) -> Result<String> {
    let value = value.replace("\r\n", "\n").replace('\r', "\n");
    let trimmed = value.trim();
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(Error::invalid(
            field,
            format!("{label}に使えない制御文字が含まれています。"),
        ));
    }
    let count = trimmed.chars().count();
    if count > max {
        return Err(Error::invalid(
            field,
            format!("{label}は{max}文字以内で入力してください（いま{count}文字）。"),
        ));
    }
    Ok(trimmed.to_string())
}

pub fn phone_number(field: &str, label: &str, value: &str, required: bool) -> Result<String> {
    let folded = fold_number_text(value.trim());
    let folded = folded.trim();
    if folded.is_empty() {
        if required {
            return Err(Error::invalid(
                field,
                format!("{label}を入力してください。"),
            ));
        }
        return Ok(String::new());
    }
    let bad = || {
        Error::invalid(
            field,
            format!(
                "{label}は市外局番からの10桁か11桁の数字で入力してください（例：049-123-4567）。"
            ),
        )
    };
    if !folded
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '(' | ')' | ' '))
    {
        return Err(bad());
    }
    let digits: String = folded.chars().filter(char::is_ascii_digit).collect();
    if !(10..=11).contains(&digits.len()) || !digits.starts_with('0') {
        return Err(bad());
    }
    Ok(folded.to_string())
}

/// A postal code written as 123-4567 (〒, full-width digits and a missing
/// hyphen are accepted). Empty is allowed.
pub fn postal_code(field: &str, value: &str) -> Result<String> {
    let folded = fold_number_text(value.trim());
    let folded = folded.trim().trim_start_matches('〒').trim();
    if folded.is_empty() {
        return Ok(String::new());
    }
    let digits: String = folded.chars().filter(char::is_ascii_digit).collect();
    let shape_ok =
        folded.chars().all(|c| c.is_ascii_digit() || c == '-') && folded.matches('-').count() <= 1;
    if !shape_ok || digits.len() != 7 || (folded.contains('-') && folded.find('-') != Some(3)) {
        return Err(Error::invalid(
            field,
            "郵便番号は7桁の数字で入力してください（例：350-0214）。",
        ));
    }
    Ok(format!("{}-{}", &digits[..3], &digits[3..]))
}

/// Validates a record id received from outside (the UI, a file).
pub fn uuid(field: &str, value: &str) -> Result<String> {
    uuid::Uuid::parse_str(value)
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| {
            Error::invalid(
                field,
                "内部の識別子が正しくありません。画面を開き直してください。",
            )
        })
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().hyphenated().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_and_dashes_become_ascii() {
        assert_eq!(fold_number_text("０４９ー２８３－１２３４"), "049-283-1234");
        assert_eq!(fold_ascii_width("センター"), "センター");
        assert_eq!(fold_ascii_width("ＡＢＣ　１"), "ABC 1");
        assert_eq!(fold_ascii_width("坂戸市"), "坂戸市");
    }

    #[test]
    fn phone_numbers_accept_common_japanese_forms() {
        for ok in [
            "049-283-1234",
            "０４９（２８３）１２３４",
            "090 1234 5678",
            "0492831234",
        ] {
            assert!(phone_number("phone", "電話番号", ok, true).is_ok(), "{ok}");
        }
        assert_eq!(
            phone_number("phone", "電話番号", "０４９－２８３－１２３４", true).unwrap(),
            "049-283-1234"
        );
    }

    #[test]
    fn phone_numbers_refuse_letters_short_and_missing_zero() {
        for bad in [
            "abc-123",
            "049-283",
            "49-283-12345",
            "049-283-1234-5678",
            "049;DROP",
        ] {
            let err = phone_number("phone", "電話番号", bad, true).unwrap_err();
            assert_eq!(err.field(), Some("phone"), "{bad}");
            assert!(err.to_string().contains("電話番号は"), "{err}");
        }
        assert_eq!(phone_number("fax", "FAX", "  ", false).unwrap(), "");
        assert!(phone_number("phone", "電話番号", "", true).is_err());
    }

    #[test]
    fn postal_codes_are_normalised() {
        assert_eq!(postal_code("p", "〒３５０－０２１４").unwrap(), "350-0214");
        assert_eq!(postal_code("p", "3500214").unwrap(), "350-0214");
        assert_eq!(postal_code("p", "").unwrap(), "");
        assert!(postal_code("p", "35-00214").is_err());
        assert!(postal_code("p", "350-021").is_err());
    }

    #[test]
    fn single_line_trims_and_limits() {
        assert_eq!(
            single_line("f", "名称", "  在宅医療相談室　", 10, true).unwrap(),
            "在宅医療相談室"
        );
        let err = single_line("f", "名称", "   ", 10, true).unwrap_err();
        assert_eq!(err.to_string(), "名称を入力してください。");
        assert!(single_line("f", "名称", "a\u{0}b", 10, true).is_err());
        assert!(single_line("f", "名称", "一二三四五六七八九十一", 10, true).is_err());
        assert_eq!(single_line("f", "名称", "", 10, false).unwrap(), "");
    }

    #[test]
    fn uuids_are_checked() {
        assert!(uuid("id", "not-a-uuid").is_err());
        assert!(uuid("id", "'; DROP TABLE cities; --").is_err());
        let id = new_id();
        assert_eq!(uuid("id", &id.to_uppercase()).unwrap(), id);
    }
}
