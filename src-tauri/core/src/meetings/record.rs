//! Reading meetings back: one with everything (form, 議事録), or those of
//! a period with their attendance (screen, report); and ticking a task.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::Serialize;

use super::{OWN_OFFICE, TRAINING_ITEM};
use crate::lectures::{one, select};
use crate::store::{iso, parse_clock, parse_iso};
use crate::{text, wareki, Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganisationCount {
    pub name: String,
    pub attendees: i64,
}

/// 職種別の参加者数 of one 職種.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attendance {
    pub occupation_id: String,
    pub name: String,
    pub attendees: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    pub id: String,
    pub meeting_id: String,
    pub task: String,
    pub owner: String,
    pub due_on: Option<String>,
    /// 令和7年7月31日, or empty.
    pub due_label: String,
    pub done: bool,
}

impl Task {
    /// Not done and past its due date on `today`.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        !self.done
            && self
                .due_on
                .as_deref()
                .is_some_and(|d| d < iso(today).as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meeting {
    pub id: String,
    pub kind_id: String,
    pub kind_name: String,
    /// The item (ア〜ク) of its kind.
    pub item: String,
    /// A training (item カ): may keep questionnaire tallies.
    pub training: bool,
    pub title: String,
    pub meeting_date: String,
    /// 令和7年6月12日（木）
    pub date_label: String,
    pub start_time: String,
    pub end_time: String,
    pub venue: String,
    /// Empty when the office organises it.
    pub organiser: String,
    /// 当室 or the organiser's name.
    pub organiser_label: String,
    pub agenda: String,
    pub decisions: String,
    pub minutes: String,
    pub organisations: Vec<OrganisationCount>,
    /// Only 職種 with attendees, in list order.
    pub attendance: Vec<Attendance>,
    /// 参加者数: by 職種, or by organisation when no 職種 was entered.
    pub attendees: i64,
    pub tasks: Vec<Task>,
    /// The 講座の開催 (研修会) that keeps the questionnaire tallies.
    pub lecture_session_id: Option<String>,
    pub updated_at: String,
}

impl Meeting {
    /// 14:00〜15:30
    pub fn time_label(&self) -> String {
        format!("{}〜{}", self.start_time, self.end_time)
    }
}

/// The meetings from `from` to `to` (both inclusive; `None` for all), in
/// date order, each with its attendance and tasks.
pub fn meetings_between(
    conn: &Connection,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<Meeting>> {
    load(conn, from.map(iso), to.map(iso), None)
}

/// One meeting with everything.
pub fn meeting(conn: &Connection, id: &str) -> Result<Meeting> {
    let id = text::uuid("id", id)?;
    load(conn, None, None, Some(id))?
        .pop()
        .ok_or(Error::NotFound {
            what: "会議・研修"
        })
}

fn load(
    conn: &Connection,
    from: Option<String>,
    to: Option<String>,
    id: Option<String>,
) -> Result<Vec<Meeting>> {
    let mut meetings = select(
        conn,
        "SELECT m.id, m.kind_id, k.name, k.item, m.title, m.meeting_date, m.start_time,
                m.end_time, m.venue, m.organiser, m.agenda, m.decisions, m.minutes,
                m.lecture_session_id, m.updated_at
           FROM meetings m JOIN meeting_kinds k ON k.id = m.kind_id
          WHERE (?1 IS NULL OR m.meeting_date >= ?1) AND (?2 IS NULL OR m.meeting_date <= ?2)
            AND (?3 IS NULL OR m.id = ?3)
          ORDER BY m.meeting_date, m.start_time, m.title",
        params![from, to, id],
        |r| {
            let item: String = r.get(3)?;
            let organiser: String = r.get(9)?;
            Ok(Meeting {
                id: r.get(0)?,
                kind_id: r.get(1)?,
                kind_name: r.get(2)?,
                training: item == TRAINING_ITEM,
                item,
                title: r.get(4)?,
                meeting_date: r.get(5)?,
                date_label: String::new(),
                start_time: r.get(6)?,
                end_time: r.get(7)?,
                venue: r.get(8)?,
                organiser_label: if organiser.is_empty() {
                    OWN_OFFICE.to_string()
                } else {
                    organiser.clone()
                },
                organiser,
                agenda: r.get(10)?,
                decisions: r.get(11)?,
                minutes: r.get(12)?,
                organisations: Vec::new(),
                attendance: Vec::new(),
                attendees: 0,
                tasks: Vec::new(),
                lecture_session_id: r.get(13)?,
                updated_at: r.get(14)?,
            })
        },
    )?;
    if meetings.is_empty() {
        return Ok(meetings);
    }
    let mut organisations = by_meeting(select(
        conn,
        "SELECT meeting_id, name, attendees FROM meeting_organisations ORDER BY meeting_id, position",
        [],
        |r| {
            Ok((
                r.get(0)?,
                OrganisationCount {
                    name: r.get(1)?,
                    attendees: r.get(2)?,
                },
            ))
        },
    )?);
    let mut attendance = by_meeting(select(
        conn,
        "SELECT a.meeting_id, a.occupation_id, o.name, a.attendees
           FROM meeting_attendance a JOIN meeting_occupations o ON o.id = a.occupation_id
          ORDER BY a.meeting_id, o.sort_order, o.name",
        [],
        |r| {
            Ok((
                r.get(0)?,
                Attendance {
                    occupation_id: r.get(1)?,
                    name: r.get(2)?,
                    attendees: r.get(3)?,
                },
            ))
        },
    )?);
    let mut tasks = by_meeting(tasks(conn, false)?);
    for m in &mut meetings {
        m.date_label = wareki::format_date_with_weekday(parse_iso(&m.meeting_date)?);
        // Stored times are checked on reading, as every stored value is.
        parse_clock(&m.start_time)?;
        parse_clock(&m.end_time)?;
        m.organisations = organisations.remove(&m.id).unwrap_or_default();
        m.attendance = attendance.remove(&m.id).unwrap_or_default();
        m.tasks = tasks.remove(&m.id).unwrap_or_default();
        let by_occupation: i64 = m.attendance.iter().map(|a| a.attendees).sum();
        m.attendees = if m.attendance.is_empty() {
            m.organisations.iter().map(|o| o.attendees).sum()
        } else {
            by_occupation
        };
    }
    Ok(meetings)
}

fn by_meeting<T>(rows: Vec<(String, T)>) -> HashMap<String, Vec<T>> {
    let mut map: HashMap<String, Vec<T>> = HashMap::new();
    for (meeting, row) in rows {
        map.entry(meeting).or_default().push(row);
    }
    map
}

/// Tasks with their meeting id: all, or only those not done.
pub(super) fn tasks(conn: &Connection, open_only: bool) -> Result<Vec<(String, Task)>> {
    let rows = select(
        conn,
        "SELECT id, meeting_id, task, owner, due_on, done FROM meeting_tasks
          WHERE (?1 IS NULL OR done = 0)
          ORDER BY meeting_id, position",
        [open_only.then_some(1)],
        |r| {
            Ok(Task {
                id: r.get(0)?,
                meeting_id: r.get(1)?,
                task: r.get(2)?,
                owner: r.get(3)?,
                due_on: r.get(4)?,
                due_label: String::new(),
                done: r.get(5)?,
            })
        },
    )?;
    rows.into_iter()
        .map(|mut t| {
            if let Some(d) = &t.due_on {
                t.due_label = wareki::format_date(parse_iso(d)?);
            }
            Ok((t.meeting_id.clone(), t))
        })
        .collect()
}

/// Ticks a task done (or open again) from the list of open tasks.
pub fn set_task_done(conn: &Connection, task_id: &str, done: bool) -> Result<Task> {
    let id = text::uuid("taskId", task_id)?;
    let n = conn.execute(
        "UPDATE meeting_tasks SET done = ?2 WHERE id = ?1",
        params![id, done],
    )?;
    if n == 0 {
        return Err(Error::NotFound { what: "宿題" });
    }
    let meeting_id: String = one(
        conn,
        "SELECT meeting_id FROM meeting_tasks WHERE id = ?1",
        &id,
        "宿題",
        |r| r.get(0),
    )?;
    tasks(conn, false)?
        .into_iter()
        .map(|(_, t)| t)
        .find(|t| t.id == id && t.meeting_id == meeting_id)
        .ok_or(Error::NotFound { what: "宿題" })
}
