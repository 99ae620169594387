//! The figures a council report needs and the awareness indicator (浸透度):
//! sessions held, 延べ参加者, 回収率, the share of each answer, per period and
//! per kind/theme, and the awareness share over fiscal half-years.
//!
//! Everything is counted over 実施済 sessions only. 回収率 is taken over the
//! sessions whose questionnaire tally was entered (a session where no forms
//! were handed out does not lower it); with no attendees it is `None`.
//! The arithmetic is the pure [`summarise`], loaded by [`figures`].

use chrono::{Months, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{check_kind_filter, iso, optional_id, select, validate, SessionKind, Status};
use crate::period::{Period, PeriodKind};
use crate::{wareki, Result};

/// One session as the arithmetic needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFacts {
    pub kind: SessionKind,
    pub status: Status,
    pub applicants: Option<i64>,
    pub attendees: Option<i64>,
    pub forms_returned: Option<i64>,
}

/// One count of one answer choice, in template order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerCount {
    pub question: String,
    pub awareness: bool,
    /// 0 for the first choice (the "aware" answer of the 浸透度 question).
    pub choice_position: i64,
    pub choice: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindFigures {
    pub kind: String,
    pub sessions: i64,
    pub participants: i64,
    pub forms_returned: i64,
    pub response_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChoiceShare {
    pub label: String,
    pub count: i64,
    /// Of the forms that answered this question; `None` when none did.
    pub share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionShares {
    pub text: String,
    pub awareness: bool,
    pub answered: i64,
    pub choices: Vec<ChoiceShare>,
}

/// Lecture figures of a period, for the screen and the yearly report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LectureFigures {
    pub from: String,
    pub to: String,
    /// 実施済 sessions.
    pub sessions_held: i64,
    pub sessions_cancelled: i64,
    /// 延べ参加者: attendees summed over held sessions.
    pub participants: i64,
    pub applicants: i64,
    pub forms_returned: i64,
    /// forms returned / attendees of the sessions with a tally.
    pub response_rate: Option<f64>,
    /// Every kind in [`SessionKind::ALL`] order, zero rows included.
    pub by_kind: Vec<KindFigures>,
    /// Answers grouped by question text (so unchanged questions add up
    /// across template versions), in template order.
    pub questions: Vec<QuestionShares>,
    /// Share of the aware answers of the 浸透度 question ([`AwarenessRule`]).
    pub awareness: Option<f64>,
    /// Which answers counted as aware, as the report prints it.
    pub awareness_rule: String,
}

/// The pure arithmetic behind [`figures`].
pub fn summarise(
    from: &str,
    to: &str,
    sessions: &[SessionFacts],
    answers: &[AnswerCount],
    rule: AwarenessRule,
) -> LectureFigures {
    let held: Vec<&SessionFacts> = sessions
        .iter()
        .filter(|s| s.status == Status::Held)
        .collect();
    let totals = |list: &[&SessionFacts]| {
        let participants: i64 = list.iter().filter_map(|s| s.attendees).sum();
        let with_forms: Vec<&&SessionFacts> =
            list.iter().filter(|s| s.forms_returned.is_some()).collect();
        let returned: i64 = with_forms.iter().filter_map(|s| s.forms_returned).sum();
        let attended: i64 = with_forms.iter().filter_map(|s| s.attendees).sum();
        (
            participants,
            returned,
            validate::response_rate(returned, attended),
        )
    };
    let (participants, forms_returned, response_rate) = totals(&held);
    let by_kind = SessionKind::ALL
        .iter()
        .map(|kind| {
            let of_kind: Vec<&SessionFacts> =
                held.iter().copied().filter(|s| s.kind == *kind).collect();
            let (participants, forms_returned, response_rate) = totals(&of_kind);
            KindFigures {
                kind: kind.as_str().to_string(),
                sessions: of_kind.len() as i64,
                participants,
                forms_returned,
                response_rate,
            }
        })
        .collect();
    let mut questions: Vec<QuestionShares> = Vec::new();
    for a in answers {
        let q = match questions.iter_mut().position(|q| q.text == a.question) {
            Some(i) => &mut questions[i],
            None => {
                questions.push(QuestionShares {
                    text: a.question.clone(),
                    awareness: a.awareness,
                    answered: 0,
                    choices: Vec::new(),
                });
                questions.last_mut().expect("just pushed")
            }
        };
        q.answered += a.count;
        match q.choices.iter_mut().find(|c| c.label == a.choice) {
            Some(c) => c.count += a.count,
            None => q.choices.push(ChoiceShare {
                label: a.choice.clone(),
                count: a.count,
                share: None,
            }),
        }
    }
    for q in &mut questions {
        for c in &mut q.choices {
            c.share = validate::share(c.count, q.answered);
        }
    }
    LectureFigures {
        from: from.to_string(),
        to: to.to_string(),
        sessions_held: held.len() as i64,
        sessions_cancelled: sessions
            .iter()
            .filter(|s| s.status == Status::Cancelled)
            .count() as i64,
        participants,
        applicants: held.iter().filter_map(|s| s.applicants).sum(),
        forms_returned,
        response_rate,
        by_kind,
        awareness: awareness_share(answers, rule),
        awareness_rule: rule.label().into(),
        questions,
    }
}

/// Which answers of the 浸透度 question count as aware: the office chooses
/// (for the whole office: it is in `report_settings`), and the report
/// prints the choice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwarenessRule {
    /// The first choice only (知っている).
    #[default]
    FirstChoice,
    /// The first two (知っている + 聞いたことはある).
    FirstTwo,
}

impl AwarenessRule {
    pub const ALL: [AwarenessRule; 2] = [AwarenessRule::FirstChoice, AwarenessRule::FirstTwo];
    const KEY: &'static str = "awareness_rule";

    fn code(self) -> &'static str {
        match self {
            AwarenessRule::FirstChoice => "first_choice",
            AwarenessRule::FirstTwo => "first_two",
        }
    }

    /// How the choice is named in 設定 and on the report.
    pub fn label(self) -> &'static str {
        match self {
            AwarenessRule::FirstChoice => "最初の選択肢（知っている）だけ",
            AwarenessRule::FirstTwo => "最初の2つの選択肢（知っている・聞いたことはある）",
        }
    }

    /// Whether the choice at `position` (0 = first) counts as aware.
    pub fn counts(self, position: i64) -> bool {
        match self {
            AwarenessRule::FirstChoice => position == 0,
            AwarenessRule::FirstTwo => position <= 1,
        }
    }

    /// The office's rule; the first choice until one is saved.
    pub fn load(conn: &Connection) -> Result<Self> {
        let stored: Option<String> = conn
            .query_row(
                "SELECT value FROM report_settings WHERE key = ?1",
                [Self::KEY],
                |r| r.get(0),
            )
            .optional()?;
        Ok(Self::ALL
            .into_iter()
            .find(|rule| stored.as_deref() == Some(rule.code()))
            .unwrap_or_default())
    }

    pub fn save(self, conn: &Connection) -> Result<()> {
        conn.execute(
            "INSERT INTO report_settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [Self::KEY, self.code()],
        )?;
        Ok(())
    }
}

/// aware / answered of the 浸透度 question under `rule`; `None` when
/// nobody answered it.
pub fn awareness_share(answers: &[AnswerCount], rule: AwarenessRule) -> Option<f64> {
    let of_question = answers.iter().filter(|a| a.awareness);
    let (aware, answered) = of_question.fold((0, 0), |(aware, all), a| {
        (
            aware
                + if rule.counts(a.choice_position) {
                    a.count
                } else {
                    0
                },
            all + a.count,
        )
    });
    validate::share(aware, answered)
}

struct Filter {
    kind: Option<SessionKind>,
    /// Every kind but this one.
    except: Option<SessionKind>,
    theme_id: Option<String>,
    /// Sessions held in this 市 only (the session's or its venue's 市).
    city_id: Option<String>,
}

fn load(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    f: &Filter,
) -> Result<(Vec<SessionFacts>, Vec<AnswerCount>)> {
    let (from, to) = (iso(from), iso(to));
    let sessions = select(
        conn,
        "SELECT kind, status, applicants, attendees, forms_returned FROM lecture_sessions
          WHERE session_date BETWEEN ?1 AND ?2
            AND (?3 IS NULL OR kind = ?3) AND (?4 IS NULL OR theme_id = ?4)
            AND (?5 IS NULL OR city_id = ?5) AND (?6 IS NULL OR kind <> ?6)",
        params![from, to, f.kind, f.theme_id, f.city_id, f.except],
        |r| {
            Ok(from_row!(r => SessionFacts { kind, status, applicants, attendees, forms_returned }))
        },
    )?;
    let answers = select(
        conn,
        "SELECT q.text, q.awareness, c.position, c.label, sum(t.count)
           FROM lecture_tallies t
           JOIN lecture_sessions s ON s.id = t.session_id
           JOIN questionnaire_choices c ON c.id = t.choice_id
           JOIN questionnaire_questions q ON q.id = c.question_id
           JOIN questionnaires v ON v.id = q.questionnaire_id
          WHERE s.status = ?5 AND s.session_date BETWEEN ?1 AND ?2
            AND (?3 IS NULL OR s.kind = ?3) AND (?4 IS NULL OR s.theme_id = ?4)
            AND (?6 IS NULL OR s.city_id = ?6) AND (?7 IS NULL OR s.kind <> ?7)
          GROUP BY q.text, q.awareness, c.position, c.label
          ORDER BY min(q.position), c.position, max(v.version) DESC",
        params![
            from,
            to,
            f.kind,
            f.theme_id,
            Status::Held,
            f.city_id,
            f.except
        ],
        |r| Ok(from_row!(r => AnswerCount { question, awareness, choice_position, choice, count })),
    )?;
    Ok((sessions, answers))
}

/// Lecture figures from `from` to `to` (inclusive) over all kinds and
/// themes: what the yearly report (事業報告) prints.
pub fn figures(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<LectureFigures> {
    figures_in(conn, from, to, None)
}

/// The same for the sessions held in one 市 (`city`), or in all when `None`.
pub fn figures_in(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    city: Option<&str>,
) -> Result<LectureFigures> {
    let all = Filter {
        kind: None,
        except: None,
        theme_id: None,
        city_id: city.map(str::to_string),
    };
    let (sessions, answers) = load(conn, from, to, &all)?;
    let rule = AwarenessRule::load(conn)?;
    Ok(summarise(&iso(from), &iso(to), &sessions, &answers, rule))
}

/// The figures of `kind` alone (`only`), or of every kind but it: the
/// yearly report counts 研修会 under カ and the other kinds under キ.
pub fn figures_split(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    city: Option<&str>,
    kind: SessionKind,
    only: bool,
) -> Result<LectureFigures> {
    let filter = Filter {
        kind: only.then_some(kind),
        except: (!only).then_some(kind),
        theme_id: None,
        city_id: city.map(str::to_string),
    };
    let (sessions, answers) = load(conn, from, to, &filter)?;
    let rule = AwarenessRule::load(conn)?;
    let mut figures = summarise(&iso(from), &iso(to), &sessions, &answers, rule);
    figures
        .by_kind
        .retain(|k| (k.kind == kind.as_str()) == only);
    Ok(figures)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorQuery {
    pub period: Period,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub theme_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeFigures {
    pub theme_id: String,
    pub number: i64,
    pub title: String,
    pub sessions: i64,
    pub participants: i64,
    pub forms_returned: i64,
    pub response_rate: Option<f64>,
    pub awareness: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPoint {
    /// 令和6年度上期
    pub label: String,
    pub from: String,
    pub to: String,
    pub sessions: i64,
    /// Answers to the 浸透度 question, and the share of its aware answers.
    pub answered: i64,
    pub share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    pub period_label: String,
    pub figures: LectureFigures,
    pub by_theme: Vec<ThemeFigures>,
    /// The question followed by the trend, from the current template.
    pub awareness_question: Option<String>,
    /// Fiscal half-years (上期 4–9月, 下期 10–3月) of the three fiscal years
    /// ending with the chosen one.
    pub trend: Vec<TrendPoint>,
}

/// The 指標 tab: figures of a period (optionally one kind or theme), a row
/// per theme, and the 浸透度 trend.
pub fn indicator(conn: &Connection, query: &IndicatorQuery) -> Result<Indicator> {
    let period = query.period.check()?;
    let filter = Filter {
        kind: check_kind_filter(&query.kind)?,
        except: None,
        theme_id: optional_id("theme_id", &query.theme_id)?,
        city_id: None,
    };
    let (from, to) = period.range();
    let (sessions, answers) = load(conn, from, to, &filter)?;
    let rule = AwarenessRule::load(conn)?;
    let figures = summarise(&iso(from), &iso(to), &sessions, &answers, rule);

    let themes: Vec<(String, i64, String)> = select(
        conn,
        "SELECT id, number, title FROM lecture_themes ORDER BY number",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let mut by_theme = Vec::new();
    for (id, number, title) in themes {
        if filter.theme_id.as_ref().is_some_and(|t| *t != id) {
            continue;
        }
        let (s, a) = load(
            conn,
            from,
            to,
            &Filter {
                kind: filter.kind,
                except: None,
                theme_id: Some(id.clone()),
                city_id: None,
            },
        )?;
        let f = summarise("", "", &s, &a, rule);
        if f.sessions_held == 0 {
            continue;
        }
        by_theme.push(ThemeFigures {
            theme_id: id,
            number,
            title,
            sessions: f.sessions_held,
            participants: f.participants,
            forms_returned: f.forms_returned,
            response_rate: f.response_rate,
            awareness: f.awareness,
        });
    }

    let last_year = match period.kind {
        PeriodKind::Fiscal => period.year,
        PeriodKind::Calendar => Period::fiscal_of(to).year,
    };
    let mut trend = Vec::new();
    for year in last_year - 2..=last_year {
        let (start, _) = Period {
            kind: PeriodKind::Fiscal,
            year,
        }
        .range();
        for (half, name) in [(0, "上期"), (6, "下期")] {
            let Some(first) = start.checked_add_months(Months::new(half)) else {
                continue;
            };
            let Some(last) = first
                .checked_add_months(Months::new(6))
                .and_then(|d| d.pred_opt())
            else {
                continue;
            };
            let (s, a) = load(conn, first, last, &filter)?;
            let held = s.iter().filter(|x| x.status == Status::Held).count() as i64;
            trend.push(TrendPoint {
                label: format!("{}{name}", wareki::fiscal_year_label(year)),
                from: iso(first),
                to: iso(last),
                sessions: held,
                answered: a.iter().filter(|x| x.awareness).map(|x| x.count).sum(),
                share: awareness_share(&a, rule),
            });
        }
    }
    let awareness_question = super::questionnaire::current(conn)?.and_then(|q| {
        q.questions
            .into_iter()
            .find(|q| q.awareness)
            .map(|q| q.text)
    });
    Ok(Indicator {
        period_label: period.label(),
        figures,
        by_theme,
        awareness_question,
        trend,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use SessionKind::{Outreach, PublicLecture, Training};

    const FIRST: AwarenessRule = AwarenessRule::FirstChoice;

    fn held(kind: SessionKind, attendees: Option<i64>, returned: Option<i64>) -> SessionFacts {
        SessionFacts {
            kind,
            status: Status::Held,
            applicants: attendees,
            attendees,
            forms_returned: returned,
        }
    }

    fn answer(q: &str, awareness: bool, pos: i64, choice: &str, count: i64) -> AnswerCount {
        AnswerCount {
            question: q.into(),
            awareness,
            choice_position: pos,
            choice: choice.into(),
            count,
        }
    }

    #[test]
    fn totals_count_held_sessions_only() {
        let planned = SessionFacts {
            status: Status::Planned,
            ..held(Outreach, None, None)
        };
        let cancelled = SessionFacts {
            status: Status::Cancelled,
            ..held(Outreach, None, None)
        };
        let sessions = [
            held(Outreach, Some(30), Some(27)),
            held(PublicLecture, Some(120), Some(90)),
            // Held without questionnaire: counts as participants, not in 回収率.
            held(Training, Some(50), None),
            planned,
            cancelled,
        ];
        let f = summarise("2025-04-01", "2026-03-31", &sessions, &[], FIRST);
        assert_eq!(f.sessions_held, 3);
        assert_eq!(f.sessions_cancelled, 1);
        assert_eq!(f.participants, 200);
        assert_eq!(f.forms_returned, 117);
        assert_eq!(f.response_rate, Some(117.0 / 150.0));
        let lecture = &f.by_kind[0];
        assert_eq!(
            (
                lecture.kind.as_str(),
                lecture.sessions,
                lecture.participants
            ),
            ("出前講座", 1, 30)
        );
        assert_eq!(lecture.response_rate, Some(0.9));
        let tour = f
            .by_kind
            .iter()
            .find(|k| k.kind == SessionKind::FacilityTour.as_str())
            .unwrap();
        assert_eq!((tour.sessions, tour.response_rate), (0, None));
    }

    #[test]
    fn zero_attendees_give_no_rate_and_no_nan() {
        let f = summarise("", "", &[held(Outreach, Some(0), Some(0))], &[], FIRST);
        assert_eq!(f.sessions_held, 1);
        assert_eq!(f.participants, 0);
        assert_eq!(f.response_rate, None);
        assert_eq!(f.awareness, None);
        let empty = summarise("", "", &[], &[], FIRST);
        assert_eq!((empty.sessions_held, empty.response_rate), (0, None));
        assert!(empty.questions.is_empty());
    }

    #[test]
    fn shares_per_question_and_awareness() {
        let answers = [
            answer("理解度", false, 0, "よく分かった", 12),
            answer("理解度", false, 1, "分かった", 6),
            answer("理解度", false, 2, "あまり分からなかった", 2),
            answer("地域包括ケア", true, 0, "知っていた", 5),
            answer("地域包括ケア", true, 1, "聞いたことはある", 5),
            answer("地域包括ケア", true, 2, "知らなかった", 10),
            // The same question from another template version adds up.
            answer("理解度", false, 0, "よく分かった", 0),
        ];
        let f = summarise(
            "",
            "",
            &[held(Outreach, Some(25), Some(20))],
            &answers,
            FIRST,
        );
        let q = &f.questions[0];
        assert_eq!((q.text.as_str(), q.answered), ("理解度", 20));
        assert_eq!(q.choices[0].share, Some(0.6));
        assert_eq!(q.choices[2].share, Some(0.1));
        assert_eq!(f.questions.len(), 2);
        assert_eq!(f.awareness, Some(0.25));
        let two = summarise("", "", &[], &answers, AwarenessRule::FirstTwo);
        assert_eq!(two.awareness, Some(0.5), "知っていた + 聞いたことはある");
        assert_eq!(two.awareness_rule, AwarenessRule::FirstTwo.label());
        let zero = [answer("地域包括ケア", true, 0, "知っていた", 0)];
        assert_eq!(awareness_share(&zero, FIRST), None);
    }
}
