//! Pure checks of what the session and tally forms send: numbers typed with
//! an IME, times, and the consistency of questionnaire tallies. No database
//! here, so the arithmetic is unit-tested directly.

use std::collections::HashMap;

use crate::{text, Error, Result};

/// The largest count any field accepts (a 公民館 hall, not a stadium).
pub const MAX_COUNT: i64 = 100_000;

/// Refuses a value far longer than any date, time or count, before a
/// message would quote it back.
fn short(field: &str, label: &str, value: &str) -> Result<()> {
    if value.chars().count() > 30 {
        return Err(Error::invalid(field, format!("{label}が長すぎます。")));
    }
    Ok(())
}

/// A date typed as 令和7年6月14日, R7.6.14 or 2025-06-14.
pub fn date(field: &str, label: &str, value: &str) -> Result<chrono::NaiveDate> {
    short(field, label, value)?;
    if value.trim().is_empty() {
        return Err(Error::invalid(
            field,
            format!("{label}を入力してください。"),
        ));
    }
    crate::wareki::parse_date(field, value)
}

/// A count typed in a form: full-width digits and 人/枚 are accepted, empty
/// is `None`, a negative or non-numeric value is refused.
pub fn count(field: &str, label: &str, value: &str) -> Result<Option<i64>> {
    short(field, label, value)?;
    let folded = text::fold_number_text(value);
    let trimmed = folded
        .trim()
        .trim_end_matches(['人', '名', '枚', '件'])
        .trim()
        .replace(',', "");
    if trimmed.is_empty() {
        return Ok(None);
    }
    if trimmed.starts_with('-') {
        return Err(Error::invalid(
            field,
            format!("{label}に負の数は入力できません。0以上の数を入力してください。"),
        ));
    }
    let n: i64 = trimmed.parse().map_err(|_| {
        Error::invalid(
            field,
            format!("{label}「{}」は数として読み取れません。", value.trim()),
        )
    })?;
    if n > MAX_COUNT {
        return Err(Error::invalid(
            field,
            format!("{label}は{MAX_COUNT}以下で入力してください。"),
        ));
    }
    Ok(Some(n))
}

/// A time of day typed as 9:30, ９：３０, 09:30 or 9時30分; returned as HH:MM.
pub fn time_of_day(field: &str, label: &str, value: &str) -> Result<String> {
    short(field, label, value)?;
    let folded = text::fold_ascii_width(value)
        .trim()
        .replace('時', ":")
        .replace('分', "");
    if folded.is_empty() {
        return Err(Error::invalid(
            field,
            format!("{label}を入力してください。"),
        ));
    }
    let bad = || {
        Error::invalid(
            field,
            format!(
                "{label}「{}」を読み取れません。14:00 の形で入力してください。",
                value.trim()
            ),
        )
    };
    let (h, m) = match folded.split_once(':') {
        Some((h, "")) => (h, "0"),
        Some(pair) => pair,
        None => (folded.as_str(), "0"),
    };
    let hour: u32 = h.trim().parse().map_err(|_| bad())?;
    let minute: u32 = m.trim().parse().map_err(|_| bad())?;
    if hour > 23 || minute > 59 || h.trim().len() > 2 || m.trim().len() > 2 {
        return Err(bad());
    }
    Ok(format!("{hour:02}:{minute:02}"))
}

/// 終了 must come after 開始 (both HH:MM, so text order is time order).
pub fn check_times(start: &str, end: &str) -> Result<()> {
    if end <= start {
        return Err(Error::invalid(
            "end_time",
            format!("終了時刻（{end}）は開始時刻（{start}）より後にしてください。"),
        ));
    }
    Ok(())
}

/// Warnings that do not stop a save: more people came than the 定員.
pub fn capacity_warnings(
    capacity: Option<i64>,
    applicants: Option<i64>,
    attendees: Option<i64>,
) -> Vec<String> {
    let mut warnings = Vec::new();
    if let (Some(cap), Some(n)) = (capacity, attendees) {
        if n > cap {
            warnings.push(format!(
                "参加者数（{n}人）が定員（{cap}人）を超えています。会場の広さを確認してください。"
            ));
        }
    }
    if let (Some(cap), Some(n)) = (capacity, applicants) {
        if n > cap {
            warnings.push(format!("申込数（{n}人）が定員（{cap}人）を超えています。"));
        }
    }
    warnings
}

/// 回収率: forms returned per attendee. No attendees (or none recorded)
/// gives `None`, never NaN or infinity.
pub fn response_rate(returned: i64, attended: i64) -> Option<f64> {
    if attended <= 0 {
        None
    } else {
        Some(returned as f64 / attended as f64)
    }
}

/// `part / whole`, `None` when nothing was counted.
pub fn share(part: i64, whole: i64) -> Option<f64> {
    response_rate(part, whole)
}

/// One question as the tally check needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionDef {
    pub id: String,
    pub text: String,
    pub choice_ids: Vec<String>,
}

/// The forms returned may not exceed the people who attended, and the
/// answers counted for one question may not exceed the forms returned (the
/// rest left it blank). The first question that fails is named.
pub fn check_tally(
    questions: &[QuestionDef],
    attendees: Option<i64>,
    returned: i64,
    counts: &HashMap<String, i64>,
) -> Result<()> {
    if returned < 0 {
        return Err(Error::invalid(
            "forms_returned",
            "回収数に負の数は入力できません。",
        ));
    }
    match attendees {
        None if returned > 0 => {
            return Err(Error::invalid(
                "forms_returned",
                "先に開催の参加者数を入力してください（回収率の計算に使います）。",
            ))
        }
        Some(attended) if returned > attended => {
            return Err(Error::invalid(
                "forms_returned",
                format!("回収数（{returned}枚）が参加者数（{attended}人）を超えています。"),
            ))
        }
        _ => {}
    }
    for q in questions {
        let mut sum = 0;
        for choice in &q.choice_ids {
            let n = counts.get(choice).copied().unwrap_or(0);
            if n < 0 {
                return Err(Error::invalid(
                    format!("question:{}", q.id),
                    format!("「{}」に負の数は入力できません。", q.text),
                ));
            }
            sum += n;
        }
        if sum > returned {
            return Err(Error::invalid(
                format!("question:{}", q.id),
                format!(
                    "「{}」の回答数の合計（{sum}）が回収数（{returned}枚）を超えています。用紙の枚数と集計を確かめてください。",
                    q.text
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(id: &str, text: &str, choices: &[&str]) -> QuestionDef {
        QuestionDef {
            id: id.into(),
            text: text.into(),
            choice_ids: choices.iter().map(|c| (*c).into()).collect(),
        }
    }

    fn counts(pairs: &[(&str, i64)]) -> HashMap<String, i64> {
        pairs.iter().map(|(k, v)| ((*k).into(), *v)).collect()
    }

    #[test]
    fn counts_accept_ime_digits_and_refuse_negatives() {
        assert_eq!(count("n", "参加者数", "３５人").unwrap(), Some(35));
        assert_eq!(count("n", "参加者数", " ").unwrap(), None);
        assert_eq!(count("n", "参加者数", "1,200").unwrap(), Some(1200));
        let e = count("n", "参加者数", "−3").unwrap_err();
        assert!(e.to_string().contains("負の数"), "{e}");
        assert!(count("n", "参加者数", "abc").is_err());
        assert!(count("n", "参加者数", "1000001").is_err());
    }

    #[test]
    fn times_are_normalised_and_end_must_follow_start() {
        assert_eq!(time_of_day("t", "開始", "９：３０").unwrap(), "09:30");
        assert_eq!(time_of_day("t", "開始", "14時").unwrap(), "14:00");
        assert_eq!(time_of_day("t", "開始", "13時30分").unwrap(), "13:30");
        assert!(time_of_day("t", "開始", "25:00").is_err());
        assert!(time_of_day("t", "開始", "").is_err());
        assert!(check_times("10:00", "11:30").is_ok());
        let e = check_times("14:00", "13:00").unwrap_err();
        assert_eq!(e.field(), Some("end_time"));
        assert!(check_times("14:00", "14:00").is_err());
    }

    #[test]
    fn more_attendees_than_capacity_is_a_warning_not_an_error() {
        assert!(capacity_warnings(Some(30), Some(30), Some(30)).is_empty());
        let w = capacity_warnings(Some(30), None, Some(34));
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("34人") && w[0].contains("30人"), "{w:?}");
        assert!(capacity_warnings(None, Some(10), Some(40)).is_empty());
    }

    #[test]
    fn response_rate_with_and_without_attendees() {
        assert_eq!(response_rate(27, 30), Some(0.9));
        assert_eq!(response_rate(0, 30), Some(0.0));
        assert_eq!(response_rate(0, 0), None);
        assert_eq!(response_rate(5, -1), None);
    }

    #[test]
    fn tally_consistent_with_forms_is_accepted() {
        let qs = [
            question("q1", "理解度", &["a", "b"]),
            question("q2", "満足度", &["c", "d"]),
        ];
        // q2 has two blank answers: fewer than returned is fine.
        let c = counts(&[("a", 10), ("b", 5), ("c", 7), ("d", 6)]);
        assert!(check_tally(&qs, Some(20), 15, &c).is_ok());
    }

    #[test]
    fn tally_over_returned_names_the_question() {
        let qs = [
            question("q1", "理解度", &["a", "b"]),
            question("q2", "満足度", &["c", "d"]),
        ];
        let c = counts(&[("a", 10), ("b", 5), ("c", 9), ("d", 7)]);
        let e = check_tally(&qs, Some(20), 15, &c).unwrap_err();
        assert_eq!(e.field(), Some("question:q2"));
        assert!(
            e.to_string().contains("「満足度」") && e.to_string().contains("16"),
            "{e}"
        );
    }

    #[test]
    fn returned_over_attended_and_negative_counts_are_refused() {
        let qs = [question("q1", "理解度", &["a"])];
        let e = check_tally(&qs, Some(10), 11, &HashMap::new()).unwrap_err();
        assert_eq!(e.field(), Some("forms_returned"));
        assert!(e.to_string().contains("参加者数（10人）"), "{e}");
        let e = check_tally(&qs, Some(10), 5, &counts(&[("a", -1)])).unwrap_err();
        assert!(e.to_string().contains("負の数"), "{e}");
        // Zero attendees: only zero forms can come back.
        assert!(check_tally(&qs, Some(0), 0, &HashMap::new()).is_ok());
        assert!(check_tally(&qs, Some(0), 1, &HashMap::new()).is_err());
        assert!(check_tally(&qs, None, 1, &HashMap::new()).is_err());
    }
}
