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
fn typed_month(field: &str, label: &str, text: &str) -> Result<NaiveDate> {
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
