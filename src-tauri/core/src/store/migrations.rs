//! Numbered schema migrations. Entry N brings `user_version` from N-1 to N.
//! Never edit or remove a released entry; add a new one.

use rusqlite::{Connection, TransactionBehavior};

use super::APPLICATION_ID;
use crate::Result;

const MIGRATIONS: &[&str] = &[
    // 1: office settings, cities and their 日常生活圏域.
    r#"
    CREATE TABLE office (
        id             INTEGER PRIMARY KEY CHECK (id = 1),
        name           TEXT NOT NULL DEFAULT '',
        postal_code    TEXT NOT NULL DEFAULT '',
        address        TEXT NOT NULL DEFAULT '',
        phone          TEXT NOT NULL DEFAULT '',
        fax            TEXT NOT NULL DEFAULT '',
        contact_person TEXT NOT NULL DEFAULT '',
        updated_at     TEXT
    ) STRICT;
    INSERT INTO office (id) VALUES (1);

    CREATE TABLE cities (
        id         TEXT PRIMARY KEY CHECK (length(id) = 36),
        name       TEXT NOT NULL CHECK (name <> ''),
        sort_order INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE areas (
        id         TEXT PRIMARY KEY CHECK (length(id) = 36),
        city_id    TEXT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
        name       TEXT NOT NULL CHECK (name <> ''),
        sort_order INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX areas_by_city ON areas(city_id, sort_order);
    "#,
    // 2: app settings as key/value (backup folder, generations, …).
    r#"
    CREATE TABLE app_settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT;
    "#,
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Applies every migration after the current `user_version`, each in its own
/// exclusive transaction together with the version bump.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current.max(0) as usize) {
        let version = index as i64 + 1;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_is_harmless() -> Result<()> {
        let mut conn = Connection::open_in_memory()?;
        migrate(&mut conn)?;
        migrate(&mut conn)?;
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        assert_eq!(v, SCHEMA_VERSION);
        Ok(())
    }
}
