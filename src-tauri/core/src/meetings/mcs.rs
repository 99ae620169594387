//! MCS (メディカルケアステーション, the closed SNS of the region's medical
//! and care staff): the number of registered 事業所 and members as of a
//! date, as the office reads them off the MCS administration page. The
//! report shows the latest figures within its period.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{named_params, params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::lectures::{id_to_save, select, upsert_sql};
use crate::store::{iso, parse_iso, stamp};
use crate::text::{self, Range};
use crate::{wareki, Error, Result};

const FIGURE: Range = Range::new(0, 99_999);

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct McsFigure {
    pub id: String,
    pub as_of: String,
    /// 令和元年12月1日
    pub as_of_label: String,
    /// 令和元年12月現在: how the report names it.
    pub month_label: String,
    /// 登録事業所数
    pub offices: i64,
    /// 登録者数
    pub members: i64,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct McsInput {
    pub id: Option<String>,
    /// 令和 or ISO.
    pub as_of: String,
    pub offices: String,
    pub members: String,
}

/// Every figure, newest first.
pub fn mcs_figures(conn: &Connection) -> Result<Vec<McsFigure>> {
    figures(conn, None)
}

fn figures(conn: &Connection, until: Option<(NaiveDate, NaiveDate)>) -> Result<Vec<McsFigure>> {
    let (from, to) = match until {
        Some((from, to)) => (Some(iso(from)), Some(iso(to))),
        None => (None, None),
    };
    let rows: Vec<(String, String, i64, i64)> = select(
        conn,
        "SELECT id, as_of, offices, members FROM mcs_figures
          WHERE (?1 IS NULL OR as_of >= ?1) AND (?2 IS NULL OR as_of <= ?2)
          ORDER BY as_of DESC",
        params![from, to],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    rows.into_iter()
        .map(|(id, as_of, offices, members)| {
            let day = parse_iso(&as_of)?;
            Ok(McsFigure {
                id,
                as_of_label: wareki::format_date(day),
                month_label: format!("{}現在", crate::period::month_label(day)),
                as_of,
                offices,
                members,
            })
        })
        .collect()
}

/// The latest figures dated from `from` to `to`: what a report shows.
pub fn latest_mcs(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Option<McsFigure>> {
    Ok(figures(conn, Some((from, to)))?.into_iter().next())
}

/// Records (or corrects) the figures of a date; one set per date.
pub fn save_mcs(conn: &Connection, input: &McsInput, now: NaiveDateTime) -> Result<Vec<McsFigure>> {
    let id = id_to_save(conn, "mcs_figures", input.id.as_deref(), "MCSの登録数")?;
    let as_of = wareki::parse_required_date("as_of", "時点（日付）", &input.as_of)?;
    if as_of > now.date() {
        return Err(Error::invalid(
            "as_of",
            "時点に未来の日付は入力できません。",
        ));
    }
    let offices = text::required_count("offices", "登録事業所数", &input.offices, FIGURE)?;
    let members = text::required_count("members", "登録者数", &input.members, FIGURE)?;
    let other: Option<String> = conn
        .query_row(
            "SELECT id FROM mcs_figures WHERE as_of = ?1 AND id <> ?2",
            params![iso(as_of), id],
            |r| r.get(0),
        )
        .optional()?;
    if other.is_some() {
        return Err(Error::invalid(
            "as_of",
            format!(
                "{}の登録数はすでに入力されています。一覧の「編集」で直してください。",
                wareki::format_date(as_of)
            ),
        ));
    }
    conn.execute(
        &upsert_sql("mcs_figures", "as_of, offices, members"),
        named_params! {
            ":id": id, ":as_of": iso(as_of), ":offices": offices, ":members": members,
            ":at": stamp(now),
        },
    )?;
    mcs_figures(conn)
}

pub fn delete_mcs(conn: &Connection, id: &str) -> Result<Vec<McsFigure>> {
    let id = text::uuid("id", id)?;
    if conn.execute("DELETE FROM mcs_figures WHERE id = ?1", [&id])? == 0 {
        return Err(Error::NotFound {
            what: "MCSの登録数",
        });
    }
    mcs_figures(conn)
}
