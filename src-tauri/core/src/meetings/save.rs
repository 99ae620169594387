//! The meeting form: checking what it sends and saving a meeting with its
//! attendance and tasks in one transaction; deleting one.

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rusqlite::{named_params, params, Connection, OptionalExtension, Transaction};
use serde::Deserialize;

use super::record::meeting;
use super::{Meeting, TRAINING_ITEM};
use crate::lectures::{self, id_to_save, in_transaction, SessionInput, SessionKind, Status};
use crate::store::{clock, iso, stamp};
use crate::text::{self, Range};
use crate::{wareki, Error, Result};

/// What one organisation or 職種 row may count.
const ATTENDEES: Range = Range::new(0, 9999);
const MAX_ROWS: usize = 100;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrganisationInput {
    pub name: String,
    /// As typed (全角 digits allowed).
    pub attendees: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AttendanceInput {
    pub occupation_id: String,
    /// As typed; blank is none.
    pub attendees: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TaskInput {
    /// The task's id when it was saved before.
    pub id: Option<String>,
    pub task: String,
    pub owner: String,
    /// 令和 or ISO; blank for none.
    pub due_on: String,
    pub done: bool,
}

/// What the meeting form sends; dates, times and numbers as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MeetingInput {
    pub id: Option<String>,
    pub kind_id: String,
    pub title: String,
    pub meeting_date: String,
    pub start_time: String,
    pub end_time: String,
    pub venue: String,
    /// 主催: the office (当室) or the organiser named in `organiser`.
    pub organised_by_office: bool,
    pub organiser: String,
    pub agenda: String,
    pub decisions: String,
    pub minutes: String,
    pub organisations: Vec<OrganisationInput>,
    pub attendance: Vec<AttendanceInput>,
    pub tasks: Vec<TaskInput>,
    /// A training whose questionnaire tallies are entered (item カ only).
    pub questionnaire: bool,
}

struct CleanTask {
    id: Option<String>,
    task: String,
    owner: String,
    due_on: Option<NaiveDate>,
    done: bool,
}

struct Clean {
    kind_id: String,
    title: String,
    date: NaiveDate,
    start: NaiveTime,
    end: NaiveTime,
    venue: String,
    organiser: String,
    agenda: String,
    decisions: String,
    minutes: String,
    organisations: Vec<(String, i64)>,
    attendance: Vec<(String, i64)>,
    tasks: Vec<CleanTask>,
}

impl Clean {
    /// 参加者数 as the record shows it: by 職種, else by organisation.
    fn attendees(&self) -> i64 {
        if self.attendance.is_empty() {
            self.organisations.iter().map(|(_, n)| n).sum()
        } else {
            self.attendance.iter().map(|(_, n)| n).sum()
        }
    }
}

fn too_many(field: &str, label: &str) -> Error {
    Error::invalid(field, format!("{label}は{MAX_ROWS}行までです。"))
}

/// The kind: known, and not retired unless the meeting already had it.
fn check_kind(conn: &Connection, input: &MeetingInput, id: &str) -> Result<(String, String)> {
    if input.kind_id.trim().is_empty() {
        return Err(Error::invalid("kind_id", "種類を選んでください。"));
    }
    let kind_id = text::uuid("kind_id", input.kind_id.trim())?;
    let Some((item, retired)): Option<(String, bool)> = conn
        .query_row(
            "SELECT item, retired FROM meeting_kinds WHERE id = ?1",
            [&kind_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
    else {
        return Err(Error::invalid(
            "kind_id",
            "選ばれた種類が一覧にありません。画面を開き直してください。",
        ));
    };
    let had_it: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM meetings WHERE id = ?1 AND kind_id = ?2)",
        params![id, kind_id],
        |r| r.get(0),
    )?;
    if retired && !had_it {
        return Err(Error::invalid(
            "kind_id",
            "この種類は「使用しない」になっています。別の種類を選んでください。",
        ));
    }
    Ok((kind_id, item))
}

fn check_organisations(input: &[OrganisationInput]) -> Result<Vec<(String, i64)>> {
    if input.len() > MAX_ROWS {
        return Err(too_many("organisations", "機関別の参加者"));
    }
    let mut names = HashSet::new();
    let mut rows = Vec::new();
    for (i, o) in input.iter().enumerate() {
        if o.name.trim().is_empty() && o.attendees.trim().is_empty() {
            continue;
        }
        let name_field = format!("organisations.{i}.name");
        let name = text::single_line(&name_field, "機関名", &o.name, 80, true)?;
        if !names.insert(name.clone()) {
            return Err(Error::invalid(
                name_field,
                format!("「{name}」が二度入力されています。"),
            ));
        }
        let count_field = format!("organisations.{i}.attendees");
        let n = text::required_count(&count_field, "人数", &o.attendees, ATTENDEES)?;
        rows.push((name, n));
    }
    Ok(rows)
}

fn check_attendance(conn: &Connection, input: &[AttendanceInput]) -> Result<Vec<(String, i64)>> {
    if input.len() > MAX_ROWS {
        return Err(too_many("attendance", "職種別の参加者"));
    }
    let mut seen = HashSet::new();
    let mut rows = Vec::new();
    for (i, a) in input.iter().enumerate() {
        let field = format!("attendance.{i}");
        let id = text::uuid(&field, a.occupation_id.trim())?;
        let name: Option<String> = conn
            .query_row(
                "SELECT name FROM meeting_occupations WHERE id = ?1",
                [&id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(name) = name else {
            return Err(Error::invalid(
                field,
                "選ばれた職種が一覧にありません。画面を開き直してください。",
            ));
        };
        if !seen.insert(id.clone()) {
            return Err(Error::invalid(
                field,
                format!("職種「{name}」が二度入力されています。"),
            ));
        }
        let label = format!("{name}の人数");
        if let Some(n) = text::count(&field, &label, &a.attendees, ATTENDEES)?.filter(|n| *n > 0) {
            rows.push((id, n));
        }
    }
    Ok(rows)
}

fn check_tasks(input: &[TaskInput], meeting_date: NaiveDate) -> Result<Vec<CleanTask>> {
    if input.len() > MAX_ROWS {
        return Err(too_many("tasks", "宿題"));
    }
    let mut tasks = Vec::new();
    for (i, t) in input.iter().enumerate() {
        if t.task.trim().is_empty() && t.owner.trim().is_empty() && t.due_on.trim().is_empty() {
            continue;
        }
        let task = text::single_line(&format!("tasks.{i}.task"), "宿題", &t.task, 200, true)?;
        let owner = text::single_line(&format!("tasks.{i}.owner"), "担当", &t.owner, 40, false)?;
        let due_field = format!("tasks.{i}.due_on");
        let due_on = wareki::parse_optional_date(&due_field, &t.due_on)?;
        if due_on.is_some_and(|d| d < meeting_date) {
            return Err(Error::invalid(
                due_field,
                format!(
                    "期限が開催日（{}）より前になっています。",
                    wareki::format_date(meeting_date)
                ),
            ));
        }
        let id = match t.id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(id) => Some(text::uuid(&format!("tasks.{i}.id"), id)?),
            None => None,
        };
        tasks.push(CleanTask {
            id,
            task,
            owner,
            due_on,
            done: t.done,
        });
    }
    Ok(tasks)
}

fn validate(conn: &Connection, input: &MeetingInput, id: &str, today: NaiveDate) -> Result<Clean> {
    let (kind_id, item) = check_kind(conn, input, id)?;
    let title = text::single_line("title", "名称", &input.title, 100, true)?;
    let date = wareki::parse_required_date("meeting_date", "開催日", &input.meeting_date)?;
    let start = text::time_of_day("start_time", "開始時刻", &input.start_time)?;
    let end = text::time_of_day("end_time", "終了時刻", &input.end_time)?;
    crate::lectures::validate::check_times(start, end)?;
    let venue = text::single_line("venue", "会場", &input.venue, 80, false)?;
    let organiser = if input.organised_by_office {
        String::new()
    } else {
        text::single_line("organiser", "主催者", &input.organiser, 80, true)?
    };
    let organisations = check_organisations(&input.organisations)?;
    let attendance = check_attendance(conn, &input.attendance)?;
    if date > today && !(organisations.is_empty() && attendance.is_empty()) {
        let field = if attendance.is_empty() {
            "organisations"
        } else {
            "attendance"
        };
        return Err(Error::invalid(
            field,
            "参加者数は開催の後に入力してください（開催日がまだ来ていません）。",
        ));
    }
    if input.questionnaire && item != TRAINING_ITEM {
        return Err(Error::invalid(
            "questionnaire",
            "アンケートの集計は「カ 医療・介護関係者の研修」の種類にだけ付けられます。",
        ));
    }
    Ok(Clean {
        kind_id,
        title,
        date,
        start,
        end,
        venue,
        organiser,
        agenda: text::multi_line("agenda", "議題", &input.agenda, 4000)?,
        decisions: text::multi_line("decisions", "決定事項", &input.decisions, 4000)?,
        minutes: text::multi_line("minutes", "議事録", &input.minutes, 20000)?,
        organisations,
        attendance,
        tasks: check_tasks(&input.tasks, date)?,
    })
}

/// Creates or updates a meeting with its attendance and tasks, and the
/// 講座の開催 that keeps a training's questionnaire, in one transaction.
pub fn save_meeting(
    conn: &mut Connection,
    input: &MeetingInput,
    now: NaiveDateTime,
) -> Result<Meeting> {
    let id = in_transaction(conn, |tx| {
        let id = id_to_save(tx, "meetings", input.id.as_deref(), "会議・研修")?;
        let c = validate(tx, input, &id, now.date())?;
        let session = questionnaire_session(tx, &id, &c, input.questionnaire, now)?;
        write(tx, &id, &c, session.as_deref(), now)?;
        Ok(id)
    })?;
    meeting(conn, &id)
}

fn write(
    tx: &Transaction,
    id: &str,
    c: &Clean,
    session: Option<&str>,
    now: NaiveDateTime,
) -> Result<()> {
    tx.execute(
        &lectures::upsert_sql(
            "meetings",
            "kind_id, title, meeting_date, start_time, end_time, venue, organiser, agenda,
             decisions, minutes, lecture_session_id",
        ),
        named_params! {
            ":id": id, ":kind_id": c.kind_id, ":title": c.title, ":meeting_date": iso(c.date),
            ":start_time": clock(c.start), ":end_time": clock(c.end), ":venue": c.venue,
            ":organiser": c.organiser, ":agenda": c.agenda, ":decisions": c.decisions,
            ":minutes": c.minutes, ":lecture_session_id": session, ":at": stamp(now),
        },
    )?;
    tx.execute(
        "DELETE FROM meeting_organisations WHERE meeting_id = ?1",
        [id],
    )?;
    for (position, (name, n)) in c.organisations.iter().enumerate() {
        tx.execute(
            "INSERT INTO meeting_organisations (meeting_id, position, name, attendees)
             VALUES (?1, ?2, ?3, ?4)",
            params![id, position as i64, name, n],
        )?;
    }
    tx.execute("DELETE FROM meeting_attendance WHERE meeting_id = ?1", [id])?;
    for (occupation, n) in &c.attendance {
        tx.execute(
            "INSERT INTO meeting_attendance (meeting_id, occupation_id, attendees) VALUES (?1, ?2, ?3)",
            params![id, occupation, n],
        )?;
    }
    write_tasks(tx, id, &c.tasks)
}

/// Keeps the ids of tasks saved before (so their history reads as edits)
/// and removes the tasks the form no longer has.
fn write_tasks(tx: &Transaction, meeting_id: &str, tasks: &[CleanTask]) -> Result<()> {
    let existing: Vec<String> = lectures::select(
        tx,
        "SELECT id FROM meeting_tasks WHERE meeting_id = ?1",
        [meeting_id],
        |r| r.get(0),
    )?;
    let kept: Vec<&str> = tasks.iter().filter_map(|t| t.id.as_deref()).collect();
    for gone in existing.iter().filter(|id| !kept.contains(&id.as_str())) {
        tx.execute("DELETE FROM meeting_tasks WHERE id = ?1", [gone])?;
    }
    for (position, t) in tasks.iter().enumerate() {
        let id = match &t.id {
            Some(id) if existing.contains(id) => id.clone(),
            Some(_) => return Err(Error::NotFound { what: "宿題" }),
            None => text::new_id(),
        };
        tx.execute(
            "INSERT INTO meeting_tasks (id, meeting_id, position, task, owner, due_on, done)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT(id) DO UPDATE SET position = excluded.position, task = excluded.task,
                owner = excluded.owner, due_on = excluded.due_on, done = excluded.done",
            params![
                id,
                meeting_id,
                position as i64,
                t.task,
                t.owner,
                t.due_on.map(iso),
                t.done
            ],
        )?;
    }
    Ok(())
}

/// The 講座の開催 (研修会) of a training with a questionnaire, made or kept
/// in step with the meeting (title, date, times, 参加者数); `None` without
/// one. A questionnaire already tallied cannot be taken off.
fn questionnaire_session(
    tx: &Transaction,
    meeting_id: &str,
    c: &Clean,
    wanted: bool,
    now: NaiveDateTime,
) -> Result<Option<String>> {
    let linked: Option<(String, Option<i64>)> = tx
        .query_row(
            "SELECT s.id, s.forms_returned FROM meetings m
               JOIN lecture_sessions s ON s.id = m.lecture_session_id WHERE m.id = ?1",
            [meeting_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let returned = linked.as_ref().and_then(|(_, n)| *n).unwrap_or(0);
    if !wanted {
        if let Some((session, _)) = &linked {
            if returned > 0 || handed_out(tx, session)? {
                return Err(Error::invalid(
                    "questionnaire",
                    format!("アンケートが{returned}枚集計済み（または意志表示帳の配布を記録済み）のため、アンケートの集計を外せません。"),
                ));
            }
            // Nothing was recorded on it: the session goes with the link.
            tx.execute(
                "UPDATE meetings SET lecture_session_id = NULL WHERE id = ?1",
                [meeting_id],
            )?;
            tx.execute("DELETE FROM lecture_sessions WHERE id = ?1", [session])?;
        }
        return Ok(None);
    }
    let held = c.date <= now.date();
    let attendees = c.attendees();
    if returned > 0 && (!held || attendees < returned) {
        return Err(Error::invalid(
            "attendance",
            format!("アンケートが{returned}枚回収済みです。参加者数を{returned}人以上にし、開催日は今日までの日付にしてください。"),
        ));
    }
    let input = SessionInput {
        id: linked.map(|(id, _)| id),
        kind: SessionKind::Training.as_str().into(),
        title: c.title.clone(),
        session_date: iso(c.date),
        start_time: clock(c.start),
        end_time: clock(c.end),
        attendees: if held && attendees > 0 {
            attendees.to_string()
        } else {
            String::new()
        },
        status: if held { Status::Held } else { Status::Planned }
            .as_str()
            .into(),
        notes: "会議・研修の記録から作成（内容は「会議・研修」で編集します）。".into(),
        ..SessionInput::default()
    };
    lectures::save_session_in(tx, &input, now)
        .map(Some)
        .map_err(|e| match e {
            Error::Invalid { message, .. } => Error::invalid("questionnaire", message),
            other => other,
        })
}

fn handed_out(tx: &Transaction, session: &str) -> Result<bool> {
    Ok(tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM booklet_entries WHERE lecture_session_id = ?1)",
        [session],
        |r| r.get(0),
    )?)
}

/// Deletes a meeting with its attendance and tasks. A 講座の開催 that
/// keeps its questionnaire stays in 講座・チラシ when something was
/// recorded on it, and goes with the meeting otherwise.
pub fn delete_meeting(conn: &mut Connection, id: &str) -> Result<()> {
    let id = text::uuid("id", id)?;
    in_transaction(conn, |tx| {
        let session: Option<Option<String>> = tx
            .query_row(
                "SELECT lecture_session_id FROM meetings WHERE id = ?1",
                [&id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(session) = session else {
            return Err(Error::NotFound {
                what: "会議・研修"
            });
        };
        tx.execute("DELETE FROM meetings WHERE id = ?1", [&id])?;
        if let Some(session) = session {
            let returned: Option<i64> = tx.query_row(
                "SELECT forms_returned FROM lecture_sessions WHERE id = ?1",
                [&session],
                |r| r.get(0),
            )?;
            if returned.is_none() && !handed_out(tx, &session)? {
                tx.execute("DELETE FROM lecture_sessions WHERE id = ?1", [&session])?;
            }
        }
        Ok(())
    })
}
