//! Change history of cases, persons and timeline entries: who (the 担当者
//! chosen in the app), when, and the old and new values as JSON objects of
//! display values keyed by the field's Japanese label. Rows are kept when
//! a case is deleted; the deletion is one of them.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use rusqlite::{named_params, Connection};
use serde::Serialize;

use crate::{store, wareki, Result};

/// Display values of one record, label → value.
pub type Snapshot = BTreeMap<&'static str, String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    Case,
    Person,
    Entry,
}

impl Record {
    fn code(self) -> &'static str {
        match self {
            Record::Case => "case",
            Record::Person => "person",
            Record::Entry => "entry",
        }
    }
}

fn record_label(code: &str) -> &'static str {
    match code {
        "case" => "相談",
        "person" => "対象者",
        _ => "経過記録",
    }
}

/// The order fields are shown in.
const ORDER: &[&str] = &[
    "受付日時",
    "受付方法",
    "相談者種別",
    "相談者の所属",
    "相談者の氏名",
    "情報入手経路",
    "新規・継続",
    "対象者",
    "氏名",
    "ふりがな",
    "性別",
    "生年月日",
    "市",
    "日常生活圏域",
    "要介護度",
    "かかりつけ医",
    "日付",
    "相談内容分類",
    "相談内容",
    "対応",
    "内容",
    "紹介先",
    "所要時間",
    "担当者",
    "状態",
    "転帰",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedValue {
    pub label: String,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub seq: i64,
    pub changed_at: String,
    pub changed_label: String,
    pub changed_by: String,
    pub record: String,
    pub record_label: String,
    pub action: String,
    pub values: Vec<ChangedValue>,
}

/// The fields whose values differ, as (old, new) snapshots.
pub fn diff(old: &Snapshot, new: &Snapshot) -> (Snapshot, Snapshot) {
    let mut o = Snapshot::new();
    let mut n = Snapshot::new();
    for key in old.keys().chain(new.keys()) {
        let a = old.get(key).cloned().unwrap_or_default();
        let b = new.get(key).cloned().unwrap_or_default();
        if a != b {
            o.insert(key, a);
            n.insert(key, b);
        }
    }
    (o, n)
}

/// Writes the history rows of one case: who (the 担当者's name) and when.
pub(crate) struct Log<'a> {
    conn: &'a Connection,
    case_id: &'a str,
    by: &'a str,
    now: NaiveDateTime,
}

impl<'a> Log<'a> {
    pub(crate) fn new(
        conn: &'a Connection,
        case_id: &'a str,
        by: &'a str,
        now: NaiveDateTime,
    ) -> Self {
        Log {
            conn,
            case_id,
            by,
            now,
        }
    }

    /// A record registered with the values of `new` (empty ones included).
    pub(crate) fn added(&self, record: Record, id: &str, new: &Snapshot) -> Result<()> {
        self.write(record, id, "登録", &Snapshot::new(), new)
    }

    /// The fields that differ between `old` and `new`; nothing is written
    /// when none does. Returns whether anything changed.
    pub(crate) fn changed(
        &self,
        record: Record,
        id: &str,
        old: &Snapshot,
        new: &Snapshot,
    ) -> Result<bool> {
        let (o, n) = diff(old, new);
        if o.is_empty() && n.is_empty() {
            return Ok(false);
        }
        self.write(record, id, "変更", &o, &n)?;
        Ok(true)
    }

    /// A record deleted, with the values it had.
    pub(crate) fn deleted(&self, record: Record, id: &str, old: &Snapshot) -> Result<()> {
        self.write(record, id, "削除", old, &Snapshot::new())
    }

    fn write(
        &self,
        record: Record,
        id: &str,
        action: &str,
        old: &Snapshot,
        new: &Snapshot,
    ) -> Result<()> {
        let json = |s: &Snapshot| serde_json::to_string(s).unwrap_or_else(|_| "{}".into());
        self.conn
            .prepare_cached(
                "INSERT INTO case_changes (case_id, record, record_id, action, changed_at, changed_by, old_json, new_json)
                 VALUES (:case_id, :record, :record_id, :action, :changed_at, :changed_by, :old_json, :new_json)",
            )?
            .execute(named_params! {
                ":case_id": self.case_id,
                ":record": record.code(),
                ":record_id": id,
                ":action": action,
                ":changed_at": store::stamp(self.now),
                ":changed_by": self.by,
                ":old_json": json(old),
                ":new_json": json(new),
            })?;
        Ok(())
    }
}

/// The history of one case (also after it was deleted), newest first.
pub fn for_case(conn: &Connection, case_id: &str) -> Result<Vec<Change>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, changed_at, changed_by, record, action, old_json, new_json
           FROM case_changes WHERE case_id = ?1 ORDER BY seq DESC",
    )?;
    let mut rows = stmt.query([case_id])?;
    let mut changes = Vec::new();
    while let Some(r) = rows.next()? {
        let changed_at: String = r.get("changed_at")?;
        let record: String = r.get("record")?;
        changes.push(Change {
            seq: r.get("seq")?,
            changed_label: wareki::format_datetime(store::parse_stamp(&changed_at)?),
            changed_at,
            changed_by: r.get("changed_by")?,
            record_label: record_label(&record).to_string(),
            record,
            action: r.get("action")?,
            values: values(
                &r.get::<_, String>("old_json")?,
                &r.get::<_, String>("new_json")?,
            ),
        });
    }
    Ok(changes)
}

/// The changed values of a history row in display order.
fn values(old_json: &str, new_json: &str) -> Vec<ChangedValue> {
    let parse =
        |s: &str| -> BTreeMap<String, String> { serde_json::from_str(s).unwrap_or_default() };
    let (old, new) = (parse(old_json), parse(new_json));
    let mut labels: Vec<&String> = old.keys().chain(new.keys()).collect();
    labels.sort_by_key(|l| ORDER.iter().position(|o| o == l).unwrap_or(ORDER.len()));
    labels.dedup();
    labels
        .into_iter()
        .map(|label| ChangedValue {
            label: label.clone(),
            old: old.get(label).cloned().unwrap_or_default(),
            new: new.get(label).cloned().unwrap_or_default(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_keeps_only_changed_fields() {
        let mut a = Snapshot::new();
        a.insert("状態", "受付".into());
        a.insert("担当者", "山田".into());
        let mut b = a.clone();
        b.insert("状態", "終結".into());
        b.insert("転帰", "在宅療養開始".into());
        let (o, n) = diff(&a, &b);
        assert_eq!(o.get("状態").map(String::as_str), Some("受付"));
        assert_eq!(n.get("状態").map(String::as_str), Some("終結"));
        assert_eq!(o.get("転帰").map(String::as_str), Some(""));
        assert!(!o.contains_key("担当者"));
        let (o, n) = diff(&a, &a);
        assert!(o.is_empty() && n.is_empty());
    }

    #[test]
    fn records_round_trip_in_display_order() -> Result<()> {
        let conn = crate::store::open_in_memory()?;
        let now = chrono::NaiveDate::from_ymd_opt(2025, 4, 1)
            .unwrap()
            .and_hms_opt(9, 30, 0)
            .unwrap();
        let log = Log::new(&conn, "c", "山田", now);
        let mut new = Snapshot::new();
        new.insert("転帰", "在宅療養開始".into());
        new.insert("受付日時", "令和7年4月1日 9:30".into());
        log.added(Record::Case, "c", &new)?;
        assert!(!log.changed(Record::Case, "c", &new, &new.clone())?);
        let changes = for_case(&conn, "c")?;
        assert_eq!(changes.len(), 1, "an empty change is not recorded");
        assert_eq!(changes[0].values[0].label, "受付日時");
        assert_eq!(changes[0].values[1].new, "在宅療養開始");
        assert_eq!(changes[0].record_label, "相談");
        assert!(changes[0].changed_label.starts_with("令和7年4月1日"));
        Ok(())
    }

    #[test]
    fn an_unreadable_stored_time_is_corrupt() -> Result<()> {
        let conn = crate::store::open_in_memory()?;
        conn.execute(
            "INSERT INTO case_changes (case_id, record, record_id, action, changed_at, changed_by)
             VALUES ('c', 'case', 'c', '登録', '2025/04/01 9:30', '山田')",
            [],
        )?;
        assert!(matches!(
            for_case(&conn, "c"),
            Err(crate::Error::Corrupt(_))
        ));
        Ok(())
    }
}
