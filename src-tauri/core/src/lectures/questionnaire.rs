//! The post-lecture questionnaire template, kept as versions. A version
//! that some session already has answers for is never changed: saving an
//! edit then creates the next version, so past tallies keep the questions
//! they were counted under. An unused version is edited in place.

use chrono::NaiveDateTime;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::{in_transaction, one, select, stamp};
use crate::{text, Error, Result};

const MAX_QUESTIONS: usize = 20;
const MAX_CHOICES: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    pub id: String,
    pub text: String,
    /// The 浸透度 question: its first choice (e.g. 知っていた) is the share
    /// followed over time.
    pub awareness: bool,
    pub choices: Vec<Choice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Questionnaire {
    pub id: String,
    pub name: String,
    pub version: i64,
    pub superseded: bool,
    /// Sessions that have answers counted under this version.
    pub sessions_with_answers: i64,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionInput {
    pub text: String,
    #[serde(default)]
    pub awareness: bool,
    pub choices: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionnaireInput {
    pub name: String,
    pub questions: Vec<QuestionInput>,
}

/// The version new tallies are entered on, if a template exists.
pub fn current(conn: &Connection) -> Result<Option<Questionnaire>> {
    let id: Option<String> = conn
        .query_row(
            "SELECT id FROM questionnaires WHERE superseded_at IS NULL
              ORDER BY version DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    id.map(|id| get(conn, &id)).transpose()
}

pub fn get(conn: &Connection, id: &str) -> Result<Questionnaire> {
    let sql = "SELECT name, version, superseded_at IS NOT NULL,
                      (SELECT count(*) FROM lecture_sessions s WHERE s.questionnaire_id = q.id)
                 FROM questionnaires q WHERE id = ?1";
    let mut questionnaire = one(conn, sql, id, "アンケートの様式", |r| {
        Ok(
            from_row!(r => Questionnaire { name, version, superseded, sessions_with_answers;
            id: id.to_string(), questions: Vec::new() }),
        )
    })?;
    questionnaire.questions = select(
        conn,
        "SELECT id, text, awareness FROM questionnaire_questions
          WHERE questionnaire_id = ?1 ORDER BY position",
        [id],
        |r| Ok(from_row!(r => Question { id, text, awareness; choices: Vec::new() })),
    )?;
    for q in &mut questionnaire.questions {
        q.choices = select(
            conn,
            "SELECT id, label FROM questionnaire_choices WHERE question_id = ?1 ORDER BY position",
            [&q.id],
            |r| Ok(from_row!(r => Choice { id, label })),
        )?;
    }
    Ok(questionnaire)
}

/// Checks a template form: 1–20 questions, each with 2–10 distinct choices,
/// at most one 浸透度 question.
pub fn validate(input: &QuestionnaireInput) -> Result<QuestionnaireInput> {
    let name = text::single_line("name", "様式の名前", &input.name, 60, true)?;
    if !(1..=MAX_QUESTIONS).contains(&input.questions.len()) {
        return Err(Error::invalid(
            "questions",
            format!("質問は1つから{MAX_QUESTIONS}個まで入れてください。"),
        ));
    }
    if input.questions.iter().filter(|q| q.awareness).count() > 1 {
        return Err(Error::invalid(
            "questions",
            "浸透度の質問に選べるのは1つだけです。",
        ));
    }
    let mut questions = Vec::with_capacity(input.questions.len());
    for (i, q) in input.questions.iter().enumerate() {
        let field = format!("question_{i}");
        let text = text::single_line(&field, &format!("質問{}", i + 1), &q.text, 100, true)?;
        if questions.iter().any(|p: &QuestionInput| p.text == text) {
            return Err(Error::invalid(
                field,
                format!("質問「{text}」が2回あります。"),
            ));
        }
        let mut choices: Vec<String> = Vec::new();
        for c in &q.choices {
            let c = text::single_line(&field, "選択肢", c, 40, false)?;
            if c.is_empty() {
                continue;
            }
            if choices.contains(&c) {
                return Err(Error::invalid(
                    field,
                    format!("「{text}」の選択肢「{c}」が2回あります。"),
                ));
            }
            choices.push(c);
        }
        if !(2..=MAX_CHOICES).contains(&choices.len()) {
            return Err(Error::invalid(
                field,
                format!("「{text}」の選択肢は2つから{MAX_CHOICES}個の間にしてください。"),
            ));
        }
        questions.push(QuestionInput {
            text,
            awareness: q.awareness,
            choices,
        });
    }
    Ok(QuestionnaireInput { name, questions })
}

/// Saves the template: edits the current version in place while no session
/// has answers on it, otherwise writes the next version and retires the
/// current one. Returns the version now current.
pub fn save(
    conn: &mut Connection,
    input: &QuestionnaireInput,
    now: NaiveDateTime,
) -> Result<Questionnaire> {
    let id = in_transaction(conn, |tx| save_in(tx, &validate(input)?, now))?;
    get(conn, &id)
}

pub(crate) fn save_in(
    tx: &Transaction,
    clean: &QuestionnaireInput,
    now: NaiveDateTime,
) -> Result<String> {
    let current: Option<(String, i64, i64)> = tx
        .query_row(
            "SELECT id, version,
                    (SELECT count(*) FROM lecture_sessions s WHERE s.questionnaire_id = q.id)
               FROM questionnaires q WHERE superseded_at IS NULL
              ORDER BY version DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let at = stamp(now);
    let id = match current {
        Some((id, _, 0)) => {
            tx.execute(
                "DELETE FROM questionnaire_questions WHERE questionnaire_id = ?1",
                [&id],
            )?;
            tx.execute(
                "UPDATE questionnaires SET name = ?2 WHERE id = ?1",
                params![id, clean.name],
            )?;
            id
        }
        Some((old, version, _)) => {
            tx.execute(
                "UPDATE questionnaires SET superseded_at = ?2 WHERE id = ?1",
                params![old, at],
            )?;
            insert_version(tx, &clean.name, version + 1, &at)?
        }
        None => insert_version(tx, &clean.name, 1, &at)?,
    };
    for (qi, q) in clean.questions.iter().enumerate() {
        let qid = text::new_id();
        tx.execute(
            "INSERT INTO questionnaire_questions (id, questionnaire_id, position, text, awareness)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![qid, id, qi as i64, q.text, q.awareness],
        )?;
        for (ci, label) in q.choices.iter().enumerate() {
            tx.execute(
                "INSERT INTO questionnaire_choices (id, question_id, position, label)
                 VALUES (?1, ?2, ?3, ?4)",
                params![text::new_id(), qid, ci as i64, label],
            )?;
        }
    }
    Ok(id)
}

fn insert_version(tx: &Transaction, name: &str, version: i64, at: &str) -> Result<String> {
    let id = text::new_id();
    tx.execute(
        "INSERT INTO questionnaires (id, name, version, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![id, name, version, at],
    )?;
    Ok(id)
}

/// The template the demo and a new office start from.
pub fn default_input() -> QuestionnaireInput {
    let q = |text: &str, awareness: bool, choices: &[&str]| QuestionInput {
        text: text.into(),
        awareness,
        choices: choices.iter().map(|c| (*c).into()).collect(),
    };
    QuestionnaireInput {
        name: "講座アンケート".into(),
        questions: vec![
            q(
                "理解度",
                false,
                &[
                    "よく分かった",
                    "分かった",
                    "あまり分からなかった",
                    "分からなかった",
                ],
            ),
            q("満足度", false, &["満足", "やや満足", "やや不満", "不満"]),
            q(
                "「地域包括ケアシステム」を知っていたか",
                true,
                &["知っていた", "聞いたことはある", "知らなかった"],
            ),
            q("「かかりつけ医」がいるか", false, &["いる", "いない"]),
            q(
                "ACP（人生会議）について家族と話したいか",
                false,
                &["話したい", "いずれ話したい", "話したくない", "分からない"],
            ),
        ],
    }
}
