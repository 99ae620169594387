//! The text of 私の意志表示帳 as the office prints it: a cover and sections,
//! each with its explanation and blank lines to write on by hand. Until the
//! office saves its own, the built-in template below is used.

use chrono::NaiveDateTime;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::{store, text, wareki, Error, Result};

const MAX_SECTIONS: usize = 20;
const MAX_BLANK_LINES: i64 = 40;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    pub title: String,
    pub subtitle: String,
    /// e.g. 第2版（令和元年12月）
    pub edition: String,
    /// A few sentences on the cover.
    pub cover_note: String,
    pub sections: Vec<Section>,
    /// 令和 date-time of the office's last save; `None` = built-in text.
    #[serde(default)]
    pub updated_label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Section {
    pub title: String,
    pub body: String,
    pub blank_lines: i64,
}

/// The stored template, or the built-in one if the office has not saved its
/// own yet.
pub fn load(conn: &Connection) -> Result<Template> {
    let cover = conn
        .query_row(
            "SELECT title, subtitle, edition, cover_note, updated_at FROM booklet_template WHERE id = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            },
        )
        .optional()?;
    let Some((title, subtitle, edition, cover_note, updated_at)) = cover else {
        return Ok(built_in());
    };
    let sections = conn
        .prepare(
            "SELECT title, body, blank_lines FROM booklet_template_sections ORDER BY position",
        )?
        .query_map([], |r| {
            Ok(Section {
                title: r.get(0)?,
                body: r.get(1)?,
                blank_lines: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let updated_label = Some(wareki::format_datetime(store::parse_stamp(&updated_at)?));
    Ok(Template {
        title,
        subtitle,
        edition,
        cover_note,
        sections,
        updated_label,
    })
}

/// Checks every field; messages name the field as the form does
/// (`sections.2.body`).
pub fn validate(input: &Template) -> Result<Template> {
    if input.sections.is_empty() {
        return Err(Error::invalid("sections", "項目を1つ以上入れてください。"));
    }
    if input.sections.len() > MAX_SECTIONS {
        return Err(Error::invalid(
            "sections",
            format!("項目は{MAX_SECTIONS}個までです。"),
        ));
    }
    let mut sections = Vec::with_capacity(input.sections.len());
    for (i, s) in input.sections.iter().enumerate() {
        if !(0..=MAX_BLANK_LINES).contains(&s.blank_lines) {
            return Err(Error::invalid(
                format!("sections.{i}.blankLines"),
                format!("記入欄の行数は0から{MAX_BLANK_LINES}までです。"),
            ));
        }
        sections.push(Section {
            title: text::single_line(
                &format!("sections.{i}.title"),
                "項目の見出し",
                &s.title,
                40,
                true,
            )?,
            body: text::multi_line(&format!("sections.{i}.body"), "項目の説明", &s.body, 800)?,
            blank_lines: s.blank_lines,
        });
    }
    Ok(Template {
        title: text::single_line("title", "表紙の題名", &input.title, 30, true)?,
        subtitle: text::single_line("subtitle", "副題", &input.subtitle, 40, false)?,
        edition: text::single_line("edition", "版", &input.edition, 40, false)?,
        cover_note: text::multi_line("coverNote", "表紙の文章", &input.cover_note, 300)?,
        sections,
        updated_label: None,
    })
}

/// Saves the cover and all sections in one transaction.
pub fn save(conn: &mut Connection, input: &Template, now: NaiveDateTime) -> Result<Template> {
    let t = validate(input)?;
    let now = crate::store::stamp(now);
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO booklet_template (id, title, subtitle, edition, cover_note, updated_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(id) DO UPDATE SET title = ?1, subtitle = ?2, edition = ?3,
             cover_note = ?4, updated_at = ?5",
        params![t.title, t.subtitle, t.edition, t.cover_note, now],
    )?;
    // Positions are the identity, so an unchanged section logs no change.
    for (position, s) in t.sections.iter().enumerate() {
        tx.execute(
            "INSERT INTO booklet_template_sections (position, title, body, blank_lines)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(position) DO UPDATE SET title = ?2, body = ?3, blank_lines = ?4
             WHERE title IS NOT ?2 OR body IS NOT ?3 OR blank_lines IS NOT ?4",
            params![position as i64, s.title, s.body, s.blank_lines],
        )?;
    }
    tx.execute(
        "DELETE FROM booklet_template_sections WHERE position >= ?1",
        [t.sections.len() as i64],
    )?;
    tx.commit()?;
    load(conn)
}

/// The built-in text, written for this project: plain, kind words that
/// leave room to write and never press for an answer.
pub fn built_in() -> Template {
    let section = |title: &str, body: &str, blank_lines: i64| Section {
        title: title.into(),
        body: body.into(),
        blank_lines,
    };
    Template {
        title: "私の意志表示帳".into(),
        subtitle: "これからのことを、大切な人と話すために".into(),
        edition: "第2版（令和元年12月）".into(),
        cover_note: "この手帳は、もしものときに、あなたの思いを家族や医療・介護の人に伝えるためのものです。書けるところから、書きたいときに書いてください。気持ちが変わったら、何度書き直してもかまいません。".into(),
        sections: vec![
            section(
                "この手帳について",
                "病気やけがで、自分の思いを伝えられなくなることは、だれにでも起こりえます。そのときに、まわりの人があなたの気持ちを想像できるよう、ふだん考えていることを書きとめておきましょう。\n書いたことは、あなたを縛るものではありません。書かない項目があってもかまいません。この手帳を書いたことを、家族や信頼できる人に伝えておいてください。",
                0,
            ),
            section(
                "わたしが大切にしていること",
                "好きなこと、続けたいこと、いやだと感じること、気がかりなことなど、あなたらしさを書いてください。（例：家で猫と過ごす時間、孫の成長を見守ること、痛みをがまんしないこと）",
                7,
            ),
            section(
                "過ごしたい場所",
                "これから先、療養が必要になったとき、どこで過ごしたいですか。自宅、施設、病院など、理由もあわせて書いておくと、まわりの人が考える助けになります。",
                6,
            ),
            section(
                "わたしの代わりに話してくれる人",
                "あなたが自分で決められないとき、あなたの思いをいちばんよく知っていて、医療・介護の人と話し合ってほしい人はだれですか。（お名前・続柄・連絡先）",
                6,
            ),
            section(
                "治療やケアについての希望",
                "食べられなくなったとき、呼吸が苦しくなったときなど、受けたい治療や受けたくない治療、してほしいケアについて、いまの考えを書いてください。わからないことは、主治医や訪問看護師、相談室にたずねてください。",
                8,
            ),
            section(
                "話し合った人",
                "この手帳の内容を、だれと話し合いましたか。話し合った日と、相手のお名前を書いておきましょう。",
                5,
            ),
        ],
        updated_label: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_template_passes_its_own_checks() {
        let t = built_in();
        assert_eq!(validate(&t).unwrap(), t);
    }

    #[test]
    fn too_many_blank_lines_are_refused_on_the_field() {
        let mut t = built_in();
        t.sections[1].blank_lines = 99;
        let err = validate(&t).unwrap_err();
        assert_eq!(err.field(), Some("sections.1.blankLines"));
    }
}
