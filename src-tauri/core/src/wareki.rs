//! 和暦 (Japanese era) dates: 令和7年4月1日, 元年 for year 1, weekday in kanji.
//! chrono has no eras and the small crates found were unmaintained, so this
//! is a local table. Dates are stored as ISO; this is for display and input.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};

use crate::{text, Error, Result};

struct Era {
    name: &'static str,
    /// Latin initial accepted on input (R7.4.1).
    initial: char,
    start: (i32, u32, u32),
}

const fn era(name: &'static str, initial: char, start: (i32, u32, u32)) -> Era {
    Era {
        name,
        initial,
        start,
    }
}

/// Newest first. 明治 is counted from 1873, when Japan adopted the Gregorian
/// calendar; earlier dates are shown in 西暦.
const ERAS: &[Era] = &[
    era("令和", 'R', (2019, 5, 1)),
    era("平成", 'H', (1989, 1, 8)),
    era("昭和", 'S', (1926, 12, 25)),
    era("大正", 'T', (1912, 7, 30)),
    era("明治", 'M', (1868, 1, 25)),
];

fn era_start(era: &Era) -> NaiveDate {
    let (y, m, d) = era.start;
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn era_of(date: NaiveDate) -> Option<&'static Era> {
    if date.year() < 1873 {
        return None;
    }
    ERAS.iter().find(|era| date >= era_start(era))
}

/// 令和7年4月1日 (or 西暦 before 1873).
pub fn format_date(date: NaiveDate) -> String {
    format!("{}{}月{}日", era_year(date), date.month(), date.day())
}

/// 令和7年11月24日（月）
pub fn format_date_with_weekday(date: NaiveDate) -> String {
    format!("{}（{}）", format_date(date), weekday_kanji(date.weekday()))
}

/// 令和7年11月24日（月）14:05
pub fn format_datetime(at: NaiveDateTime) -> String {
    format!(
        "{} {}",
        format_date_with_weekday(at.date()),
        at.format("%H:%M")
    )
}

/// 令和7年 / 令和元年 / 1850年
pub fn era_year(date: NaiveDate) -> String {
    match era_of(date) {
        Some(era) => {
            let n = date.year() - era.start.0 + 1;
            if n == 1 {
                format!("{}元年", era.name)
            } else {
                format!("{}{}年", era.name, n)
            }
        }
        None => format!("{}年", date.year()),
    }
}

/// 令和7年度 for the fiscal year that starts in April of `year`. A 年度
/// takes the era in force at the end of its first calendar year, as the
/// ministries write it: the 年度 of April 2019 is 令和元年度 (令和 began on
/// 1 May 2019), the one before 平成30年度. This is the one home of 年度
/// labels; screens, CSV and PDF all show it.
pub fn fiscal_year_label(year: i32) -> String {
    let december = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MIN);
    format!("{}度", era_year(december))
}

pub fn weekday_kanji(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "月",
        Weekday::Tue => "火",
        Weekday::Wed => "水",
        Weekday::Thu => "木",
        Weekday::Fri => "金",
        Weekday::Sat => "土",
        Weekday::Sun => "日",
    }
}

/// A date that may be left empty: `None` when blank, else [`parse_date`].
pub fn parse_optional_date(field: &str, input: &str) -> Result<Option<NaiveDate>> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    parse_date(field, input).map(Some)
}

/// A date that must be given: blank is refused naming `label`.
pub fn parse_required_date(field: &str, label: &str, input: &str) -> Result<NaiveDate> {
    parse_optional_date(field, input)?.ok_or_else(|| text::missing(field, label))
}

/// Reads a date typed by a person: 令和7年4月1日, 令和元年5月1日, R7.4.1,
/// H31/4/30, S10-3-5, 2025-04-01, 2025/4/1 (full-width digits too). A year
/// past the end of its era (平成32年) is refused.
pub fn parse_date(field: &str, input: &str) -> Result<NaiveDate> {
    let bad = || {
        Error::invalid(
            field,
            format!(
                "日付「{}」を読み取れません。令和7年4月1日 や 2025-04-01 の形で入力してください。",
                input.trim()
            ),
        )
    };
    let s: String = text::fold_number_text(input).split_whitespace().collect();
    let s = s
        .replace("元年", "1年")
        .replace("元.", "1.")
        .replace("元/", "1/");
    let (era, rest) = split_era(&s);
    let numbers: Vec<&str> = rest
        .trim_end_matches('日')
        .split(['年', '月', '.', '/', '-'])
        .collect();
    let [y, m, d] = numbers[..] else {
        return Err(bad());
    };
    let parse = |t: &str| {
        t.parse::<u32>()
            .ok()
            .filter(|_| !t.is_empty() && t.len() <= 4)
    };
    let (Some(y), Some(m), Some(d)) = (parse(y), parse(m), parse(d)) else {
        return Err(bad());
    };
    let year = match era {
        Some(era) => era.start.0 + y as i32 - 1,
        None if y >= 1000 => y as i32,
        None => return Err(bad()),
    };
    let date = NaiveDate::from_ymd_opt(year, m, d).ok_or_else(bad)?;
    if let Some(era) = era {
        // 平成31年5月1日 does not exist: it is 令和元年5月1日.
        if y == 0 || era_of(date).map(|e| e.name) != Some(era.name) {
            return Err(Error::invalid(
                field,
                format!(
                    "{}{}年{}月{}日 という日付はありません（{}）。",
                    era.name,
                    y,
                    m,
                    d,
                    format_date(date)
                ),
            ));
        }
    }
    Ok(date)
}

fn split_era(s: &str) -> (Option<&'static Era>, &str) {
    for era in ERAS {
        if let Some(rest) = s.strip_prefix(era.name) {
            return (Some(era), rest);
        }
        let mut chars = s.chars();
        if chars.next().map(|c| c.to_ascii_uppercase()) == Some(era.initial) {
            return (Some(era), chars.as_str());
        }
    }
    (None, s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn era_boundaries() {
        assert_eq!(format_date(d(2019, 4, 30)), "平成31年4月30日");
        assert_eq!(format_date(d(2019, 5, 1)), "令和元年5月1日");
        assert_eq!(format_date(d(2025, 4, 1)), "令和7年4月1日");
        assert_eq!(format_date(d(1989, 1, 7)), "昭和64年1月7日");
        assert_eq!(format_date(d(1989, 1, 8)), "平成元年1月8日");
        assert_eq!(format_date(d(1926, 12, 25)), "昭和元年12月25日");
        assert_eq!(format_date(d(1926, 12, 24)), "大正15年12月24日");
        assert_eq!(format_date(d(1912, 7, 30)), "大正元年7月30日");
        assert_eq!(format_date(d(1900, 1, 1)), "明治33年1月1日");
    }

    #[test]
    fn weekday_and_fiscal_year() {
        assert_eq!(
            format_date_with_weekday(d(2025, 11, 24)),
            "令和7年11月24日（月）"
        );
        assert_eq!(fiscal_year_label(2025), "令和7年度");
        let at = d(2025, 11, 24).and_hms_opt(14, 5, 0).unwrap();
        assert_eq!(format_datetime(at), "令和7年11月24日（月） 14:05");
        assert_eq!(fiscal_year_label(2019), "令和元年度");
        assert_eq!(fiscal_year_label(2018), "平成30年度");
        assert_eq!(fiscal_year_label(2020), "令和2年度");
        assert_eq!(fiscal_year_label(1989), "平成元年度");
        assert_eq!(fiscal_year_label(1988), "昭和63年度");
    }

    #[test]
    fn parses_what_people_type() {
        let cases = [
            ("令和7年4月1日", d(2025, 4, 1)),
            ("令和元年5月1日", d(2019, 5, 1)),
            ("R7.4.1", d(2025, 4, 1)),
            ("ｒ７．４．１", d(2025, 4, 1)),
            ("H31/4/30", d(2019, 4, 30)),
            ("昭和10年3月5日", d(1935, 3, 5)),
            ("2025-04-01", d(2025, 4, 1)),
            ("２０２５/４/１", d(2025, 4, 1)),
            (" 令和 7年 4月 1日 ", d(2025, 4, 1)),
        ];
        for (input, want) in cases {
            assert_eq!(parse_date("date", input).unwrap(), want, "{input}");
        }
    }

    #[test]
    fn refuses_impossible_dates() {
        for input in [
            "平成32年1月1日",
            "令和元年4月30日",
            "令和7年2月30日",
            "7/4/1",
            "きのう",
            "",
            "令和0年1月1日",
        ] {
            let err = parse_date("date", input).unwrap_err();
            assert_eq!(err.field(), Some("date"), "{input}");
        }
    }

    #[test]
    fn round_trips_every_day_over_a_century() {
        let mut day = d(1927, 1, 1);
        while day < d(2031, 1, 1) {
            assert_eq!(parse_date("d", &format_date(day)).unwrap(), day);
            day = day.succ_opt().unwrap();
        }
    }
}
