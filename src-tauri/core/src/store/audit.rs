//! Who changed the settings-like tables, and when. Cases and booklet entries
//! keep their own detailed histories; everything else a person can change
//! (office data, cities and 圏域, the editable lists, booklet editions and
//! channels, 名簿, lecture lists, app settings, PINs: the tables whose entry
//! in [`super::tables::TABLES`] names audit columns) is recorded here by
//! TEMP triggers that every connection installs. A trigger runs inside the
//! transaction of the change, so a change and its record commit or vanish
//! together. Sign-in attempts are in the access log (crate::access_log).

use rusqlite::Connection;
use serde::Serialize;

use super::tables::{self, Table};
use crate::{wareki, Result};

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

/// Now, as every stored moment is written (see [`super::stamp`]).
fn now_sql() -> String {
    format!("strftime('{}', 'now', 'localtime')", super::STAMP_FORMAT)
}

fn trigger_sql(table: &Table, columns: &[&str], action: &str) -> String {
    let (row, old, new) = match action {
        "insert" => ("NEW", "NULL".to_string(), json_of("NEW", columns)),
        "update" => ("NEW", json_of("OLD", columns), json_of("NEW", columns)),
        _ => ("OLD", json_of("OLD", columns), "NULL".to_string()),
    };
    let (name, id, now) = (table.name, table.id.sql(row), now_sql());
    // Saving a form rewrites unchanged rows too; only real changes count.
    let mut conditions = Vec::new();
    if action == "update" && !columns.is_empty() {
        conditions.push(format!("{old} IS NOT {new}"));
    }
    if name == "app_settings" {
        conditions.push(format!("{row}.key <> {NOT_A_CHANGE}"));
    }
    let skip = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHEN {}", conditions.join(" AND "))
    };
    let event = action.to_uppercase();
    format!(
        "CREATE TEMP TRIGGER IF NOT EXISTS audit_{name}_{action} AFTER {event} ON main.{name} {skip}
         BEGIN
           INSERT INTO audit_log (at, actor, table_name, action, row_id, old_values, new_values)
           VALUES ({now}, COALESCE((SELECT name FROM session_actor LIMIT 1), ''),
                   '{name}', '{action}', {id}, {old}, {new});
         END;"
    )
}

/// Installs the recording triggers on this connection (temp schema, so they
/// are not part of the file and are made again on every open).
pub fn install(conn: &Connection) -> Result<()> {
    let mut sql =
        String::from("CREATE TEMP TABLE IF NOT EXISTS session_actor (staff_id TEXT NOT NULL, name TEXT NOT NULL);\n");
    for table in tables::present(conn)? {
        let Some(columns) = table.audit_columns() else {
            continue;
        };
        for action in ["insert", "update", "delete"] {
            sql.push_str(&trigger_sql(table, &columns, action));
            sql.push('\n');
        }
    }
    conn.execute_batch(&sql)?;
    Ok(())
}

/// Who makes the following changes on this connection (the signed-in
/// staff member's id and name; both empty for none). Their name goes into
/// the change record, and both into the access log of what the core does
/// by itself on their behalf (crate::access_log::record_here).
pub fn set_actor(conn: &Connection, staff_id: &str, name: &str) -> Result<()> {
    conn.execute_batch("DELETE FROM session_actor;")?;
    if !name.is_empty() {
        conn.execute(
            "INSERT INTO session_actor (staff_id, name) VALUES (?1, ?2)",
            [staff_id, name],
        )?;
    }
    Ok(())
}

/// The (staff id, name) [`set_actor`] gave this connection; empty for none.
pub fn actor(conn: &Connection) -> Result<(String, String)> {
    Ok(conn.query_row(
        "SELECT COALESCE((SELECT staff_id FROM session_actor LIMIT 1), ''),
                COALESCE((SELECT name FROM session_actor LIMIT 1), '')",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Records an event that is not a row change (a restore), under the
/// current actor.
pub fn record_event(conn: &Connection, what: &str, detail: &str) -> Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO audit_log (at, actor, table_name, action, row_id, old_values, new_values)
             VALUES ({}, COALESCE((SELECT name FROM session_actor LIMIT 1), ''),
                     ?1, 'update', '', NULL, ?2)",
            now_sql()
        ),
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

/// Sign-in attempts, recorded here by versions before the access log
/// (schema 14); now in `access_log`.
const SIGN_IN: &str = "sign_in";
const SIGN_IN_FAILED: &str = "sign_in_failed";
const SIGN_IN_REFUSED: &str = "sign_in_refused";

/// Events that are not a row change, as [`record_event`] (and older
/// versions, for sign-ins) name them: (name, what is shown in place of the
/// table, what in place of the action).
const EVENTS: &[(&str, &str, &str)] = &[
    ("restore", "復元", "変更"),
    (SIGN_IN, "サインイン", "成功"),
    (SIGN_IN_FAILED, "サインイン", "失敗"),
    (SIGN_IN_REFUSED, "サインイン", "待ち時間中"),
];

fn event(name: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    EVENTS.iter().find(|(e, _, _)| *e == name)
}

fn table_label(name: &str) -> &'static str {
    tables::table(name)
        .map(|t| t.label)
        .or_else(|| event(name).map(|(_, label, _)| *label))
        .unwrap_or("その他")
}

/// The newest `limit` records, for the 設定 screen.
pub fn recent(conn: &Connection, limit: u32) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare(
        "SELECT at, actor, table_name, action, COALESCE(new_values, old_values, '')
           FROM audit_log ORDER BY seq DESC LIMIT ?1",
    )?;
    let mut rows = stmt.query([limit])?;
    let mut entries = Vec::new();
    while let Some(r) = rows.next()? {
        let actor: String = r.get(1)?;
        let values: String = r.get(4)?;
        let what: String = r.get(2)?;
        let action = match (event(&what), r.get::<_, String>(3)?.as_str()) {
            (Some((_, _, action)), _) => *action,
            (None, "insert") => "追加",
            (None, "delete") => "削除",
            (None, _) => "変更",
        };
        entries.push(AuditEntry {
            at_label: wareki::format_datetime(super::parse_stamp(&r.get::<_, String>(0)?)?),
            actor: if actor.is_empty() {
                "（未設定）".into()
            } else {
                actor
            },
            table_label: table_label(&what),
            action_label: action,
            summary: values.chars().take(200).collect(),
        });
    }
    Ok(entries)
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
        let (_dir, db, mut conn) = crate::store::temp_db()?;
        set_actor(&conn, "", "山田 花子")?;
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
        let (_dir, db, conn) = crate::store::temp_db()?;
        crate::backup::auto_backup(&conn, None, &db, chrono::Local::now().naive_local())?;
        assert_eq!(count(&conn), 0);
        Ok(())
    }

    #[test]
    fn every_recorded_table_is_shown_by_its_name_for_staff() -> Result<()> {
        let mut conn = store::open_in_memory()?;
        demo::fill(&mut conn, chrono::Local::now().naive_local())?;
        record_event(&conn, "restore", "backup.db")?;
        // As versions before the access log recorded sign-ins.
        for what in [SIGN_IN, SIGN_IN_FAILED, SIGN_IN_REFUSED] {
            conn.execute(
                "INSERT INTO audit_log (at, actor, table_name, action, row_id, new_values)
                 VALUES ('2025-06-10T08:30:00', '山田 花子', ?1, 'update', 'id', '')",
                [what],
            )?;
        }
        let shown: std::collections::BTreeSet<&str> = recent(&conn, 100_000)?
            .iter()
            .map(|e| e.table_label)
            .collect();
        // 名簿 and lecture lists included: none falls back to 「その他」.
        for label in [
            "往診登録医",
            "往診登録医の担当圏域",
            "療養支援ベッド",
            "療養支援ベッドの空床",
            "関係機関",
            "講座テーマ",
            "復元",
            "サインイン",
        ] {
            assert!(shown.contains(label), "{label} missing from {shown:?}");
        }
        assert!(!shown.contains("その他"), "{shown:?}");
        assert_eq!(table_label("no_such_table"), "その他");
        Ok(())
    }
}
