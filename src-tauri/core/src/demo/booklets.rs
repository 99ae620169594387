//! Demo ledger of 私の意志表示帳: both editions, print runs, and two years of
//! hand-outs across the channels and both cities, ending on the day `now`.
//! A small linear congruential generator with a fixed seed makes it the same
//! every time for the same `now` (no rand crate needed).

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime, Weekday};
use rusqlite::Connection;

use super::Lcg;
use crate::booklets::{self, seeded_channel, EditionInput, EntryInput};
use crate::office::{self, Office};
use crate::store::iso;
use crate::{Error, Result};

/// How much of the ledger was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ledger {
    pub editions: usize,
    pub receipts: usize,
    pub issues: usize,
}

const CLINICS: &[&str] = &[
    "坂戸中央クリニック",
    "にっさい内科医院",
    "つるがしま在宅診療所",
    "北坂戸ファミリークリニック",
    "若葉台整形外科",
];
const CARE_OFFICES: &[&str] = &[
    "居宅介護支援事業所 さくら",
    "ケアプランセンター ひだまり",
    "訪問看護ステーション あおば",
    "デイサービス ふれあい",
];
const HALLS: &[&str] = &[
    "千代田公民館",
    "入西地域交流センター",
    "大家公民館",
    "鶴ヶ島市南公民館",
    "鶴ヶ島市東公民館",
    "坂戸市文化会館",
];
const HUBS: &[&str] = &[
    "坂戸市地域包括支援センター",
    "鶴ヶ島市北部地域包括支援センター",
    "鶴ヶ島市南部地域包括支援センター",
];
const EVENTS: &[&str] = &["健康まつり", "介護の日フェア", "市民健康フェスタ"];

/// A kind of hand-out on weekdays: channel, chance of one a day in percent,
/// copies (low, high), recipient type, and the names the recipient is
/// picked from (none: not recorded) with a suffix.
type Handout = (
    &'static str,
    usize,
    (i64, i64),
    &'static str,
    &'static [&'static str],
    &'static str,
);

const WEEKDAY_HANDOUTS: &[Handout] = &[
    (seeded_channel::COUNTER, 35, (1, 2), "本人・家族", &[], ""),
    (
        seeded_channel::OUTREACH_LECTURE,
        4,
        (12, 35),
        "市民（講座・イベント参加者）",
        HALLS,
        " 出前講座",
    ),
    (
        seeded_channel::MEDICAL,
        2,
        (10, 25),
        "医療機関",
        CLINICS,
        "",
    ),
    (
        seeded_channel::CARE,
        2,
        (5, 15),
        "介護事業所",
        CARE_OFFICES,
        "",
    ),
    (
        seeded_channel::CARE_HUB,
        1,
        (20, 40),
        "地域包括支援センター",
        HUBS,
        "",
    ),
];

const CLERK: &str = "山田 花子";

/// Writes the demo ledger inside one transaction.
pub fn fill(conn: &mut Connection, office: &Office, now: NaiveDateTime) -> Result<Ledger> {
    let exists: i64 = conn.query_row("SELECT count(*) FROM booklet_editions", [], |r| r.get(0))?;
    if exists > 0 {
        return Err(Error::Conflict(
            "意志表示帳のデータが既にあります。デモデータは作成できません。".into(),
        ));
    }
    let mut editions = Vec::new();
    for (edition, publisher, notes, threshold) in [
        (
            "初版 平成26年",
            "坂戸鶴ヶ島医師会",
            "在庫限りで配布終了。",
            "",
        ),
        (
            "第2版 令和元年12月",
            "坂戸鶴ヶ島医師会・坂戸市・鶴ヶ島市",
            "A5判 16ページ。",
            "200",
        ),
    ] {
        let input = EditionInput {
            id: None,
            title: "私の意志表示帳".into(),
            edition: edition.into(),
            publisher: publisher.into(),
            notes: notes.into(),
            low_stock_threshold: threshold.into(),
            is_booklet: Some(true),
        };
        editions.push(booklets::save_edition(conn, &input, now)?.id);
    }
    // The 医療WG's pamphlet, handed out beside the booklet but counted
    // under its own title.
    let pamphlet = booklets::save_edition(
        conn,
        &EditionInput {
            id: None,
            title: "かかりつけ医の準備をしましょう".into(),
            edition: "令和5年版".into(),
            publisher: "在宅医療推進協議会 医療WG".into(),
            notes: "A4三つ折り。".into(),
            low_stock_threshold: String::new(),
            is_booklet: Some(false),
        },
        now,
    )?
    .id;
    let city_ids: Vec<String> = office.cities.iter().map(|c| c.id.clone()).collect();

    let today = now.date();
    let start = today
        .with_day(1)
        .and_then(|d| d.checked_sub_months(Months::new(24)))
        .unwrap_or(today);
    let months_later = |n| start.checked_add_months(Months::new(n)).unwrap_or(start);
    let mut rng = Lcg(0x5A44_534B_2014_1201);
    let mut ledger = Ledger {
        editions: editions.len() + 1,
        ..Ledger::default()
    };
    let mut stock = [0i64, 0i64];

    let tx = conn.transaction()?;
    let at = |day: NaiveDate, rng: &mut Lcg| {
        day.and_hms_opt(9 + rng.below(8) as u32, rng.below(60) as u32, 0)
            .unwrap_or(now)
            .min(now)
    };
    for (which, day, qty, source, note) in [
        (0, start, 140, "other", "前年度からの繰越"),
        (1, start, 1500, "print", "第2版 増刷"),
        (1, months_later(12), 1000, "print", "第2版 増刷（市の補助）"),
        (
            1,
            months_later(7) + Duration::days(10),
            50,
            "gift",
            "地域包括支援センターから未使用分の返却",
        ),
    ] {
        let input = EntryInput {
            note: note.into(),
            ..EntryInput::receipt(&editions[which], &iso(day), qty, source)
        };
        booklets::add_entry_in(&tx, &input, CLERK, at(day, &mut rng))?;
        stock[which] += qty;
        ledger.receipts += 1;
    }

    // The pamphlet's entries take no draws of `rng`, so the booklet's
    // figures stay as they were before the pamphlet.
    let late = |day: NaiveDate| day.and_hms_opt(17, 0, 0).unwrap_or(now).min(now);
    let pamphlet_start = months_later(6);
    booklets::add_entry_in(
        &tx,
        &EntryInput::receipt(&pamphlet, &iso(pamphlet_start), 600, "print"),
        CLERK,
        late(pamphlet_start),
    )?;
    ledger.receipts += 1;
    let mut pamphlet_stock = 600;
    // Every 11th hand-out is to someone from a neighbouring town (市外).
    let mut handout_no = 0;

    let mut issued_ids = Vec::new();
    let mut day = start;
    while day <= today {
        let weekday = !matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        let mut handouts: Vec<(&str, i64, &str, String)> = Vec::new();
        for &(channel, chance, (low, high), recipient_type, names, suffix) in WEEKDAY_HANDOUTS {
            if weekday && rng.chance(chance) {
                let qty = rng.between(low, high);
                let name = if names.is_empty() {
                    String::new()
                } else {
                    format!("{}{suffix}", rng.pick(names))
                };
                handouts.push((channel, qty, recipient_type, name));
            }
        }
        // 市民公開講座 in February and September, events in November.
        if day.day() == 20 && matches!(day.month(), 2 | 9) {
            handouts.push((
                seeded_channel::PUBLIC_LECTURE,
                rng.between(60, 110),
                "市民（講座・イベント参加者）",
                "市民公開講座（在宅医療を考える）".into(),
            ));
        }
        if day.day() == 3 && day.month() == 11 {
            handouts.push((
                seeded_channel::EVENT,
                rng.between(40, 80),
                "市民（講座・イベント参加者）",
                rng.pick(EVENTS).to_string(),
            ));
        }
        for (channel, qty, recipient_type, recipient_name) in handouts {
            // The old edition is handed out first, until it runs out.
            let which = if stock[0] >= qty { 0 } else { 1 };
            if stock[which] < qty {
                continue;
            }
            handout_no += 1;
            let city = if city_ids.is_empty() {
                String::new()
            } else if handout_no % 11 == 0 {
                office::OUTSIDE_CITY_ID.to_string()
            } else if rng.chance(59) {
                city_ids[0].clone()
            } else {
                city_ids[city_ids.len() - 1].clone()
            };
            let input = EntryInput {
                recipient_type: recipient_type.into(),
                recipient_name,
                city_id: city,
                ..EntryInput::issue(&editions[which], &iso(day), qty, channel)
            };
            let id = booklets::add_entry_in(&tx, &input, CLERK, at(day, &mut rng))?;
            stock[which] -= qty;
            ledger.issues += 1;
            issued_ids.push(id);
            // Lectures and clinics take the pamphlet along with the booklet.
            let with_pamphlet =
                [seeded_channel::OUTREACH_LECTURE, seeded_channel::MEDICAL].contains(&channel);
            let pamphlets = qty.min(pamphlet_stock);
            if with_pamphlet && day >= pamphlet_start && pamphlets > 0 {
                let input = EntryInput {
                    city_id: input.city_id.clone(),
                    ..EntryInput::issue(&pamphlet, &iso(day), pamphlets, channel)
                };
                booklets::add_entry_in(&tx, &input, CLERK, late(day))?;
                pamphlet_stock -= pamphlets;
                ledger.issues += 1;
            }
        }
        day += Duration::days(1);
    }
    // A few entries made twice by mistake and voided, as happens.
    for n in [17usize, 88, 150] {
        if let Some(id) = issued_ids.get(n) {
            booklets::void_entry_in(&tx, id, "二重に入力したため", "鈴木 一郎", now)?;
        }
    }
    tx.commit()?;
    Ok(ledger)
}
