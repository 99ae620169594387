//! Demo enquiries without a patient (対象者なし): a care manager asking which
//! clinic visits at night, a citizen asking about ACP in general. About one
//! for every twenty demo cases, spread over the same two years, some with a
//! contact or a memo in their timeline.

use chrono::{Duration, NaiveDateTime};
use rusqlite::Connection;

use super::Lcg;
use crate::cases::lists::{self, ListKind};
use crate::cases::{self, CaseInput, EntryInput};
use crate::store::iso;
use crate::Result;

/// (相談者種別 by position in the default list, 所属, 相談内容分類 by
/// position, 内容).
const ENQUIRIES: &[(usize, &str, usize, &str)] = &[
    (
        2,
        "北部居宅介護支援事業所",
        0,
        "北部圏域で夜間も往診してくれる診療所はどこか知りたい。",
    ),
    (
        1,
        "",
        7,
        "人生会議（ACP）について一般的に知りたい。家族で話す前に資料がほしい。",
    ),
    (
        3,
        "鶴ヶ島市地域包括支援センター",
        5,
        "療養支援ベッドの利用の流れと登録方法を確認したい。",
    ),
    (
        9,
        "",
        8,
        "在宅医療にかかる費用の目安を一般論として聞きたい。",
    ),
    (
        6,
        "訪問看護ステーションみなみ",
        9,
        "出前講座の申込み方法についての問い合わせ。",
    ),
];

/// The (担当者) ids of a list, active ones only.
fn ids(conn: &Connection, kind: ListKind) -> Result<Vec<String>> {
    Ok(lists::list(conn, kind)?
        .items
        .into_iter()
        .filter(|i| !i.retired)
        .map(|i| i.id)
        .collect())
}

/// Adds `count` enquiries without a patient; returns how many were written.
pub fn fill(conn: &mut Connection, count: usize, now: NaiveDateTime) -> Result<usize> {
    let intake = ids(conn, ListKind::IntakeMethod)?;
    let consulter = ids(conn, ListKind::ConsulterType)?;
    let category = ids(conn, ListKind::Category)?;
    let party = ids(conn, ListKind::ContactParty)?;
    let staff = ids(conn, ListKind::Staff)?;
    let mut rng = Lcg(0x5A44_534B_0016 ^ count as u64);
    let span_minutes = 2 * 365 * 24 * 60;
    let start = now - Duration::minutes(span_minutes);
    let mut batch = Vec::with_capacity(count);
    for n in 0..count {
        let t = start + Duration::minutes(rng.below(span_minutes as usize) as i64);
        let received = t
            .date()
            .and_hms_opt(9 + rng.below(8) as u32, rng.below(60) as u32, 0)
            .unwrap_or(t)
            .min(now);
        let (who, affiliation, cat, content) = *rng.pick(ENQUIRIES);
        let method = intake[if rng.chance(80) {
            0
        } else {
            rng.below(intake.len())
        }]
        .clone();
        let input = CaseInput {
            received_date: iso(received.date()),
            received_time: received.format("%H:%M").to_string(),
            intake_method_id: method.clone(),
            consulter_type_id: consulter[who.min(consulter.len() - 1)].clone(),
            consulter_affiliation: affiliation.into(),
            is_new: true,
            no_person: true,
            category_ids: vec![category[cat.min(category.len() - 1)].clone()],
            content: content.into(),
            response_ids: Vec::new(),
            minutes: (5 * (1 + rng.below(4))).to_string(),
            staff_id: rng.pick(&staff).clone(),
            status: "終結".into(),
            ..Default::default()
        };
        // One in three gets a call back; one in five a memo to self.
        let day = (received.date() + Duration::days(1 + rng.below(3) as i64)).min(now.date());
        let mut entries = Vec::new();
        if n % 3 == 0 {
            entries.push(EntryInput {
                date: iso(day),
                staff_id: input.staff_id.clone(),
                note: "調べた結果を折り返し電話で伝えた。".into(),
                minutes: "10".into(),
                method_id: intake[0].clone(),
                party_id: party[(n / 3) % party.len()].clone(),
                ..Default::default()
            });
        }
        if n % 5 == 1 {
            entries.push(EntryInput {
                date: iso(day),
                staff_id: input.staff_id.clone(),
                note: "同様の問い合わせが多い。次回の広報で周知を検討。".into(),
                contact: false,
                ..Default::default()
            });
        }
        batch.push((input, entries));
    }
    let by = staff[0].clone();
    let written = cases::insert_many(conn, &batch, &by, now)?.len();
    Ok(written)
}
