//! Pure checks of what the session and tally forms send: numbers typed with
//! an IME, times, and the consistency of questionnaire tallies. No database
//! here, so the arithmetic is unit-tested directly.

use std::collections::HashMap;

use chrono::NaiveTime;

use super::clock;
use crate::text::Range;
use crate::{Error, Result};

/// What any count field accepts (a 公民館 hall, not a stadium).
pub const COUNT: Range = Range::new(0, 100_000);

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
    crate::wareki::parse_required_date(field, label, value)
}

/// 終了 must come after 開始.
pub fn check_times(start: NaiveTime, end: NaiveTime) -> Result<()> {
    if end <= start {
        return Err(Error::invalid(
            "end_time",
            format!(
                "終了時刻（{}）は開始時刻（{}）より後にしてください。",
                clock(end),
                clock(start)
            ),
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

    fn questions() -> [QuestionDef; 2] {
        let question = |id: &str, text: &str, choices: [&str; 2]| QuestionDef {
            id: id.into(),
            text: text.into(),
            choice_ids: choices.iter().map(|c| (*c).into()).collect(),
        };
        [
            question("q1", "理解度", ["a", "b"]),
            question("q2", "満足度", ["c", "d"]),
        ]
    }

    #[test]
    fn end_must_follow_start() {
        let hm = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert!(check_times(hm(10, 0), hm(11, 30)).is_ok());
        let e = check_times(hm(14, 0), hm(9, 5)).unwrap_err();
        assert_eq!(e.field(), Some("end_time"));
        assert!(e.to_string().contains("終了時刻（09:05）"), "{e}");
        assert!(check_times(hm(14, 0), hm(14, 0)).is_err());
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
        let table = [
            ((27, 30), Some(0.9)),
            ((0, 30), Some(0.0)),
            ((0, 0), None),
            ((5, -1), None),
        ];
        for ((returned, attended), want) in table {
            assert_eq!(
                response_rate(returned, attended),
                want,
                "{returned}/{attended}"
            );
        }
    }

    #[test]
    fn tallies_are_checked_against_forms_and_attendance() {
        // (attendees, forms returned, counts, the field refused and what its message says)
        type Case = (
            Option<i64>,
            i64,
            &'static [(&'static str, i64)],
            Option<(&'static str, &'static str)>,
        );
        let table: &[Case] = &[
            // q2 has two blank answers: fewer than returned is fine.
            (
                Some(20),
                15,
                &[("a", 10), ("b", 5), ("c", 7), ("d", 6)],
                None,
            ),
            (
                Some(20),
                15,
                &[("a", 10), ("b", 5), ("c", 9), ("d", 7)],
                Some(("question:q2", "「満足度」の回答数の合計（16）")),
            ),
            (
                Some(10),
                11,
                &[],
                Some(("forms_returned", "参加者数（10人）")),
            ),
            (Some(10), 5, &[("a", -1)], Some(("question:q1", "負の数"))),
            // Zero attendees: only zero forms can come back.
            (Some(0), 0, &[], None),
            (Some(0), 1, &[], Some(("forms_returned", "参加者数（0人）"))),
            (None, 1, &[], Some(("forms_returned", "先に開催の参加者数"))),
            (None, 0, &[], None),
        ];
        for (attendees, returned, counts, refused) in table {
            let counts = counts.iter().map(|(k, v)| ((*k).into(), *v)).collect();
            let got = check_tally(&questions(), *attendees, *returned, &counts);
            match (refused, got) {
                (None, Ok(())) => {}
                (Some((field, says)), Err(e)) => {
                    assert_eq!(e.field(), Some(*field), "{e}");
                    assert!(e.to_string().contains(says), "{e}");
                }
                (want, got) => {
                    panic!("{attendees:?} {returned} {counts:?}: want {want:?}, got {got:?}")
                }
            }
        }
    }
}
