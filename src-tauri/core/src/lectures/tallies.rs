//! Questionnaire tallies of a held session, entered from the paper forms.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};

use super::sessions::{session, Session};
use super::{in_transaction, one, questionnaire, select, stamp, validate, Questionnaire, Status};
use crate::{text, Error, Result};

/// A tally of one answer choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChoiceCount {
    pub choice_id: String,
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionTally {
    pub question_id: String,
    pub text: String,
    pub awareness: bool,
    pub choices: Vec<ChoiceCount>,
    /// Forms that left this question blank.
    pub blank: i64,
}

/// The questions of the session's version (the current one when nothing was
/// entered yet) with the counts entered so far.
pub(super) fn tallies_of(
    conn: &Connection,
    session_id: &str,
    questionnaire_id: Option<&str>,
    returned: i64,
    versions: &mut HashMap<String, Questionnaire>,
) -> Result<(Option<Questionnaire>, Vec<QuestionTally>)> {
    let q = match questionnaire_id {
        Some(id) => match versions.get(id) {
            Some(q) => Some(q.clone()),
            None => {
                let q = questionnaire::get(conn, id)?;
                versions.insert(id.to_string(), q.clone());
                Some(q)
            }
        },
        None => questionnaire::current(conn)?,
    };
    let Some(q) = q else {
        return Ok((None, Vec::new()));
    };
    let counts: HashMap<String, i64> = select(
        conn,
        "SELECT choice_id, count FROM lecture_tallies WHERE session_id = ?1",
        [session_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?
    .into_iter()
    .collect();
    let tallies = q
        .questions
        .iter()
        .map(|question| {
            let choices: Vec<ChoiceCount> = question
                .choices
                .iter()
                .map(|c| ChoiceCount {
                    choice_id: c.id.clone(),
                    label: c.label.clone(),
                    count: counts.get(&c.id).copied().unwrap_or(0),
                })
                .collect();
            let answered: i64 = choices.iter().map(|c| c.count).sum();
            QuestionTally {
                question_id: question.id.clone(),
                text: question.text.clone(),
                awareness: question.awareness,
                blank: (returned - answered).max(0),
                choices,
            }
        })
        .collect();
    Ok((Some(q), tallies))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountInput {
    pub choice_id: String,
    pub count: String,
}

/// The tally form: forms returned, a count per choice, typed comments.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TallyInput {
    pub forms_returned: String,
    #[serde(default)]
    pub counts: Vec<CountInput>,
    #[serde(default)]
    pub comments: Vec<String>,
}

const MAX_COMMENTS: usize = 500;

/// Replaces the tallies of a held session in one transaction. Counts go on
/// the session's questionnaire version, or the current one the first time.
pub fn save_tally(
    conn: &mut Connection,
    session_id: &str,
    input: &TallyInput,
    now: NaiveDateTime,
) -> Result<Session> {
    in_transaction(conn, |tx| save_tally_in(tx, session_id, input, now))?;
    session(conn, session_id)
}

pub(crate) fn save_tally_in(
    tx: &Transaction,
    session_id: &str,
    input: &TallyInput,
    now: NaiveDateTime,
) -> Result<()> {
    let id = text::uuid("id", session_id)?;
    let sql = "SELECT status, attendees, questionnaire_id FROM lecture_sessions WHERE id = ?1";
    let (status, attendees, questionnaire_id): (Status, Option<i64>, Option<String>) =
        one(tx, sql, &id, "講座の開催", |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    if !status.takes_tally() {
        return Err(Error::invalid(
            "forms_returned",
            format!("アンケートの集計は「{}」の開催にだけ入力できます。先に開催の状態と参加者数を保存してください。", Status::Held),
        ));
    }
    let q = match questionnaire_id {
        Some(q) => questionnaire::get(tx, &q)?,
        None => questionnaire::current(tx)?.ok_or_else(|| {
            Error::Conflict(
                "アンケートの様式がありません。先に「アンケート様式」で作成してください。".into(),
            )
        })?,
    };
    let returned = text::count(
        "forms_returned",
        "回収数",
        &input.forms_returned,
        validate::COUNT,
    )?
    .unwrap_or(0);
    let defs: Vec<validate::QuestionDef> = q
        .questions
        .iter()
        .map(|question| validate::QuestionDef {
            id: question.id.clone(),
            text: question.text.clone(),
            choice_ids: question.choices.iter().map(|c| c.id.clone()).collect(),
        })
        .collect();
    let mut counts: HashMap<String, i64> = HashMap::new();
    for c in &input.counts {
        let Some(def) = defs.iter().find(|d| d.choice_ids.contains(&c.choice_id)) else {
            return Err(Error::invalid(
                "forms_returned",
                "アンケートの様式が変わりました。画面を開き直してください。",
            ));
        };
        let n = text::count(
            &format!("question:{}", def.id),
            &format!("「{}」の回答数", def.text),
            &c.count,
            validate::COUNT,
        )?
        .unwrap_or(0);
        counts.insert(c.choice_id.clone(), n);
    }
    validate::check_tally(&defs, attendees, returned, &counts)?;
    if input.comments.len() > MAX_COMMENTS {
        return Err(Error::invalid(
            "comments",
            format!("自由意見は{MAX_COMMENTS}件までです。"),
        ));
    }
    let mut comments = Vec::new();
    for c in &input.comments {
        let c = text::multi_line("comments", "自由意見", c, 1000)?;
        if !c.is_empty() {
            comments.push(c);
        }
    }
    tx.execute("DELETE FROM lecture_tallies WHERE session_id = ?1", [&id])?;
    tx.execute("DELETE FROM lecture_comments WHERE session_id = ?1", [&id])?;
    for (choice, n) in counts.iter().filter(|(_, n)| **n > 0) {
        tx.execute(
            "INSERT INTO lecture_tallies (session_id, choice_id, count) VALUES (?1, ?2, ?3)",
            params![id, choice, n],
        )?;
    }
    for (i, c) in comments.iter().enumerate() {
        tx.execute(
            "INSERT INTO lecture_comments (id, session_id, position, text) VALUES (?1, ?2, ?3, ?4)",
            params![text::new_id(), id, i as i64, c],
        )?;
    }
    tx.execute(
        "UPDATE lecture_sessions SET questionnaire_id = ?2, forms_returned = ?3, updated_at = ?4
          WHERE id = ?1",
        params![id, q.id, returned, stamp(now)],
    )?;
    Ok(())
}
