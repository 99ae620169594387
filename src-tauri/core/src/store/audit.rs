//! Who changed the settings-like tables, and when. Cases and booklet entries
//! keep their own detailed histories; everything else a person can change
//! (office data, cities and 圏域, the editable lists, booklet editions and
//! channels, app settings, PINs) is recorded here by TEMP triggers that
//! every connection installs. A trigger runs inside the transaction of the
//! change, so a change and its record commit or vanish together.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::{wareki, Result};

/// (table, id expression, columns shown in the record). PIN hashes are
/// never copied: only the fact that a PIN changed.
const AUDITED: &[(&str, &str, &[&str])] = &[
    (
        "office",
        "'office'",
        &[
            "name",
            "postal_code",
            "address",
            "phone",
            "fax",
            "contact_person",
        ],
    ),
    ("cities", "id", &["name", "sort_order"]),
    ("areas", "id", &["city_id", "name", "sort_order"]),
    (
        "case_list_items",
        "id",
        &["kind", "name", "sort_order", "retired"],
    ),
    (
        "booklet_editions",
        "id",
        &[
            "title",
            "edition",
            "publisher",
            "notes",
            "low_stock_threshold",
        ],
    ),
    ("booklet_channels", "id", &["name", "sort_order", "active"]),
    (
        "booklet_template",
        "'booklet_template'",
        &["title", "subtitle", "edition", "cover_note"],
    ),
    (
        "booklet_template_sections",
        "position",
        &["title", "body", "blank_lines"],
    ),
    ("app_settings", "key", &["value"]),
    ("staff_pins", "staff_id", &[]),
    (
        "organisations",
        "id",
        &[
            "kind",
            "name",
            "department",
            "address",
            "phone",
            "fax",
            "email",
            "contact_person",
            "city_id",
            "notes",
            "retired",
        ],
    ),
    (
        "lecture_themes",
        "id",
        &[
            "number",
            "title",
            "organisation_id",
            "summary",
            "duration_minutes",
            "audience",
            "retired",
        ],
    ),
    (
        "lecture_venues",
        "id",
        &["name", "address", "city_id", "retired"],
    ),
    (
        "questionnaires",
        "id",
        &["name", "version", "superseded_at"],
    ),
];

/// The automatic backup stamp changes daily by itself; not a person's change.
const NOT_A_CHANGE: &str = "'backup.last_at'";

fn json_of(prefix: &str, columns: &[&str]) -> String {
    if columns.is_empty() {
        return "NULL".into();
    }
    let pairs: Vec<String> = columns
        .iter()
        .map(|c| format!("'{c}', {prefix}.{c}"))
        .collect();
    format!("json_object({})", pairs.join(", "))
}

fn trigger_sql(table: &str, id: &str, columns: &[&str], action: &str) -> String {
    let (row, old, new) = match action {
        "insert" => ("NEW", "NULL".to_string(), json_of("NEW", columns)),
        "update" => ("NEW", json_of("OLD", columns), json_of("NEW", columns)),
        _ => ("OLD", json_of("OLD", columns), "NULL".to_string()),
    };
    let id = if id.starts_with('\'') {
        id.to_string()
    } else {
        format!("{row}.{id}")
    };
    // Saving a form rewrites unchanged rows too; only real changes count.
    let mut conditions = Vec::new();
    if action == "update" && !columns.is_empty() {
        conditions.push(format!("{old} IS NOT {new}"));
    }
    if table == "app_settings" {
        conditions.push(format!("{row}.key <> {NOT_A_CHANGE}"));
    }
    let skip = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHEN {}", conditions.join(" AND "))
    };
    let event = action.to_uppercase();
    format!(
        "CREATE TEMP TRIGGER IF NOT EXISTS audit_{table}_{action} AFTER {event} ON main.{table} {skip}
         BEGIN
           INSERT INTO audit_log (at, actor, table_name, action, row_id, old_values, new_values)
           VALUES (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime'),
                   COALESCE((SELECT name FROM session_actor LIMIT 1), ''),
                   '{table}', '{action}', {id}, {old}, {new});
         END;"
    )
}

/// Installs the recording triggers on this connection (temp schema, so they
/// are not part of the file and are made again on every open).
pub fn install(conn: &Connection) -> Result<()> {
    let mut sql =
        String::from("CREATE TEMP TABLE IF NOT EXISTS session_actor (name TEXT NOT NULL);\n");
    for (table, id, columns) in AUDITED {
        let exists: Option<String> = conn
            .query_row(
                "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .optional()?;
        if exists.is_none() {
            continue;
        }
        for action in ["insert", "update", "delete"] {
            if *table == "office" && action != "update" {
                continue;
            }
            sql.push_str(&trigger_sql(table, id, columns, action));
            sql.push('\n');
        }
    }
    conn.execute_batch(&sql)?;
    Ok(())
}

/// The name recorded with the following changes on this connection (the
/// signed-in staff member; empty for none).
pub fn set_actor(conn: &Connection, name: &str) -> Result<()> {
    conn.execute_batch("DELETE FROM session_actor;")?;
    if !name.is_empty() {
        conn.execute("INSERT INTO session_actor (name) VALUES (?1)", [name])?;
    }
    Ok(())
}

/// Records an event that is not a row change (a restore), under the
/// current actor.
pub fn record_event(conn: &Connection, what: &str, detail: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_log (at, actor, table_name, action, row_id, old_values, new_values)
         VALUES (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime'),
                 COALESCE((SELECT name FROM session_actor LIMIT 1), ''), ?1, 'update', '', NULL, ?2)",
        [what, detail],
    )?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub at_label: String,
    pub actor: String,
    pub table_label: &'static str,
    pub action_label: &'static str,
    pub summary: String,
}

fn table_label(table: &str) -> &'static str {
    match table {
        "office" => "事業所情報",
        "cities" => "市",
        "areas" => "日常生活圏域",
        "case_list_items" => "相談記録の一覧項目",
        "booklet_editions" => "意志表示帳の版",
        "booklet_channels" => "配布経路",
        "booklet_template" => "意志表示帳の文面（表紙）",
        "booklet_template_sections" => "意志表示帳の文面（項目）",
        "app_settings" => "設定",
        "staff_pins" => "暗証番号",
        "lecture_themes" => "講座テーマ",
        "lecture_venues" => "講座の会場",
        "questionnaires" => "アンケートの様式",
        "restore" => "復元",
        _ => "その他",
    }
}

/// The newest `limit` records, for the 設定 screen.
pub fn recent(conn: &Connection, limit: u32) -> Result<Vec<AuditEntry>> {
    let rows = conn
        .prepare(
            "SELECT at, actor, table_name, action, COALESCE(new_values, old_values, '')
               FROM audit_log ORDER BY seq DESC LIMIT ?1",
        )?
        .query_map([limit], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .map(|(at, actor, table, action, values)| AuditEntry {
            at_label: chrono::NaiveDateTime::parse_from_str(&at, "%Y-%m-%dT%H:%M:%S")
                .map(wareki::format_datetime)
                .unwrap_or(at),
            actor: if actor.is_empty() {
                "（未設定）".into()
            } else {
                actor
            },
            table_label: table_label(&table),
            action_label: match action.as_str() {
                "insert" => "追加",
                "delete" => "削除",
                _ => "変更",
            },
            summary: values.chars().take(200).collect(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{demo, office, store};

    fn count(conn: &Connection) -> i64 {
        conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_settings_change_is_recorded_with_the_actor_in_the_same_transaction() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let db = dir.path().join("office.db");
        let mut conn = store::open(&db)?;
        set_actor(&conn, "山田 花子")?;
        let now = chrono::Local::now().naive_local();
        let mut input = demo::office_input();
        input.cities.truncate(1);
        office::save(&mut conn, &input, now)?;
        let entries = recent(&conn, 100)?;
        assert!(
            entries.iter().all(|e| e.actor == "山田 花子"),
            "{entries:?}"
        );
        assert!(entries
            .iter()
            .any(|e| e.table_label == "事業所情報" && e.summary.contains("在宅医療相談室")));
        assert_eq!(
            entries
                .iter()
                .filter(|e| e.table_label == "日常生活圏域")
                .count(),
            5
        );

        // A refused change leaves no record either.
        let before = count(&conn);
        let mut bad = office::OfficeInput::from(&office::load(&conn)?);
        bad.phone = "abc".into();
        assert!(office::save(&mut conn, &bad, now).is_err());
        assert_eq!(count(&conn), before);

        // Reopened connections record too, with nobody signed in.
        drop(conn);
        let mut conn = store::open(&db)?;
        let mut renamed = office::OfficeInput::from(&office::load(&conn)?);
        renamed.name = "新しい名前".into();
        office::save(&mut conn, &renamed, now)?;
        let newest = &recent(&conn, 1)?[0];
        assert_eq!(
            (
                newest.actor.as_str(),
                newest.table_label,
                newest.action_label
            ),
            ("（未設定）", "事業所情報", "変更")
        );
        Ok(())
    }

    #[test]
    fn the_daily_backup_stamp_is_not_recorded() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let db = dir.path().join("office.db");
        let conn = store::open(&db)?;
        crate::backup::auto_backup(&conn, &db, chrono::Local::now().naive_local())?;
        assert_eq!(count(&conn), 0);
        Ok(())
    }
}
