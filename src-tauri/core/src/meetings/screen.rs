//! The 会議・研修 screen in one call: a 年度's meetings grouped by kind with
//! counts, the open tasks of every meeting (overdue ones marked), the two
//! lists and the MCS figures; and the year's list as CSV.

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

use super::lists::{kinds, occupations};
use super::mcs::mcs_figures;
use super::record::{meetings_between, tasks, Meeting};
use super::{McsFigure, MeetingKind, Occupation, ITEMS};
use crate::csv::{self, Cell};
use crate::period::{self, Period, PeriodOptions};
use crate::store::parse_iso;
use crate::Result;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindCount {
    pub kind_id: String,
    pub name: String,
    pub item: String,
    pub meetings: i64,
    pub attendees: i64,
}

/// A meeting in the year's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingRow {
    pub id: String,
    pub kind_id: String,
    pub kind_name: String,
    pub item: String,
    pub title: String,
    pub meeting_date: String,
    pub date_label: String,
    pub time_label: String,
    pub venue: String,
    pub organiser_label: String,
    pub attendees: i64,
    pub open_tasks: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenTask {
    pub id: String,
    pub meeting_id: String,
    pub meeting_title: String,
    pub meeting_date_label: String,
    pub task: String,
    pub owner: String,
    pub due_on: Option<String>,
    pub due_label: String,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub letter: &'static str,
    pub title: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Screen {
    pub today: String,
    pub year: i32,
    /// 令和7年度
    pub year_label: String,
    pub periods: PeriodOptions,
    pub items: Vec<Item>,
    pub kinds: Vec<MeetingKind>,
    pub occupations: Vec<Occupation>,
    /// Kinds with meetings in the year, in list order.
    pub by_kind: Vec<KindCount>,
    pub meetings: Vec<MeetingRow>,
    /// Every meeting's open tasks (any year): overdue first, then by due
    /// date, those without one last.
    pub open_tasks: Vec<OpenTask>,
    pub mcs: Vec<McsFigure>,
}

fn row(m: &Meeting) -> MeetingRow {
    MeetingRow {
        id: m.id.clone(),
        kind_id: m.kind_id.clone(),
        kind_name: m.kind_name.clone(),
        item: m.item.clone(),
        title: m.title.clone(),
        meeting_date: m.meeting_date.clone(),
        date_label: m.date_label.clone(),
        time_label: m.time_label(),
        venue: m.venue.clone(),
        organiser_label: m.organiser_label.clone(),
        attendees: m.attendees,
        open_tasks: m.tasks.iter().filter(|t| !t.done).count() as i64,
    }
}

/// The meetings of the 年度 `year`.
fn of_year(conn: &Connection, year: i32) -> Result<Vec<Meeting>> {
    let (from, to) = Period::fiscal(year).check()?.range();
    meetings_between(conn, Some(from), Some(to))
}

pub fn screen(conn: &Connection, year: i32, today: NaiveDate) -> Result<Screen> {
    let period = Period::fiscal(year).check()?;
    let meetings = of_year(conn, year)?;
    let kinds = kinds(conn)?;
    let by_kind = kinds
        .iter()
        .filter_map(|k| {
            let of_kind: Vec<&Meeting> = meetings.iter().filter(|m| m.kind_id == k.id).collect();
            (!of_kind.is_empty()).then(|| KindCount {
                kind_id: k.id.clone(),
                name: k.name.clone(),
                item: k.item.clone(),
                meetings: of_kind.len() as i64,
                attendees: of_kind.iter().map(|m| m.attendees).sum(),
            })
        })
        .collect();
    Ok(Screen {
        today: crate::store::iso(today),
        year,
        year_label: period.label(),
        periods: period::options(today),
        items: ITEMS
            .iter()
            .map(|(letter, title)| Item { letter, title })
            .collect(),
        occupations: occupations(conn)?,
        by_kind,
        meetings: meetings.iter().map(row).collect(),
        open_tasks: open_tasks(conn, today)?,
        mcs: mcs_figures(conn)?,
        kinds,
    })
}

fn open_tasks(conn: &Connection, today: NaiveDate) -> Result<Vec<OpenTask>> {
    let meetings = meetings_between(conn, None, None)?;
    let mut open = Vec::new();
    for (meeting_id, t) in tasks(conn, true)? {
        let Some(m) = meetings.iter().find(|m| m.id == meeting_id) else {
            continue;
        };
        if let Some(d) = &t.due_on {
            parse_iso(d)?;
        }
        open.push(OpenTask {
            overdue: t.overdue(today),
            id: t.id,
            meeting_id,
            meeting_title: m.title.clone(),
            meeting_date_label: m.date_label.clone(),
            task: t.task,
            owner: t.owner,
            due_on: t.due_on,
            due_label: t.due_label,
        });
    }
    open.sort_by(|a, b| {
        (!a.overdue, a.due_on.is_none(), &a.due_on).cmp(&(
            !b.overdue,
            b.due_on.is_none(),
            &b.due_on,
        ))
    });
    Ok(open)
}

const COLUMNS: &[csv::Column<Meeting>] = &[
    ("開催日", |m| m.date_label.clone().into()),
    ("時間", |m| m.time_label().into()),
    ("事業項目", |m| m.item.clone().into()),
    ("種類", |m| m.kind_name.clone().into()),
    ("名称", |m| m.title.clone().into()),
    ("会場", |m| m.venue.clone().into()),
    ("主催", |m| m.organiser_label.clone().into()),
    ("参加者数", |m| Cell::Number(m.attendees)),
    ("職種別の参加者", |m| {
        m.attendance
            .iter()
            .map(|a| format!("{} {}人", a.name, a.attendees))
            .collect::<Vec<_>>()
            .join("、")
            .into()
    }),
    ("未了の宿題", |m| {
        Cell::Number(m.tasks.iter().filter(|t| !t.done).count() as i64)
    }),
];

/// The year's meetings as CSV (one row each).
pub fn meetings_csv(conn: &Connection, year: i32) -> Result<csv::Csv> {
    Ok(csv::from_columns(COLUMNS, &of_year(conn, year)?))
}

/// Writes the year's list as 会議・研修_令和7年度_<date-time>.csv into `dir`.
pub fn export_to_folder(
    conn: &Connection,
    year: i32,
    dir: &std::path::Path,
    now: chrono::NaiveDateTime,
) -> Result<std::path::PathBuf> {
    let csv = meetings_csv(conn, year)?;
    let stem = format!("会議・研修_{}", Period::fiscal(year).label());
    csv::write_to_folder(dir, &stem, now, &csv.bytes)
}
