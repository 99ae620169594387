//! Japanese substring search over cases.
//!
//! Text is *folded* the same way for the index and for the query: NFKC
//! (half-width ｶﾅ → カナ, Ａ１ → A1), カタカナ → ひらがな, lower case, and
//! whitespace removed (so 「山田 花子」 is found by 「山田花子」).
//!
//! Two contentless FTS5 tables hold the folded text of each case (names,
//! 所属, free texts and the notes of its 経過記録), keyed by `cases.sort_key`:
//! - `case_search_tri` (trigram tokenizer) answers queries of 3+ characters
//!   as a phrase of trigrams;
//! - `case_search_chr` holds the same text with one token per character
//!   (spaced out, `ascii` tokenizer: every non-ASCII character is a token)
//!   and answers 1–2 character queries as a one- or two-token phrase. The
//!   trigram tokenizer cannot do these (prefix queries are not supported
//!   with it), and a `LIKE '%x%'` would scan every case; a bigram/unigram
//!   side table of our own would need one row per distinct gram per case,
//!   while FTS5 stores the same postings compressed and streams them in
//!   rowid order.
//!
//! Because the rowid is the sort key (受付日時 first), both indexes return
//! matches newest first and a page stops after `limit` rows.

use rusqlite::{params_from_iter, types::Value, Connection};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::{store, text, Error, Result};

/// Joins fields in the index so a match never spans two of them. A private
/// use character, removed from user text by [`fold`].
pub(crate) const SEPARATOR: char = '\u{E000}';

/// The folding applied to both the index and the query.
pub fn fold(s: &str) -> String {
    s.nfkc()
        .filter(|c| !c.is_whitespace() && !c.is_control() && !is_private_use(*c))
        .map(katakana_to_hiragana)
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_private_use(c: char) -> bool {
    matches!(c, '\u{E000}'..='\u{F8FF}')
}

fn katakana_to_hiragana(c: char) -> char {
    match c {
        // ァ..ヶ and ヽヾ have their ひらがな exactly 0x60 below.
        '\u{30A1}'..='\u{30F6}' | '\u{30FD}' | '\u{30FE}' => {
            char::from_u32(c as u32 - 0x60).unwrap_or(c)
        }
        _ => c,
    }
}

/// The folded text of one case as stored in the trigram index.
pub(crate) fn index_text<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for field in fields {
        let folded = fold(field);
        if folded.is_empty() {
            continue;
        }
        out.push_str(&folded);
        out.push(SEPARATOR);
    }
    out
}

/// The same text with one token per character, for 1–2 character queries.
fn spaced(folded: &str) -> String {
    let mut out = String::with_capacity(folded.len() * 2);
    for c in folded.chars() {
        out.push(c);
        out.push(' ');
    }
    out
}

/// Writes (or replaces) the index rows of one case.
pub(crate) fn index_case(
    conn: &Connection,
    old_key: Option<i64>,
    key: i64,
    folded: &str,
) -> Result<()> {
    if let Some(old) = old_key {
        unindex_case(conn, old)?;
    }
    conn.prepare_cached("INSERT INTO case_search_tri (rowid, body) VALUES (?1, ?2)")?
        .execute(rusqlite::params![key, folded])?;
    conn.prepare_cached("INSERT INTO case_search_chr (rowid, body) VALUES (?1, ?2)")?
        .execute(rusqlite::params![key, spaced(folded)])?;
    Ok(())
}

pub(crate) fn unindex_case(conn: &Connection, key: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM case_search_tri WHERE rowid = ?1")?
        .execute([key])?;
    conn.prepare_cached("DELETE FROM case_search_chr WHERE rowid = ?1")?
        .execute([key])?;
    Ok(())
}

/// Merges the index segments into one (after a bulk load such as demo
/// data; day-to-day writes are merged incrementally by FTS5 itself).
pub fn optimize(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "INSERT INTO case_search_tri (case_search_tri) VALUES ('optimize');
         INSERT INTO case_search_chr (case_search_chr) VALUES ('optimize');",
    )?;
    Ok(())
}

/// Which FTS table and MATCH expression answer a folded query, or None for
/// an empty query.
fn match_expr(query: &str) -> Option<(&'static str, String)> {
    let folded = fold(query);
    let n = folded.chars().count();
    if n == 0 {
        return None;
    }
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    if n >= 3 {
        Some(("case_search_tri", quote(&folded)))
    } else {
        // The ascii tokenizer drops ASCII punctuation and spaces on both
        // sides, so a query of only those matches like an empty one would:
        // everything. Treat it as "no such text" instead.
        if !folded
            .chars()
            .any(|c| !c.is_ascii() || c.is_ascii_alphanumeric())
        {
            return Some(("case_search_chr", "\"\u{E001}\"".into()));
        }
        Some(("case_search_chr", quote(&spaced(&folded))))
    }
}

/// Filters of the case list. Ids are list item / city ids; dates accept
/// 令和 or ISO forms.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaseFilter {
    pub query: String,
    pub from: String,
    pub to: String,
    pub status: String,
    pub category_id: String,
    pub consulter_type_id: String,
    pub city_id: String,
    pub staff_id: String,
    pub offset: u32,
    pub limit: Option<u32>,
}

/// One row of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseRow {
    pub id: String,
    pub case_no: i64,
    pub received_at: String,
    pub received_label: String,
    /// The person's name, or 対象者なし for an enquiry without a patient.
    pub person_name: String,
    pub no_person: bool,
    pub person_kana: String,
    pub city: String,
    pub consulter_type: String,
    pub consulter_affiliation: String,
    pub status: String,
    pub staff: String,
    pub categories: String,
    pub content_head: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CasePage {
    pub rows: Vec<CaseRow>,
    pub offset: u32,
    /// Matching cases, counted up to [`COUNT_CAP`].
    pub total: u32,
    /// True when there are more than [`COUNT_CAP`] matches.
    pub total_capped: bool,
    pub has_more: bool,
}

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;
pub const COUNT_CAP: u32 = 1000;
const MAX_QUERY_CHARS: usize = 100;

/// The sort key of a 受付日時: minutes since 2000-01-01 in the high bits,
/// the case number in the low 24, so it is unique and orders by time.
pub(crate) fn sort_key(received: chrono::NaiveDateTime, case_no: i64) -> i64 {
    let base = chrono::NaiveDate::from_ymd_opt(2000, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default();
    let minutes = (received - base).num_minutes();
    (minutes << 24) | (case_no & 0xFF_FFFF)
}

struct Plan {
    sql_from_where: String,
    /// The same matches counted without the joins the page needs, when
    /// no condition uses them.
    count_from_where: String,
    order: String,
    params: Vec<Value>,
}

fn plan(conn: &Connection, filter: &CaseFilter) -> Result<Plan> {
    use super::lists::ListKind;
    let query = text::single_line("query", "検索語", &filter.query, MAX_QUERY_CHARS, false)
        .map_err(|_| Error::invalid("query", "検索語は100文字以内の1行で入力してください。"))?;
    let item = |field: &str, value: &str, kind: ListKind| -> Result<Option<String>> {
        if value.is_empty() {
            return Ok(None);
        }
        let id = text::uuid(field, value)?;
        super::lists::item_name(conn, kind, &id, field)?;
        Ok(Some(id))
    };
    let category = item("category_id", &filter.category_id, ListKind::Category)?;
    let mut params: Vec<Value> = Vec::new();
    // Conditions on the driving table only (match, sort key range), and
    // those that need the case or person rows.
    let mut driver_conds: Vec<String> = Vec::new();
    let mut conds: Vec<String> = Vec::new();
    // The driving table streams sort keys newest first: the FTS index for
    // a search, the category index for a category filter, else the cases.
    let (driver, key) = match (match_expr(&query), &category) {
        (Some((table, expr)), _) => {
            params.push(Value::Text(expr));
            driver_conds.push(format!("{table} MATCH ?{}", params.len()));
            (format!("{table} f"), "f.rowid")
        }
        (None, Some(id)) => {
            params.push(Value::Text(id.clone()));
            driver_conds.push(format!("cc.item_id = ?{}", params.len()));
            ("case_categories cc".to_string(), "cc.sort_key")
        }
        (None, None) => ("cases c".to_string(), "c.sort_key"),
    };
    let (from_date, to_date) = crate::period::day_range(&filter.from, &filter.to)?;
    let midnight = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default();
    if let Some(day) = from_date {
        params.push(Value::Integer(sort_key(midnight(day), 0)));
        driver_conds.push(format!("{key} >= ?{}", params.len()));
    }
    if let Some(day) = to_date.and_then(|d| d.succ_opt()) {
        params.push(Value::Integer(sort_key(midnight(day), 0)));
        driver_conds.push(format!("{key} < ?{}", params.len()));
    }
    if let (Some(_), Some(id)) = (match_expr(&query), &category) {
        params.push(Value::Text(id.clone()));
        conds.push(format!(
            "EXISTS (SELECT 1 FROM case_categories x WHERE x.case_id = c.id AND x.item_id = ?{})",
            params.len()
        ));
    }
    if !filter.status.is_empty() {
        super::check_status("status", &filter.status)?;
        params.push(Value::Text(filter.status.clone()));
        conds.push(format!("c.status = ?{}", params.len()));
    }
    if let Some(id) = item(
        "consulter_type_id",
        &filter.consulter_type_id,
        ListKind::ConsulterType,
    )? {
        params.push(Value::Text(id));
        conds.push(format!("c.consulter_type_id = ?{}", params.len()));
    }
    if let Some(id) = item("staff_id", &filter.staff_id, ListKind::Staff)? {
        params.push(Value::Text(id));
        conds.push(format!("c.staff_id = ?{}", params.len()));
    }
    if let Some(id) = store::known_id(conn, "cities", "city_id", "市", &filter.city_id)? {
        params.push(Value::Text(id));
        conds.push(format!("p.city_id = ?{}", params.len()));
    }
    let join_cases = if driver.starts_with("cases ") {
        String::new()
    } else {
        format!(" CROSS JOIN cases c ON c.sort_key = {key}")
    };
    let all_conds: Vec<&String> = driver_conds.iter().chain(conds.iter()).collect();
    let where_of = |list: &[&String]| {
        if list.is_empty() {
            String::new()
        } else {
            format!(
                " WHERE {}",
                list.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" AND ")
            )
        }
    };
    let sql_from_where = format!(
        "{driver}{join_cases} LEFT JOIN persons p ON p.id = c.person_id{}",
        where_of(&all_conds)
    );
    let count_from_where = if conds.is_empty() {
        format!(
            "{driver}{}",
            where_of(&driver_conds.iter().collect::<Vec<_>>())
        )
    } else {
        sql_from_where.clone()
    };
    Ok(Plan {
        sql_from_where,
        count_from_where,
        order: format!("ORDER BY {key} DESC"),
        params,
    })
}

/// One page of the list, newest first, with the filters applied.
pub fn list(conn: &Connection, filter: &CaseFilter) -> Result<CasePage> {
    let limit = filter.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    if filter.offset > 1_000_000 {
        return Err(Error::invalid("offset", "ページの指定が正しくありません。"));
    }
    let plan = plan(conn, filter)?;
    let n = plan.params.len();
    let sql = format!(
        "SELECT c.id, c.case_no, c.received_at, p.name, COALESCE(p.kana, '') AS kana,
                COALESCE((SELECT name FROM cities WHERE id = p.city_id), '') AS city,
                (SELECT name FROM case_list_items WHERE id = c.consulter_type_id) AS consulter_type,
                c.consulter_affiliation, c.status,
                (SELECT name FROM case_list_items WHERE id = c.staff_id) AS staff,
                COALESCE((SELECT group_concat(i.name, '・') FROM case_categories cc
                           JOIN case_list_items i ON i.id = cc.item_id
                          WHERE cc.case_id = c.id), '') AS categories,
                substr(c.content, 1, 60) AS content_head
           FROM {} {} LIMIT ?{} OFFSET ?{}",
        plan.sql_from_where,
        plan.order,
        n + 1,
        n + 2
    );
    let mut params = plan.params.clone();
    params.push(Value::Integer(i64::from(limit) + 1));
    params.push(Value::Integer(i64::from(filter.offset)));
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut found = stmt.query(params_from_iter(params))?;
    let mut rows = Vec::new();
    while let Some(r) = found.next()? {
        let received_at = super::stamp_column(r, "received_at")?;
        rows.push(CaseRow {
            id: r.get("id")?,
            case_no: r.get("case_no")?,
            received_at: store::stamp(received_at),
            received_label: super::received_label(received_at),
            no_person: r.get::<_, Option<String>>("name")?.is_none(),
            person_name: r
                .get::<_, Option<String>>("name")?
                .unwrap_or_else(|| super::NO_PERSON.to_string()),
            person_kana: r.get("kana")?,
            city: r.get("city")?,
            consulter_type: r.get("consulter_type")?,
            consulter_affiliation: r.get("consulter_affiliation")?,
            status: r.get("status")?,
            staff: r.get("staff")?,
            categories: r.get("categories")?,
            content_head: r.get("content_head")?,
        });
    }
    let has_more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let (total, total_capped) = count(conn, &plan)?;
    Ok(CasePage {
        rows,
        offset: filter.offset,
        total,
        total_capped,
        has_more,
    })
}

/// Counts matches, stopping after [`COUNT_CAP`] so a one-character query
/// over a large office stays fast.
fn count(conn: &Connection, plan: &Plan) -> Result<(u32, bool)> {
    let sql = format!(
        "SELECT count(*) FROM (SELECT 1 FROM {} LIMIT {})",
        plan.count_from_where,
        COUNT_CAP + 1
    );
    let n: i64 = conn
        .prepare_cached(&sql)?
        .query_row(params_from_iter(plan.params.iter()), |r| r.get(0))?;
    let n = n.max(0) as u32;
    Ok((n.min(COUNT_CAP), n > COUNT_CAP))
}

/// All ids matching the filter (no paging), newest first, for CSV export.
pub fn all_ids(conn: &Connection, filter: &CaseFilter) -> Result<Vec<String>> {
    let plan = plan(conn, filter)?;
    let sql = format!("SELECT c.id FROM {} {}", plan.sql_from_where, plan.order);
    let ids = conn
        .prepare(&sql)?
        .query_map(params_from_iter(plan.params), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// The naive way, for the benchmark only: `LIKE '%q%'` over the raw
/// columns, no index. The same work as [`list`] without filters: a page of
/// `limit` ids newest first, and the matches counted up to [`COUNT_CAP`].
#[doc(hidden)]
pub fn naive_like(conn: &Connection, query: &str, limit: u32) -> Result<(Vec<String>, i64)> {
    const MATCHES: &str = "FROM cases c LEFT JOIN persons p ON p.id = c.person_id
          WHERE p.name LIKE ?1 OR p.kana LIKE ?1 OR c.consulter_affiliation LIKE ?1
             OR c.consulter_name LIKE ?1 OR c.content LIKE ?1 OR c.referral_to LIKE ?1";
    let pattern = format!("%{}%", query.replace(['%', '_'], ""));
    let ids = conn
        .prepare_cached(&format!(
            "SELECT c.id {MATCHES} ORDER BY c.sort_key DESC LIMIT ?2"
        ))?
        .query_map(rusqlite::params![pattern, limit], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let count = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM (SELECT 1 {MATCHES} LIMIT ?2)"
        ))?
        .query_row(rusqlite::params![pattern, COUNT_CAP + 1], |r| r.get(0))?;
    Ok((ids, count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_matches_kana_and_widths() {
        for (text, folded) in [
            ("ヤマダ　ハナコ", "やまだはなこ"),
            ("ﾔﾏﾀﾞ ﾊﾅｺ", "やまだはなこ"),
            ("やまだ はなこ", "やまだはなこ"),
            ("ＡＢＣ１２３", "abc123"),
            ("ケアマネジャー", "けあまねじゃー"),
            ("ヴ", "ゔ"),
            ("山田\u{E000}花子\n", "山田花子"),
            ("㈱", "(株)"),
        ] {
            assert_eq!(fold(text), folded, "{text}");
        }
        assert_eq!(fold("鶴ヶ島"), fold("鶴ケ島").replace('け', "ゖ"));
    }

    #[test]
    fn queries_pick_the_right_index() {
        assert_eq!(match_expr(""), None);
        assert_eq!(match_expr("　"), None);
        for (query, table, expr) in [
            ("ヤマ", "case_search_chr", "\"や ま \""),
            ("山", "case_search_chr", "\"山 \""),
            ("ヤマダ", "case_search_tri", "\"やまだ\""),
            ("a\"b", "case_search_tri", "\"a\"\"b\""),
        ] {
            assert_eq!(
                match_expr(query),
                Some((table, expr.to_string())),
                "{query}"
            );
        }
    }

    #[test]
    fn sort_key_orders_by_time_then_number() {
        let t = |h| {
            chrono::NaiveDate::from_ymd_opt(2025, 4, 1)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap()
        };
        assert!(sort_key(t(9), 5) < sort_key(t(10), 1));
        assert!(sort_key(t(9), 1) < sort_key(t(9), 2));
    }
}
