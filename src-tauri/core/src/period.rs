//! Periods the screens and reports count over: a 年度 (April to March,
//! named by the year it starts in) or a 暦年.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{wareki, Error, Result};

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
    /// The fiscal year that contains `day`.
    pub fn fiscal_of(day: NaiveDate) -> Period {
        let year = if day.month() >= 4 {
            day.year()
        } else {
            day.year() - 1
        };
        Period {
            kind: PeriodKind::Fiscal,
            year,
        }
    }

    pub fn check(self) -> Result<Period> {
        if !(2000..=2100).contains(&self.year) {
            return Err(Error::invalid(
                "period_year",
                "年は2000年から2100年の間で指定してください。",
            ));
        }
        Ok(self)
    }

    /// First and last day, inclusive.
    pub fn range(self) -> (NaiveDate, NaiveDate) {
        let (start, end) = match self.kind {
            PeriodKind::Fiscal => ((self.year, 4), (self.year + 1, 3)),
            PeriodKind::Calendar => ((self.year, 1), (self.year, 12)),
        };
        let first = NaiveDate::from_ymd_opt(start.0, start.1, 1).unwrap_or(NaiveDate::MIN);
        let last = NaiveDate::from_ymd_opt(end.0, end.1, 1)
            .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MAX);
        (first, last)
    }

    /// The twelve months as (year, month).
    pub fn months(self) -> Vec<(i32, u32)> {
        let (first, _) = self.range();
        (0..12)
            .filter_map(|i| first.checked_add_months(chrono::Months::new(i)))
            .map(|d| (d.year(), d.month()))
            .collect()
    }

    /// 令和7年度 / 2025年（令和7年）
    pub fn label(self) -> String {
        match self.kind {
            PeriodKind::Fiscal => wareki::fiscal_year_label(self.year),
            PeriodKind::Calendar => {
                let jan = NaiveDate::from_ymd_opt(self.year, 1, 1).unwrap_or(NaiveDate::MIN);
                format!("{}年（{}）", self.year, wareki::era_year(jan))
            }
        }
    }
}
