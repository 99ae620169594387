//! Periods the screens and reports count over: a 年度 (April to March,
//! named by the year it starts in), a 暦年, or (reports) a range of whole
//! months. Each is checked into a [`Span`]: its days, its months and its name.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{wareki, Error, Result};

/// The longest month range a report covers.
const MAX_MONTHS: usize = 24;

/// Years a period may start in.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PeriodKind {
    /// 年度: April to March, named by the year it starts in.
    Fiscal,
    /// 暦年: January to December.
    Calendar,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub kind: PeriodKind,
    pub year: i32,
}

impl Period {
    pub fn fiscal(year: i32) -> Period {
        Period {
            kind: PeriodKind::Fiscal,
            year,
        }
    }

    pub fn calendar(year: i32) -> Period {
        Period {
            kind: PeriodKind::Calendar,
            year,
        }
    }

    /// The fiscal year that contains `day`.
    pub fn fiscal_of(day: NaiveDate) -> Period {
        let year = if day.month() >= 4 {
            day.year()
        } else {
            day.year() - 1
        };
        Period::fiscal(year)
    }

    pub fn check(self) -> Result<Period> {
        if !YEARS.contains(&self.year) {
            return Err(Error::invalid(
                "period_year",
                "年は2000年から2100年の間で指定してください。",
            ));
        }
        Ok(self)
    }

    fn first_month(self) -> NaiveDate {
        let month = match self.kind {
            PeriodKind::Fiscal => 4,
            PeriodKind::Calendar => 1,
        };
        NaiveDate::from_ymd_opt(self.year, month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// First and last day, inclusive.
    pub fn range(self) -> (NaiveDate, NaiveDate) {
        let first = self.first_month();
        (first, last_day(add_months(first, 11)))
    }

    /// The checked period as a span of its twelve months.
    pub fn span(self) -> Result<Span> {
        let period = self.check()?;
        let first = period.first_month();
        Span::new(first, add_months(first, 11), period.label())
    }

    /// 令和7年度 / 2025年（令和7年）
    pub fn label(self) -> String {
        match self.kind {
            PeriodKind::Fiscal => wareki::fiscal_year_label(self.year),
            PeriodKind::Calendar => {
                format!(
                    "{}年（{}）",
                    self.year,
                    wareki::era_year(self.first_month())
                )
            }
        }
    }
}

/// The days from `from` to `to` as typed in a list filter (令和 or ISO,
/// either blank for open-ended), checked that the end is not before the
/// start; the fields are `from` and `to`.
pub fn day_range(from: &str, to: &str) -> Result<(Option<NaiveDate>, Option<NaiveDate>)> {
    let first = wareki::parse_optional_date("from", from)?;
    let last = wareki::parse_optional_date("to", to)?;
    if let (Some(a), Some(b)) = (first, last) {
        if a > b {
            return Err(Error::invalid(
                "to",
                "期間の終わりが始まりより前になっています。",
            ));
        }
    }
    Ok((first, last))
}

/// A 年度 a screen offers, with its name: 令和7年度（2025年4月〜）.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearChoice {
    pub year: i32,
    pub label: String,
}

/// What the screens need to choose a period without knowing the calendar:
/// the current 年度, the month range it covers, and the 年度 a report can
/// be asked for (next year down to fifteen years back), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodOptions {
    /// The 年度 `today` falls in: the one a screen opens on.
    pub current_year: i32,
    /// Its first and last month (2025-04, 2026-03), for a month range.
    pub current_from: String,
    pub current_to: String,
    pub fiscal_years: Vec<YearChoice>,
}

/// The [`PeriodOptions`] on `today`.
pub fn options(today: NaiveDate) -> PeriodOptions {
    let current = Period::fiscal_of(today);
    let (first, last) = current.range();
    let newest = (current.year + 1).min(*YEARS.end());
    let oldest = (current.year - 15).max(*YEARS.start());
    PeriodOptions {
        current_year: current.year,
        current_from: first.format("%Y-%m").to_string(),
        current_to: last.format("%Y-%m").to_string(),
        fiscal_years: (oldest..=newest)
            .rev()
            .map(|year| YearChoice {
                year,
                label: format!("{}（{year}年4月〜）", wareki::fiscal_year_label(year)),
            })
            .collect(),
    }
}

/// What the 集計 screen or the command line asks a report for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum ReportPeriod {
    /// 年度: April of `year` to March of the next year.
    Fiscal { year: i32 },
    /// From the first day of `from` to the last day of `to` (both 2025-04).
    Months { from: String, to: String },
}

impl ReportPeriod {
    /// Checks the period; a bad year or an inverted or too long range is
    /// refused with a message naming the field.
    pub fn span(&self) -> Result<Span> {
        match self {
            ReportPeriod::Fiscal { year } => {
                if !YEARS.contains(year) {
                    return Err(Error::invalid(
                        "year",
                        "年度は2000年度から2100年度の間で指定してください。",
                    ));
                }
                Period::fiscal(*year).span()
            }
            ReportPeriod::Months { from, to } => {
                let first = typed_month("from", "開始月", from)?;
                let last = typed_month("to", "終了月", to)?;
                if last < first {
                    return Err(Error::invalid(
                        "to",
                        "終了月は開始月と同じか後の月にしてください。",
                    ));
                }
                let label = if first == last {
                    month_label(first)
                } else {
                    format!("{}〜{}", month_label(first), month_label(last))
                };
                Span::new(first, last, label)
            }
        }
    }
}

/// A checked period: first and last day (inclusive), the first day of each
/// of its months, and its name (令和7年度 / 令和7年4月〜令和7年9月).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub months: Vec<NaiveDate>,
    pub label: String,
}

impl Span {
    /// From the month of `first` to the month of `last_month`, both the
    /// first of their month; at most [`MAX_MONTHS`].
    fn new(first: NaiveDate, last_month: NaiveDate, label: String) -> Result<Span> {
        let months: Vec<NaiveDate> = (0..)
            .map(|i| add_months(first, i))
            .take_while(|m| *m <= last_month)
            .take(MAX_MONTHS + 1)
            .collect();
        if months.len() > MAX_MONTHS {
            return Err(Error::invalid(
                "to",
                format!("集計期間は{MAX_MONTHS}か月以内で指定してください。"),
            ));
        }
        Ok(Span {
            first,
            last: last_day(last_month),
            months,
            label,
        })
    }

    /// The position in [`Span::months`] of the month `day` falls in.
    pub fn month_index(&self, day: NaiveDate) -> Option<usize> {
        let n =
            (day.year() - self.first.year()) * 12 + day.month() as i32 - self.first.month() as i32;
        usize::try_from(n).ok().filter(|i| *i < self.months.len())
    }
}

/// 令和7年4月
pub fn month_label(month: NaiveDate) -> String {
    format!("{}{}月", wareki::era_year(month), month.month())
}

fn add_months(month: NaiveDate, n: u32) -> NaiveDate {
    month
        .checked_add_months(Months::new(n))
        .unwrap_or(NaiveDate::MAX)
}

/// The last day of the month that starts on `month`.
fn last_day(month: NaiveDate) -> NaiveDate {
    add_months(month, 1).pred_opt().unwrap_or(month)
}

/// A month typed by a person (2025-04, ２０２５／４, 令和7年4月), as its first day.
pub fn typed_month(field: &str, label: &str, text: &str) -> Result<NaiveDate> {
    let text = text.trim();
    let day = if text.ends_with('月') { "1日" } else { "-1" };
    let month = wareki::parse_date(field, &format!("{text}{day}")).map_err(|_| {
        Error::invalid(
            field,
            format!("{label}を「2025-04」の形で指定してください。"),
        )
    })?;
    if !YEARS.contains(&month.year()) {
        return Err(Error::invalid(
            field,
            format!("{label}は2000年から2100年の間で指定してください。"),
        ));
    }
    Ok(month)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::iso;

    fn months(from: &str, to: &str) -> ReportPeriod {
        ReportPeriod::Months {
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn years_run_april_to_march_or_january_to_december() -> Result<()> {
        for (period, first, last, label) in [
            (
                Period::fiscal(2025),
                "2025-04-01",
                "2026-03-31",
                "令和7年度",
            ),
            (
                Period::calendar(2019),
                "2019-01-01",
                "2019-12-31",
                "2019年（平成31年）",
            ),
        ] {
            let span = period.span()?;
            assert_eq!(
                (iso(span.first), iso(span.last)),
                (first.into(), last.into())
            );
            assert_eq!(period.range(), (span.first, span.last));
            assert_eq!(span.months.len(), 12);
            assert_eq!(span.label, label);
        }
        let r = ReportPeriod::Fiscal { year: 2025 }.span()?;
        assert_eq!(r, Period::fiscal(2025).span()?);
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert_eq!(r.month_index(day(3, 31)), Some(11));
        assert_eq!(r.month_index(day(4, 1)), None);
        Ok(())
    }

    #[test]
    fn the_options_open_on_the_year_of_today() -> Result<()> {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let march = options(day(2026, 3, 31));
        assert_eq!(march.current_year, 2025);
        assert_eq!(
            (march.current_from.as_str(), march.current_to.as_str()),
            ("2025-04", "2026-03")
        );
        let april = options(day(2026, 4, 1));
        assert_eq!(april.current_year, 2026);
        assert_eq!(april.current_from, "2026-04");
        let years: Vec<i32> = april.fiscal_years.iter().map(|y| y.year).collect();
        assert_eq!(years, (2011..=2027).rev().collect::<Vec<_>>());
        let label = |o: &PeriodOptions, year| {
            o.fiscal_years
                .iter()
                .find(|y| y.year == year)
                .map(|y| y.label.clone())
        };
        assert_eq!(
            label(&april, 2026).as_deref(),
            Some("令和8年度（2026年4月〜）")
        );
        // 令和 began on 1 May 2019: the 年度 of April 2019 is 令和元年度
        // (as the ministries write it), the one before 平成30年度.
        assert_eq!(
            label(&april, 2019).as_deref(),
            Some("令和元年度（2019年4月〜）")
        );
        assert_eq!(
            label(&april, 2018).as_deref(),
            Some("平成30年度（2018年4月〜）")
        );
        assert_eq!(Period::fiscal(2019).label(), "令和元年度");
        assert_eq!(
            label(&april, 2020).as_deref(),
            Some("令和2年度（2020年4月〜）")
        );
        // Every year offered is one a report accepts, and so is the
        // current month range.
        for o in [options(day(2005, 6, 1)), options(day(2100, 6, 1))] {
            for y in &o.fiscal_years {
                ReportPeriod::Fiscal { year: y.year }.span()?;
            }
            assert!(o.fiscal_years.iter().any(|y| y.year == o.current_year));
        }
        let range = months(&april.current_from, &april.current_to).span()?;
        assert_eq!(range.months, Period::fiscal(2026).span()?.months);
        assert_eq!(
            options(day(2005, 6, 1)).fiscal_years.last().unwrap().year,
            2000
        );
        assert_eq!(options(day(2100, 6, 1)).fiscal_years[0].year, 2100);
        Ok(())
    }

    #[test]
    fn month_ranges_are_checked_with_the_field_named() -> Result<()> {
        let r = months("２０２５－０４", "2025/09").span()?;
        assert_eq!(
            (iso(r.first), iso(r.last)),
            ("2025-04-01".into(), "2025-09-30".into())
        );
        assert_eq!(r.label, "令和7年4月〜令和7年9月");
        assert_eq!(months("令和7年5月", "2025-05").span()?.label, "令和7年5月");
        let inverted = months("2025-09", "2025-04").span().unwrap_err();
        assert_eq!(inverted.field(), Some("to"));
        assert!(inverted.to_string().contains("終了月"));
        for (from, to, field) in [
            ("abc", "2025-04", "from"),
            ("2025-13", "2025-04", "from"),
            ("2025-04-01", "2025-04", "from"),
            ("1999-04", "2025-04", "from"),
            ("2020-01", "2025-04", "to"),
        ] {
            let err = months(from, to).span().unwrap_err();
            assert_eq!(err.field(), Some(field), "{from}〜{to}: {err}");
        }
        let year = ReportPeriod::Fiscal { year: 1999 }.span().unwrap_err();
        assert_eq!(year.field(), Some("year"));
        assert_eq!(
            Period::fiscal(1999).span().unwrap_err().field(),
            Some("period_year")
        );
        Ok(())
    }
}
