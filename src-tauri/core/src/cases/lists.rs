//! The editable lists of 相談記録 (相談者種別, 受付方法 — also the 手段 of a
//! 経過記録 —, 相談内容分類, 対応, 転帰, 担当者, 経過記録の相手, 4つの場面). Entries are never deleted, only retired: a retired entry
//! is no longer offered for new input but stays readable on old cases.

use std::collections::HashSet;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::{text, Error, Result};

const MAX_ITEMS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    ConsulterType,
    IntakeMethod,
    Category,
    Response,
    Outcome,
    Staff,
    /// 相手 of a 経過記録.
    ContactParty,
    /// 4つの場面 of the 手引き.
    Scene,
}

impl ListKind {
    pub const ALL: [ListKind; 8] = [
        ListKind::IntakeMethod,
        ListKind::ConsulterType,
        ListKind::Category,
        ListKind::Response,
        ListKind::Outcome,
        ListKind::Staff,
        ListKind::ContactParty,
        ListKind::Scene,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ListKind::ConsulterType => "consulter_type",
            ListKind::IntakeMethod => "intake_method",
            ListKind::Category => "category",
            ListKind::Response => "response",
            ListKind::Outcome => "outcome",
            ListKind::Staff => "staff",
            ListKind::ContactParty => "contact_party",
            ListKind::Scene => "scene",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ListKind::ConsulterType => "相談者種別",
            ListKind::IntakeMethod => "受付方法",
            ListKind::Category => "相談内容分類",
            ListKind::Response => "対応",
            ListKind::Outcome => "転帰",
            ListKind::Staff => "担当者",
            ListKind::ContactParty => "経過記録の相手",
            ListKind::Scene => "4つの場面",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListItem {
    pub id: String,
    pub name: String,
    pub retired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct List {
    pub kind: ListKind,
    pub label: &'static str,
    pub items: Vec<ListItem>,
}

/// What the list editor sends: the whole list in its new order. Items
/// without an id are new; every existing item must still be there
/// (retire it instead of removing it).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListItemInput {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub retired: bool,
}

pub fn list(conn: &Connection, kind: ListKind) -> Result<List> {
    let items = conn
        .prepare_cached(
            "SELECT id, name, retired FROM case_list_items WHERE kind = ?1 ORDER BY sort_order, name",
        )?
        .query_map([kind.code()], |r| {
            Ok(ListItem {
                id: r.get(0)?,
                name: r.get(1)?,
                retired: r.get::<_, i64>(2)? != 0,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(List {
        kind,
        label: kind.label(),
        items,
    })
}

/// Every list, in the order the 設定 screen shows them.
pub fn all(conn: &Connection) -> Result<Vec<List>> {
    ListKind::ALL.iter().map(|k| list(conn, *k)).collect()
}

/// The name of an item of `kind`, refusing an id of another list or an
/// unknown one. Retired items are accepted (old cases keep them).
pub(crate) fn item_name(
    conn: &Connection,
    kind: ListKind,
    id: &str,
    field: &str,
) -> Result<String> {
    item(conn, kind, id, field).map(|(name, _)| name)
}

pub(crate) fn item(
    conn: &Connection,
    kind: ListKind,
    id: &str,
    field: &str,
) -> Result<(String, bool)> {
    conn.prepare_cached("SELECT name, retired FROM case_list_items WHERE id = ?1 AND kind = ?2")?
        .query_row(params![id, kind.code()], |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)? != 0))
        })
        .optional()?
        .ok_or_else(|| {
            Error::invalid(
                field,
                format!(
                    "選ばれた{}が一覧にありません。画面を開き直してください。",
                    kind.label()
                ),
            )
        })
}

/// Saves one list: names, order, retired flags and new entries, in one
/// transaction.
pub fn save(conn: &mut Connection, kind: ListKind, input: &[ListItemInput]) -> Result<List> {
    if kind == ListKind::Staff {
        // Each member needs a credential and a role: see access::add_member.
        return Err(Error::invalid(
            "kind",
            "担当者は「設定」の「担当者」で追加・退職します（管理者だけが行えます）。",
        ));
    }
    let clean = text::list_entries(
        kind.label(),
        "名前",
        40,
        MAX_ITEMS,
        input
            .iter()
            .map(|item| (item.id.as_deref(), item.name.as_str(), item.retired)),
    )?;
    let tx = conn.transaction()?;
    let existing: Vec<String> = tx
        .prepare("SELECT id FROM case_list_items WHERE kind = ?1")?
        .query_map([kind.code()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let kept: HashSet<&str> = clean
        .iter()
        .filter_map(|(id, _, _)| id.as_deref())
        .collect();
    if existing.iter().any(|id| !kept.contains(id.as_str())) {
        return Err(Error::Conflict(format!(
            "{}の項目は削除できません（過去の記録で使われているため）。使わなくなった項目は「使用しない」にしてください。",
            kind.label()
        )));
    }
    // Names must stay unique while rows are renamed in any order.
    tx.execute(
        "UPDATE case_list_items SET name = '\u{E000}' || id WHERE kind = ?1",
        [kind.code()],
    )?;
    for (order, (id, name, retired)) in clean.iter().enumerate() {
        match id {
            Some(id) => {
                let n = tx.execute(
                    "UPDATE case_list_items SET name = ?2, sort_order = ?3, retired = ?4
                      WHERE id = ?1 AND kind = ?5",
                    params![id, name, order as i64, *retired as i64, kind.code()],
                )?;
                if n == 0 {
                    return Err(Error::NotFound {
                        what: "一覧の項目"
                    });
                }
            }
            None => {
                tx.execute(
                    "INSERT INTO case_list_items (id, kind, name, sort_order, retired)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        text::new_id(),
                        kind.code(),
                        name,
                        order as i64,
                        *retired as i64
                    ],
                )?;
            }
        }
    }
    tx.commit()?;
    list(conn, kind)
}

/// Adds the given names to an empty list (demo data, first start).
pub(crate) fn seed(conn: &Connection, kind: ListKind, names: &[&str]) -> Result<Vec<String>> {
    let mut ids = Vec::with_capacity(names.len());
    for (order, name) in names.iter().enumerate() {
        let id = text::new_id();
        conn.execute(
            "INSERT INTO case_list_items (id, kind, name, sort_order) VALUES (?1, ?2, ?3, ?4)",
            params![id, kind.code(), name, order as i64],
        )?;
        ids.push(id);
    }
    Ok(ids)
}

/// The default entries of each list, as DESIGN.md §1 names them.
pub fn defaults(kind: ListKind) -> &'static [&'static str] {
    match kind {
        ListKind::IntakeMethod => &["電話", "来所", "訪問", "FAX", "メール", "MCS", "会議"],
        ListKind::ConsulterType => &[
            "本人",
            "家族・親族",
            "ケアマネジャー",
            "地域包括支援センター",
            "病院（MSW・入退院支援）",
            "診療所",
            "訪問看護ステーション",
            "介護サービス事業所",
            "行政",
            "その他",
        ],
        ListKind::Category => &[
            "往診医・訪問診療の紹介",
            "入退院支援",
            "訪問看護",
            "医療処置",
            "介護保険サービス",
            "療養支援ベッド",
            "認知症",
            "ACP・看取り",
            "制度・費用",
            "その他",
        ],
        ListKind::Response => &[
            "情報提供",
            "医療機関紹介",
            "関係機関との連絡調整",
            "同行訪問",
            "会議",
        ],
        ListKind::Outcome => &[
            "在宅療養開始",
            "在宅療養継続",
            "入院・入所",
            "他機関へ引継ぎ",
            "死亡",
            "情報提供のみで終了",
            "その他",
        ],
        ListKind::Staff => &[],
        ListKind::ContactParty => &[
            "本人",
            "家族",
            "ケアマネジャー",
            "医療機関",
            "地域包括支援センター",
            "行政",
            "その他",
        ],
        ListKind::Scene => &["日常の療養支援", "入退院支援", "急変時の対応", "看取り"],
    }
}

/// Fills every empty list with its defaults; returns how many were added.
pub fn ensure_defaults(conn: &mut Connection) -> Result<usize> {
    let tx = conn.transaction()?;
    let mut added = 0;
    for kind in ListKind::ALL {
        let n: i64 = tx.query_row(
            "SELECT count(*) FROM case_list_items WHERE kind = ?1",
            [kind.code()],
            |r| r.get(0),
        )?;
        if n == 0 {
            added += seed(&tx, kind, defaults(kind))?.len();
        }
    }
    tx.commit()?;
    Ok(added)
}
