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

/// The error of a required field left empty.
pub fn missing(field: &str, label: &str) -> Error {
    Error::invalid(field, format!("{label}を入力してください。"))
}

/// A one-line text field: trimmed, free of control characters, line
/// breaks and the invisible characters of [`hidden_char`], at most
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
        return Err(missing(field, label));
    }
    checked_text(
        field,
        label,
        trimmed,
        max_chars,
        "文字（改行や制御文字）",
        |_| false,
    )
}

/// Multi-line free text: trimmed, no control characters other than line
/// breaks and tabs, none of the invisible characters of [`hidden_char`], at
/// most `max` characters. Every kind of line break becomes `\n`.
pub fn multi_line(field: &str, label: &str, value: &str, max: usize) -> Result<String> {
    let value = value
        .replace("\r\n", "\n")
        .replace(['\r', '\u{2028}', '\u{2029}'], "\n");
    checked_text(field, label, value.trim(), max, "制御文字", |c| {
        c == '\n' || c == '\t'
    })
}

/// Refuses control characters and the Unicode line and paragraph separators
/// (except those `allowed`), invisible characters ([`hidden_char`]) and text
/// longer than `max` characters, naming the field.
fn checked_text(
    field: &str,
    label: &str,
    text: &str,
    max: usize,
    what: &str,
    allowed: fn(char) -> bool,
) -> Result<String> {
    let control = |c: char| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}');
    if text.chars().any(|c| control(c) && !allowed(c)) {
        return Err(Error::invalid(
            field,
            format!("{label}に使えない{what}が含まれています。"),
        ));
    }
    if let Some((c, kind)) = text.chars().find_map(|c| hidden_char(c).map(|k| (c, k))) {
        return Err(Error::invalid(
            field,
            format!(
                "{label}に{kind}（U+{:04X}）が含まれています。貼り付けた文字を消して入力し直してください。",
                c as u32
            ),
        ));
    }
    let count = text.chars().count();
    if count > max {
        return Err(Error::invalid(
            field,
            format!("{label}は{max}文字以内で入力してください（いま{count}文字）。"),
        ));
    }
    Ok(text.to_string())
}

/// What an invisible or unusable character is, in words for the message, or
/// `None` for a character typed text may hold. Refused: the bidi controls
/// (they reorder what is shown, so a name can read differently on screen, in
/// a CSV and on paper), zero-width and other format characters except ZWJ
/// (U+200D, part of emoji sequences and some names) and the tag characters
/// of flag emoji, and the Unicode non-characters (U+FFFE and U+FFFF make the
/// SVG of a print preview invalid).
fn hidden_char(c: char) -> Option<&'static str> {
    match c {
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => Some("文字の向きを変える見えない制御文字"),
        '\u{00AD}'
        | '\u{180E}'
        | '\u{200B}'
        | '\u{200C}'
        | '\u{2060}'..='\u{2064}'
        | '\u{206A}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}' => Some("幅のない見えない文字"),
        '\u{FDD0}'..='\u{FDEF}' => Some("文字として使えない符号"),
        c if (c as u32) & 0xFFFE == 0xFFFE => Some("文字として使えない符号"),
        _ => None,
    }
}

/// A Japanese phone or FAX number: digits with optional hyphens, brackets and
/// spaces, 10 or 11 digits starting with 0. Returned in half-width form.
/// An empty value is allowed unless `required`.
pub fn phone_number(field: &str, label: &str, value: &str, required: bool) -> Result<String> {
    let folded = fold_number_text(value.trim());
    let folded = folded.trim();
    if folded.is_empty() {
        if required {
            return Err(missing(field, label));
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

/// Units a person may type after a number (「30人」「5冊」「90分」); they
/// carry no meaning of their own, the field's label says what is counted.
const COUNT_UNITS: &[char] = &['人', '名', '枚', '件', '冊', '部', '回', '床', '分'];

/// Typed text quoted back in a message, cut short so the message stays readable.
pub fn quoted(value: &str) -> String {
    let value = value.trim();
    if value.chars().count() > 20 {
        format!("{}…", value.chars().take(20).collect::<String>())
    } else {
        value.to_string()
    }
}

/// The range a count field accepts, both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub min: i64,
    pub max: i64,
}

impl Range {
    pub const fn new(min: i64, max: i64) -> Range {
        Range { min, max }
    }
}

/// A whole number as people type it: 全角 digits, blanks, thousands
/// separators (1,000 / １，０００) and one unit (人・名・枚・件・冊・部・回・床・分)
/// are accepted. Empty is `None`; negatives, fractions and words are
/// refused with a message naming the field.
pub fn count(field: &str, label: &str, value: &str, range: Range) -> Result<Option<i64>> {
    let folded = fold_number_text(value);
    let digits: String = folded
        .trim()
        .trim_end_matches(COUNT_UNITS)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',' && *c != '、')
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    if digits.len() > 1
        && digits.starts_with('-')
        && digits[1..].chars().all(|c| c.is_ascii_digit())
    {
        return Err(Error::invalid(
            field,
            format!(
                "{label}に負の数は入力できません。{}以上の数を入力してください。",
                range.min.max(0)
            ),
        ));
    }
    if digits.len() > 12 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid(
            field,
            format!(
                "{label}は数字で入力してください（いま「{}」）。",
                quoted(value)
            ),
        ));
    }
    let n: i64 = digits.parse().map_err(|_| {
        Error::invalid(
            field,
            format!("{label}は{}以下で入力してください。", range.max),
        )
    })?;
    if n < range.min {
        return Err(Error::invalid(
            field,
            format!("{label}は{}以上で入力してください（いま{n}）。", range.min),
        ));
    }
    if n > range.max {
        return Err(Error::invalid(
            field,
            format!("{label}は{}以下で入力してください（いま{n}）。", range.max),
        ));
    }
    Ok(Some(n))
}

/// Like [`count`], and an empty value is refused.
pub fn required_count(field: &str, label: &str, value: &str, range: Range) -> Result<i64> {
    count(field, label, value, range)?.ok_or_else(|| missing(field, label))
}

/// A duration in minutes: 「90」「90分」「１時間」「1時間30分」. Empty is `None`.
pub fn minutes(field: &str, label: &str, value: &str, max: i64) -> Result<Option<i64>> {
    let folded = fold_ascii_width(value).replace(' ', "");
    let Some((hours, rest)) = folded.split_once("時間") else {
        return count(field, label, value, Range::new(0, max));
    };
    let range = Range::new(0, max);
    let hours = required_count(field, label, hours, range)?;
    let rest = count(field, label, rest, range)?.unwrap_or(0);
    if rest > 59 {
        return Err(Error::invalid(
            field,
            format!(
                "{label}の「分」は0から59で入力してください（いま「{}」）。",
                quoted(value)
            ),
        ));
    }
    let total = hours * 60 + rest;
    if total > max {
        return Err(Error::invalid(
            field,
            format!("{label}は{max}分以下で入力してください（いま{total}分）。"),
        ));
    }
    Ok(Some(total))
}

/// A time of day as people type it: 9:30, ９：３０, 09:30, 9時, 9時30分, 9.
/// Empty is refused; the hour is 0–23 (24時間制).
pub fn time_of_day(field: &str, label: &str, value: &str) -> Result<chrono::NaiveTime> {
    let folded = fold_ascii_width(value)
        .replace(' ', "")
        .replace('時', ":")
        .replace('分', "");
    if folded.is_empty() {
        return Err(missing(field, label));
    }
    let bad = || {
        Error::invalid(
            field,
            format!(
                "{label}「{}」を読み取れません。14:05 のように24時間制で入力してください。",
                quoted(value)
            ),
        )
    };
    let (h, m) = match folded.split_once(':') {
        Some((h, "")) => (h, "0"),
        Some(pair) => pair,
        None => (folded.as_str(), "0"),
    };
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.chars().all(|c| c.is_ascii_digit());
    if !digits(h) || !digits(m) {
        return Err(bad());
    }
    let (hour, minute) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    chrono::NaiveTime::from_hms_opt(hour, minute, 0).ok_or_else(bad)
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

/// An entry of an editable list (相談記録の一覧項目, 利用理由, 会議の種類, …)
/// as checked by [`list_entries`]: its id (`None` for a new entry), name
/// and whether it is no longer used.
pub type ListEntry = (Option<String>, String, bool);

/// Checks a whole editable list as a form sends it, in order: at most
/// `max_items` entries (named `what` in the message), each name one line
/// of at most `max_chars` (named `name_label`), required and not twice,
/// each id a UUID or empty (a new entry). Every list that staff edit in
/// 設定 is checked here, so they refuse alike.
pub fn list_entries<'a>(
    what: &str,
    name_label: &str,
    max_chars: usize,
    max_items: usize,
    input: impl ExactSizeIterator<Item = (Option<&'a str>, &'a str, bool)>,
) -> Result<Vec<ListEntry>> {
    if input.len() > max_items {
        return Err(Error::invalid(
            "items",
            format!("{what}は{max_items}件までです。"),
        ));
    }
    let mut names = std::collections::HashSet::new();
    let mut entries = Vec::with_capacity(input.len());
    for (i, (id, name, retired)) in input.enumerate() {
        let field = format!("items.{i}.name");
        let name = single_line(&field, name_label, name, max_chars, true)?;
        if !names.insert(name.clone()) {
            return Err(Error::invalid(
                field,
                format!("「{name}」が二度入力されています。"),
            ));
        }
        let id = match id.filter(|s| !s.is_empty()) {
            Some(id) => Some(uuid(&format!("items.{i}.id"), id)?),
            None => None,
        };
        entries.push((id, name, retired));
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANY: Range = Range::new(0, 100_000);

    #[test]
    fn counts_read_what_people_type() {
        let table: &[(&str, Option<i64>)] = &[
            ("", None),
            ("   ", None),
            ("　", None),
            ("0", Some(0)),
            ("30", Some(30)),
            ("３０", Some(30)),
            (" 30 ", Some(30)),
            ("30人", Some(30)),
            ("３０人", Some(30)),
            ("30 人", Some(30)),
            ("5冊", Some(5)),
            ("12枚", Some(12)),
            ("90分", Some(90)),
            ("3件", Some(3)),
            ("1,000", Some(1000)),
            ("１，０００", Some(1000)),
            ("1,000冊", Some(1000)),
            ("1 000", Some(1000)),
        ];
        for (typed, want) in table {
            assert_eq!(count("n", "冊数", typed, ANY).unwrap(), *want, "{typed:?}");
        }
    }

    #[test]
    fn counts_refuse_negatives_fractions_words_and_out_of_range() {
        let table: &[(&str, &str)] = &[
            ("-1", "負の数"),
            ("－３", "負の数"),
            ("1.5", "数字で入力"),
            ("三十", "数字で入力"),
            ("30人30", "数字で入力"),
            ("abc", "数字で入力"),
            ("999999999999999", "数字で入力"),
            ("100001", "100000以下"),
        ];
        for (typed, says) in table {
            let err = count("n", "冊数", typed, ANY).unwrap_err();
            assert_eq!(err.field(), Some("n"), "{typed:?}");
            assert!(err.to_string().starts_with("冊数"), "{typed:?}: {err}");
            assert!(err.to_string().contains(says), "{typed:?}: {err}");
        }
        let err = required_count("n", "冊数", "0", Range::new(1, 10)).unwrap_err();
        assert!(err.to_string().contains("1以上"), "{err}");
        let err = required_count("n", "冊数", " ", Range::new(1, 10)).unwrap_err();
        assert_eq!(err.to_string(), "冊数を入力してください。");
    }

    #[test]
    fn minutes_read_hours_and_minutes() {
        let table: &[(&str, Option<i64>)] = &[
            ("", None),
            ("30", Some(30)),
            ("３０分", Some(30)),
            ("1時間", Some(60)),
            ("１時間３０分", Some(90)),
            ("1時間 5分", Some(65)),
        ];
        for (typed, want) in table {
            assert_eq!(
                minutes("m", "所要時間", typed, 1440).unwrap(),
                *want,
                "{typed:?}"
            );
        }
        for bad in ["-5", "1時間70分", "25時間", "半", "1441"] {
            let err = minutes("m", "所要時間", bad, 1440).unwrap_err();
            assert_eq!(err.field(), Some("m"), "{bad:?}");
        }
    }

    #[test]
    fn times_of_day_read_colons_and_kanji() {
        let hm = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let table = [
            ("9:30", hm(9, 30)),
            ("09:30", hm(9, 30)),
            ("９：３０", hm(9, 30)),
            ("9時", hm(9, 0)),
            ("９時", hm(9, 0)),
            ("9時30分", hm(9, 30)),
            ("14:05", hm(14, 5)),
            ("14", hm(14, 0)),
            ("14:", hm(14, 0)),
            (" 0:00 ", hm(0, 0)),
        ];
        for (typed, want) in table {
            assert_eq!(
                time_of_day("t", "開始時刻", typed).unwrap(),
                want,
                "{typed:?}"
            );
        }
        assert_eq!(
            time_of_day("t", "開始時刻", "").unwrap_err().to_string(),
            "開始時刻を入力してください。"
        );
        for bad in ["24:00", "9:60", "9:5:0", "午後2時", "930", "a:b", "-1:00"] {
            let err = time_of_day("t", "開始時刻", bad).unwrap_err();
            assert!(err.to_string().contains("24時間制"), "{bad:?}: {err}");
        }
    }

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
    fn invisible_and_non_characters_are_refused_naming_the_field() {
        let table: &[(&str, &str)] = &[
            ("山田\u{202E}太郎", "向きを変える"),
            ("\u{202A}山田", "向きを変える"),
            ("山田\u{202C}", "向きを変える"),
            ("山田\u{2066}太郎\u{2069}", "向きを変える"),
            ("山\u{2067}田", "向きを変える"),
            ("山\u{2068}田", "向きを変える"),
            ("山\u{200E}田", "向きを変える"),
            ("山\u{200F}田", "向きを変える"),
            ("山\u{061C}田", "向きを変える"),
            ("山\u{200B}田", "幅のない"),
            ("山\u{200C}田", "幅のない"),
            ("山\u{2060}田", "幅のない"),
            ("山\u{FEFF}田", "幅のない"),
            ("\u{FEFF}山田", "幅のない"),
            ("山\u{00AD}田", "幅のない"),
            ("山\u{FFFE}田", "使えない符号"),
            ("山\u{FFFF}田", "使えない符号"),
            ("山\u{1FFFE}田", "使えない符号"),
            ("山\u{10FFFF}田", "使えない符号"),
            ("山\u{FDD0}田", "使えない符号"),
            ("山\u{FDEF}田", "使えない符号"),
        ];
        for (typed, says) in table {
            for err in [
                single_line("name", "氏名", typed, 50, true).unwrap_err(),
                multi_line("name", "氏名", typed, 50).unwrap_err(),
            ] {
                assert_eq!(err.field(), Some("name"), "{typed:?}");
                let message = err.to_string();
                assert!(message.starts_with("氏名に"), "{typed:?}: {message}");
                assert!(message.contains(says), "{typed:?}: {message}");
                assert!(message.contains("（U+"), "{typed:?}: {message}");
            }
        }
        let err = single_line("f", "名称", "a\u{2028}b", 10, true).unwrap_err();
        assert!(err.to_string().contains("改行"), "{err}");
    }

    #[test]
    fn japanese_emoji_sequences_and_layout_whitespace_are_kept() {
        let kept: &[&str] = &[
            "在宅医療・介護連携支援センター",
            "髙橋　𠮷野",
            "ｶﾀｶﾅ　ＡＢＣ　１２３",
            "👨\u{200D}👩\u{200D}👧",
            "👩🏽\u{200D}⚕\u{FE0F}",
            "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}",
            "葛\u{E0100}城市",
            "🇯🇵",
            "=1+1",
            "\u{FFFD}",
            "\u{FFFD}\u{FFFC}",
        ];
        for text in kept {
            assert_eq!(single_line("f", "名称", text, 50, true).unwrap(), *text);
            assert_eq!(multi_line("f", "名称", text, 50).unwrap(), *text);
        }
        let notes = "一行目\t（タブ）\r\n二行目　全角スペース\r三行目\u{2028}四行目";
        assert_eq!(
            multi_line("f", "備考", notes, 100).unwrap(),
            "一行目\t（タブ）\n二行目　全角スペース\n三行目\n四行目"
        );
        assert!(single_line("f", "名称", "一\t二", 10, true).is_err());
        assert!(single_line("f", "名称", "一\n二", 10, true).is_err());
    }

    #[test]
    fn uuids_are_checked() {
        assert!(uuid("id", "not-a-uuid").is_err());
        assert!(uuid("id", "'; DROP TABLE cities; --").is_err());
        let id = new_id();
        assert_eq!(uuid("id", &id.to_uppercase()).unwrap(), id);
    }
}
