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
    // 3: 私の意志表示帳 — editions, distribution channels, and the stock
    //    ledger (receipts and issues) with its change history. Stock is
    //    always summed from the ledger, never stored.
    r#"
    CREATE TABLE booklet_editions (
        id                  TEXT PRIMARY KEY CHECK (length(id) = 36),
        title               TEXT NOT NULL CHECK (title <> ''),
        edition             TEXT NOT NULL CHECK (edition <> ''),
        publisher           TEXT NOT NULL DEFAULT '',
        notes               TEXT NOT NULL DEFAULT '',
        low_stock_threshold INTEGER NOT NULL DEFAULT 0 CHECK (low_stock_threshold >= 0),
        sort_order          INTEGER NOT NULL,
        created_at          TEXT NOT NULL,
        updated_at          TEXT NOT NULL,
        UNIQUE (title, edition)
    ) STRICT;

    CREATE TABLE booklet_channels (
        id         TEXT PRIMARY KEY CHECK (length(id) = 36),
        name       TEXT NOT NULL UNIQUE CHECK (name <> ''),
        sort_order INTEGER NOT NULL,
        active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
    ) STRICT;
    INSERT INTO booklet_channels (id, name, sort_order) VALUES
        ('6f1c2a10-3b1e-4c3a-9d51-0a0000000001', '相談窓口', 0),
        ('6f1c2a10-3b1e-4c3a-9d51-0a0000000002', '出前講座', 1),
        ('6f1c2a10-3b1e-4c3a-9d51-0a0000000003', '市民公開講座', 2),
        ('6f1c2a10-3b1e-4c3a-9d51-0a0000000004', '医療機関', 3),
        ('6f1c2a10-3b1e-4c3a-9d51-0a0000000005', '介護事業所', 4),
        ('6f1c2a10-3b1e-4c3a-9d51-0a0000000006', '地域包括支援センター', 5),
        ('6f1c2a10-3b1e-4c3a-9d51-0a0000000007', 'イベント', 6),
        ('6f1c2a10-3b1e-4c3a-9d51-0a0000000008', 'その他', 7);

    CREATE TABLE booklet_entries (
        id             TEXT PRIMARY KEY CHECK (length(id) = 36),
        kind           TEXT NOT NULL CHECK (kind IN ('receipt', 'issue')),
        entry_date     TEXT NOT NULL CHECK (entry_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        edition_id     TEXT NOT NULL REFERENCES booklet_editions(id),
        quantity       INTEGER NOT NULL CHECK (quantity > 0),
        source         TEXT CHECK (source IN ('print', 'gift', 'other')),
        channel_id     TEXT REFERENCES booklet_channels(id),
        recipient_type TEXT NOT NULL DEFAULT '',
        recipient_name TEXT NOT NULL DEFAULT '',
        city_id        TEXT REFERENCES cities(id),
        note           TEXT NOT NULL DEFAULT '',
        voided_at      TEXT,
        void_reason    TEXT NOT NULL DEFAULT '',
        created_at     TEXT NOT NULL,
        created_by     TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        CHECK ((kind = 'receipt' AND source IS NOT NULL AND channel_id IS NULL)
            OR (kind = 'issue' AND source IS NULL AND channel_id IS NOT NULL))
    ) STRICT;
    CREATE INDEX booklet_entries_by_edition ON booklet_entries(edition_id, entry_date);
    CREATE INDEX booklet_entries_by_date ON booklet_entries(entry_date);
    CREATE INDEX booklet_entries_by_channel ON booklet_entries(channel_id);
    CREATE INDEX booklet_entries_by_city ON booklet_entries(city_id);

    CREATE TABLE booklet_entry_changes (
        seq        INTEGER PRIMARY KEY,
        entry_id   TEXT NOT NULL REFERENCES booklet_entries(id),
        changed_at TEXT NOT NULL,
        changed_by TEXT NOT NULL,
        action     TEXT NOT NULL CHECK (action IN ('登録', '訂正', '取消')),
        field      TEXT NOT NULL DEFAULT '',
        old_value  TEXT NOT NULL DEFAULT '',
        new_value  TEXT NOT NULL DEFAULT ''
    ) STRICT;
    CREATE INDEX booklet_entry_changes_by_entry ON booklet_entry_changes(entry_id, seq);
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
