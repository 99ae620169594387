//! Demo ledger of 私の意志表示帳: both editions, print runs, and two years of
//! hand-outs across the channels and both cities, ending on the day `now`.
//! A small linear congruential generator with a fixed seed makes it the same
//! every time for the same `now` (no rand crate needed).

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime, Weekday};
use rusqlite::Connection;

use super::Lcg;
use crate::booklets::{self, EditionInput, EntryInput, Kind};
use crate::office::Office;
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

/// Writes the demo ledger inside one transaction.
pub fn fill(conn: &mut Connection, office: &Office, now: NaiveDateTime) -> Result<Ledger> {
    let exists: i64 = conn.query_row("SELECT count(*) FROM booklet_editions", [], |r| r.get(0))?;
    if exists > 0 {
        return Err(Error::Conflict(
            "意志表示帳のデータが既にあります。デモデータは作成できません。".into(),
        ));
    }
    let first = booklets::save_edition(
        conn,
        &EditionInput {
            id: None,
            title: "私の意志表示帳".into(),
            edition: "初版 平成26年".into(),
            publisher: "坂戸鶴ヶ島医師会".into(),
            notes: "在庫限りで配布終了。".into(),
            low_stock_threshold: String::new(),
        },
        now,
    )?;
    let second = booklets::save_edition(
        conn,
        &EditionInput {
            id: None,
            title: "私の意志表示帳".into(),
            edition: "第2版 令和元年12月".into(),
            publisher: "坂戸鶴ヶ島医師会・坂戸市・鶴ヶ島市".into(),
            notes: "A5判 16ページ。".into(),
            low_stock_threshold: "200".into(),
        },
        now,
    )?;
    let channels = booklets::channels(conn)?;
    let channel = |name: &str| {
        channels
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.id.clone())
            .unwrap_or_default()
    };
    let city_ids: Vec<String> = office.cities.iter().map(|c| c.id.clone()).collect();

    let today = now.date();
    let start = today
        .with_day(1)
        .and_then(|d| d.checked_sub_months(Months::new(24)))
        .unwrap_or(today);
    let mut rng = Lcg(0x5A44_534B_2014_1201);
    let mut ledger = Ledger {
        editions: 2,
        ..Ledger::default()
    };
    let mut stock = [0i64, 0i64];
    let editions = [first.id.clone(), second.id.clone()];

    let tx = conn.transaction()?;
    let at = |day: NaiveDate, rng: &mut Lcg| {
        day.and_hms_opt(9 + rng.below(8) as u32, rng.below(60) as u32, 0)
            .unwrap_or(now)
            .min(now)
    };
    let mut receive = |tx: &rusqlite::Transaction,
                       rng: &mut Lcg,
                       stock: &mut [i64; 2],
                       which: usize,
                       day: NaiveDate,
                       qty: i64,
                       source: &str,
                       note: &str|
     -> Result<()> {
        let input = EntryInput {
            kind: Kind::Receipt,
            entry_date: day.format("%Y-%m-%d").to_string(),
            edition_id: editions[which].clone(),
            quantity: qty.to_string(),
            source: source.into(),
            channel_id: String::new(),
            recipient_type: String::new(),
            recipient_name: String::new(),
            city_id: String::new(),
            note: note.into(),
        };
        booklets::add_entry_in(tx, &input, "山田 花子", at(day, rng))?;
        stock[which] += qty;
        ledger.receipts += 1;
        Ok(())
    };
    receive(
        &tx,
        &mut rng,
        &mut stock,
        0,
        start,
        140,
        "other",
        "前年度からの繰越",
    )?;
    receive(
        &tx,
        &mut rng,
        &mut stock,
        1,
        start,
        1500,
        "print",
        "第2版 増刷",
    )?;
    let reprint = start.checked_add_months(Months::new(12)).unwrap_or(start);
    receive(
        &tx,
        &mut rng,
        &mut stock,
        1,
        reprint,
        1000,
        "print",
        "第2版 増刷（市の補助）",
    )?;
    let donation = start.checked_add_months(Months::new(7)).unwrap_or(start) + Duration::days(10);
    receive(
        &tx,
        &mut rng,
        &mut stock,
        1,
        donation,
        50,
        "gift",
        "地域包括支援センターから未使用分の返却",
    )?;

    let mut issued_ids = Vec::new();
    let mut day = start;
    while day <= today {
        let weekday = !matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        let mut handouts: Vec<(&str, i64, &str, String)> = Vec::new();
        if weekday && rng.chance(35) {
            handouts.push(("相談窓口", rng.between(1, 2), "本人・家族", String::new()));
        }
        if weekday && rng.chance(4) {
            handouts.push((
                "出前講座",
                rng.between(12, 35),
                "市民（講座・イベント参加者）",
                format!("{} 出前講座", rng.pick(HALLS)),
            ));
        }
        if weekday && rng.chance(2) {
            handouts.push((
                "医療機関",
                rng.between(10, 25),
                "医療機関",
                rng.pick(CLINICS).to_string(),
            ));
        }
        if weekday && rng.chance(2) {
            handouts.push((
                "介護事業所",
                rng.between(5, 15),
                "介護事業所",
                rng.pick(CARE_OFFICES).to_string(),
            ));
        }
        if weekday && rng.chance(1) {
            handouts.push((
                "地域包括支援センター",
                rng.between(20, 40),
                "地域包括支援センター",
                rng.pick(HUBS).to_string(),
            ));
        }
        // 市民公開講座 in February and September, events in November.
        if day.day() == 20 && matches!(day.month(), 2 | 9) {
            handouts.push((
                "市民公開講座",
                rng.between(60, 110),
                "市民（講座・イベント参加者）",
                "市民公開講座（在宅医療を考える）".into(),
            ));
        }
        if day.day() == 3 && day.month() == 11 {
            handouts.push((
                "イベント",
                rng.between(40, 80),
                "市民（講座・イベント参加者）",
                rng.pick(EVENTS).to_string(),
            ));
        }
        for (name, qty, recipient_type, recipient_name) in handouts {
            // The old edition is handed out first, until it runs out.
            let which = if stock[0] >= qty { 0 } else { 1 };
            if stock[which] < qty {
                continue;
            }
            let city = if city_ids.is_empty() {
                String::new()
            } else if rng.chance(59) {
                city_ids[0].clone()
            } else {
                city_ids[city_ids.len() - 1].clone()
            };
            let input = EntryInput {
                kind: Kind::Issue,
                entry_date: day.format("%Y-%m-%d").to_string(),
                edition_id: editions[which].clone(),
                quantity: qty.to_string(),
                source: String::new(),
                channel_id: channel(name),
                recipient_type: recipient_type.into(),
                recipient_name,
                city_id: city,
                note: String::new(),
            };
            let id = booklets::add_entry_in(&tx, &input, "山田 花子", at(day, &mut rng))?;
            stock[which] -= qty;
            ledger.issues += 1;
            issued_ids.push(id);
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
