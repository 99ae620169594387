//! Everything the 講座 screen needs besides the indicator, in one call.

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

use super::sessions::{past, upcoming, PastFilter, SessionRow};
use super::themes::{themes, Theme};
use super::venues::{venues, Venue};
use super::{iso, questionnaire, select, Questionnaire, SessionKind, Status};
use crate::period::Period;
use crate::registries::organisations;
use crate::store::parse_month;
use crate::{booklets, wareki, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearOption {
    pub year: i32,
    pub label: String,
}

/// The figures over the 実施済 list: sessions held (cancelled ones and
/// those not yet marked 実施済 are listed but not counted) and their
/// participants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PastTotals {
    pub held: usize,
    pub participants: i64,
}

/// Everything the 講座 screen needs besides the indicator, in one call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Screen {
    pub today: String,
    pub kinds: Vec<SessionKind>,
    pub statuses: Vec<Status>,
    pub themes: Vec<Theme>,
    pub venues: Vec<Venue>,
    pub organisations: Vec<Named>,
    pub cities: Vec<Named>,
    pub editions: Vec<Named>,
    pub questionnaire: Option<Questionnaire>,
    /// Fiscal years that have sessions, plus the current one, newest first.
    pub years: Vec<YearOption>,
    pub upcoming: Vec<SessionRow>,
    pub past: Vec<SessionRow>,
    pub past_totals: PastTotals,
}

pub fn screen(conn: &Connection, filter: &PastFilter, today: NaiveDate) -> Result<Screen> {
    // A fiscal year is made of whole months: one row per month is enough.
    let months: Vec<String> = select(
        conn,
        "SELECT DISTINCT substr(session_date, 1, 7) FROM lecture_sessions",
        [],
        |r| r.get(0),
    )?;
    let mut years = months
        .iter()
        .map(|month| Ok(Period::fiscal_of(parse_month(month)?).year))
        .collect::<Result<Vec<i32>>>()?;
    years.extend([Period::fiscal_of(today).year, filter.period.year]);
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let past = past(conn, filter, today)?;
    let held = past.iter().filter(|r| r.basics.status == Status::Held);
    let past_totals = PastTotals {
        held: held.clone().count(),
        participants: held.filter_map(|r| r.basics.attendees).sum(),
    };
    Ok(Screen {
        today: iso(today),
        kinds: SessionKind::ALL.to_vec(),
        statuses: Status::ALL.to_vec(),
        themes: themes(conn)?,
        venues: venues(conn)?,
        organisations: organisations::list(conn, false)?
            .into_iter()
            .map(|o| Named {
                id: o.id,
                name: o.name,
            })
            .collect(),
        cities: select(
            conn,
            "SELECT id, name FROM cities ORDER BY sort_order, name",
            [],
            |r| Ok(from_row!(r => Named { id, name })),
        )?,
        editions: booklets::editions(conn)?
            .into_iter()
            .map(|e| Named {
                name: format!("{}（在庫 {}冊）", e.label(), e.stock),
                id: e.id,
            })
            .collect(),
        questionnaire: questionnaire::current(conn)?,
        years: years
            .into_iter()
            .map(|year| YearOption {
                year,
                label: wareki::fiscal_year_label(year),
            })
            .collect(),
        upcoming: upcoming(conn, today)?,
        past,
        past_totals,
    })
}
