//! 意志表示帳 handed out at a session, recorded in the booklet ledger.

use chrono::NaiveDateTime;
use rusqlite::{params, Connection, Transaction};
use serde::Deserialize;

use super::sessions::{session, Session};
use super::{in_transaction, one, SessionKind};
use crate::booklets::{self, seeded_channel, Channel, EntryInput, Kind as EntryKind};
use crate::{text, Error, Result};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookletsInput {
    pub edition_id: String,
    pub quantity: String,
}

/// The ledger channel a session's hand-out is counted under: a seeded
/// channel, found by id because staff may rename channels in 設定.
fn channel_for(kind: SessionKind) -> &'static str {
    match kind {
        SessionKind::Outreach => seeded_channel::OUTREACH_LECTURE,
        SessionKind::PublicLecture => seeded_channel::PUBLIC_LECTURE,
        SessionKind::Training | SessionKind::FacilityTour | SessionKind::Other => {
            seeded_channel::EVENT
        }
    }
}

/// The channel a hand-out at a session of `kind` is recorded under now: its
/// seeded channel, or その他 when staff have hidden it; `None` when neither
/// is in use.
pub(crate) fn handout_channel(conn: &Connection, kind: SessionKind) -> Result<Option<Channel>> {
    let channels = booklets::channels(conn)?;
    let usable = |id: &str| channels.iter().find(|c| c.id == id && c.active).cloned();
    Ok(usable(channel_for(kind)).or_else(|| usable(seeded_channel::OTHER)))
}

/// Records 意志表示帳 handed out at a session: one ledger issue dated the
/// session day, linked to the session, in one transaction. A shortfall is
/// refused with the ledger's own message.
pub fn record_booklets(
    conn: &mut Connection,
    session_id: &str,
    input: &BookletsInput,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<Session> {
    let id = in_transaction(conn, |tx| record_in(tx, session_id, input, changed_by, now))?;
    session(conn, &id)
}

/// [`record_booklets`] inside its transaction; returns the session id.
fn record_in(
    tx: &Transaction,
    session_id: &str,
    input: &BookletsInput,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<String> {
    let sql = "SELECT kind, title, session_date, city_id FROM lecture_sessions WHERE id = ?1";
    let id = text::uuid("id", session_id)?;
    let (kind, title, date, city): (SessionKind, String, String, Option<String>) =
        one(tx, sql, &id, "講座の開催", |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
    let channel = handout_channel(tx, kind)?.ok_or_else(|| {
            Error::Conflict(format!(
                "「{kind}」の配布を記録する配布経路（「その他」を含む）が使われていません。意志表示帳の設定で配布経路を確認してください。"
            ))
        })?;
    let entry = EntryInput {
        kind: EntryKind::Issue,
        entry_date: date,
        edition_id: input.edition_id.clone(),
        quantity: input.quantity.clone(),
        source: String::new(),
        channel_id: channel.id.clone(),
        recipient_type: "市民（講座・イベント参加者）".into(),
        recipient_name: String::new(),
        city_id: city.unwrap_or_default(),
        note: text::single_line("note", "題名", &format!("{kind}「{title}」"), 200, false)
            .unwrap_or_default(),
    };
    let entry_id = booklets::add_entry_in(tx, &entry, changed_by, now)?;
    tx.execute(
        "UPDATE booklet_entries SET lecture_session_id = ?2 WHERE id = ?1",
        params![entry_id, id],
    )?;
    Ok(id)
}
