//! Demo 名簿: 23 往診登録医 (some of them もの忘れ相談医, a few with a
//! registration sheet due), four hospitals with 療養支援ベッド and their
//! recent availability, and the organisations of the two demo cities (the
//! professional associations come with the lecture providers). Every
//! name, address and number is invented for this project.

use chrono::{Months, NaiveDateTime};
use rusqlite::Connection;

use crate::office::Office;
use crate::registries::organisations::{self, OrganisationInput};
use crate::registries::{self, BedUpdateInput, DoctorInput, SupportBedInput};
use crate::store::iso;
use crate::Result;

/// What was created, for the demo summary.
pub struct Filled {
    pub doctors: usize,
    pub beds: usize,
    pub organisations: usize,
}

/// (医師名, ふりがな, 医療機関, city index, 圏域 indexes, flags, もの忘れ相談医,
/// months since the registration sheet, or None for no sheet yet).
/// Flags: 往 往診, 訪 訪問診療, 看 看取り対応, 24 24時間対応.
type DoctorRow = (
    &'static str,
    &'static str,
    &'static str,
    usize,
    &'static [usize],
    &'static str,
    bool,
    Option<u32>,
);

const DOCTORS: &[DoctorRow] = &[
    (
        "相川 正弘",
        "あいかわ まさひろ",
        "北坂戸クリニック",
        0,
        &[4, 3],
        "往訪看24",
        true,
        Some(3),
    ),
    (
        "石井 由紀子",
        "いしい ゆきこ",
        "若葉台ファミリークリニック",
        1,
        &[0, 1],
        "往訪看",
        true,
        Some(8),
    ),
    (
        "上野 達也",
        "うえの たつや",
        "鶴ヶ島在宅診療所",
        1,
        &[0, 1, 2, 3],
        "往訪看24",
        false,
        Some(2),
    ),
    (
        "江口 誠",
        "えぐち まこと",
        "坂戸駅前内科",
        0,
        &[0],
        "往",
        true,
        Some(14),
    ),
    (
        "大島 恵美",
        "おおしま えみ",
        "おおしま医院",
        0,
        &[1],
        "往訪",
        false,
        Some(5),
    ),
    (
        "加納 浩二",
        "かのう こうじ",
        "入西ホームクリニック",
        0,
        &[2],
        "往訪看24",
        false,
        Some(1),
    ),
    (
        "菊地 智子",
        "きくち ともこ",
        "千代田こころのクリニック",
        0,
        &[3],
        "",
        true,
        Some(10),
    ),
    (
        "久保田 隆",
        "くぼた たかし",
        "くぼた内科クリニック",
        0,
        &[0, 3],
        "往訪",
        true,
        Some(20),
    ),
    (
        "小池 一成",
        "こいけ かずなり",
        "三芳野診療所",
        0,
        &[0],
        "往訪看",
        false,
        Some(6),
    ),
    (
        "斉藤 亮",
        "さいとう りょう",
        "勝呂クリニック",
        0,
        &[1],
        "往",
        false,
        None,
    ),
    (
        "篠原 律子",
        "しのはら りつこ",
        "しのはら整形外科",
        0,
        &[4],
        "往",
        false,
        Some(11),
    ),
    (
        "杉山 和彦",
        "すぎやま かずひこ",
        "すぎやま医院",
        1,
        &[2],
        "往訪看",
        true,
        Some(4),
    ),
    (
        "瀬川 真理",
        "せがわ まり",
        "鶴ヶ島南クリニック",
        1,
        &[2, 3],
        "往訪24",
        false,
        Some(7),
    ),
    (
        "高木 健",
        "たかぎ けん",
        "高木内科・在宅クリニック",
        1,
        &[1],
        "往訪看24",
        true,
        Some(9),
    ),
    (
        "千葉 直樹",
        "ちば なおき",
        "ちば脳神経内科",
        1,
        &[0, 1, 2, 3],
        "",
        true,
        Some(2),
    ),
    (
        "土屋 香織",
        "つちや かおり",
        "つちや皮膚科",
        0,
        &[0, 1],
        "往",
        false,
        Some(16),
    ),
    (
        "中島 康夫",
        "なかじま やすお",
        "大家ファミリー診療所",
        0,
        &[1, 2],
        "往訪看",
        false,
        Some(3),
    ),
    (
        "西村 陽子",
        "にしむら ようこ",
        "西村医院",
        1,
        &[3],
        "往訪",
        true,
        Some(12),
    ),
    (
        "野村 修",
        "のむら おさむ",
        "北坂戸クリニック",
        0,
        &[4],
        "往訪看24",
        false,
        Some(3),
    ),
    (
        "浜田 俊介",
        "はまだ しゅんすけ",
        "はまだ在宅医療クリニック",
        0,
        &[0, 1, 2, 3, 4],
        "往訪看24",
        false,
        Some(1),
    ),
    (
        "藤井 敦子",
        "ふじい あつこ",
        "鶴ヶ島中央診療所",
        1,
        &[0],
        "往訪",
        true,
        Some(13),
    ),
    (
        "松田 光一",
        "まつだ こういち",
        "まつだ眼科",
        0,
        &[3],
        "",
        false,
        Some(6),
    ),
    (
        "宮本 紀子",
        "みやもと のりこ",
        "城山内科医院",
        0,
        &[4],
        "往訪看",
        true,
        Some(2),
    ),
];

/// (kind, name, department, city index, address, phone)
type OrganisationRow = (
    &'static str,
    &'static str,
    &'static str,
    Option<usize>,
    &'static str,
    &'static str,
);

const ORGANISATIONS: &[OrganisationRow] = &[
    (
        "病院（医療相談室）",
        "坂戸中央病院",
        "地域連携室",
        Some(0),
        "坂戸市中央二丁目3番地",
        "049-200-1100",
    ),
    (
        "病院（医療相談室）",
        "鶴ヶ島総合病院",
        "医療相談室",
        Some(1),
        "鶴ヶ島市富士見四丁目5番地",
        "049-200-1200",
    ),
    (
        "病院（医療相談室）",
        "入西リハビリテーション病院",
        "医療福祉相談室",
        Some(0),
        "坂戸市にっさい花みず木六丁目1番地",
        "049-200-1300",
    ),
    (
        "病院（医療相談室）",
        "つるがしま南病院",
        "地域医療連携室",
        Some(1),
        "鶴ヶ島市南町二丁目8番地",
        "049-200-1400",
    ),
    (
        "地域包括支援センター",
        "坂戸・三芳野地域包括支援センター",
        "",
        Some(0),
        "坂戸市千代田一丁目4番地",
        "049-200-2100",
    ),
    (
        "地域包括支援センター",
        "勝呂・大家地域包括支援センター",
        "",
        Some(0),
        "坂戸市石井二丁目6番地",
        "049-200-2200",
    ),
    (
        "地域包括支援センター",
        "入西地域包括支援センター",
        "",
        Some(0),
        "坂戸市にっさい花みず木二丁目9番地",
        "049-200-2300",
    ),
    (
        "地域包括支援センター",
        "浅羽野・千代田地域包括支援センター",
        "",
        Some(0),
        "坂戸市浅羽野三丁目2番地",
        "049-200-2400",
    ),
    (
        "地域包括支援センター",
        "城山・北坂戸地域包括支援センター",
        "",
        Some(0),
        "坂戸市末広町1番地",
        "049-200-2500",
    ),
    (
        "地域包括支援センター",
        "鶴ヶ島市北部地域包括支援センター",
        "",
        Some(1),
        "鶴ヶ島市藤金5番地",
        "049-200-2600",
    ),
    (
        "地域包括支援センター",
        "鶴ヶ島市東部地域包括支援センター",
        "",
        Some(1),
        "鶴ヶ島市上広谷7番地",
        "049-200-2700",
    ),
    (
        "地域包括支援センター",
        "鶴ヶ島市南部地域包括支援センター",
        "",
        Some(1),
        "鶴ヶ島市脚折町三丁目1番地",
        "049-200-2800",
    ),
    (
        "地域包括支援センター",
        "鶴ヶ島市西部地域包括支援センター",
        "",
        Some(1),
        "鶴ヶ島市五味ヶ谷10番地",
        "049-200-2900",
    ),
    (
        "居宅介護支援事業所",
        "ケアプランセンターひだまり",
        "",
        Some(0),
        "坂戸市日の出町8番地",
        "049-200-3100",
    ),
    (
        "居宅介護支援事業所",
        "居宅介護支援事業所 すずらん",
        "",
        Some(1),
        "鶴ヶ島市松ヶ丘二丁目3番地",
        "049-200-3200",
    ),
    (
        "訪問看護ステーション",
        "みよしの訪問看護ステーション",
        "",
        Some(0),
        "坂戸市三芳野4番地",
        "049-200-3300",
    ),
    (
        "訪問看護ステーション",
        "つるがしま訪問看護ステーション",
        "",
        Some(1),
        "鶴ヶ島市新町一丁目6番地",
        "049-200-3400",
    ),
    (
        "薬局",
        "かわせみ薬局",
        "",
        Some(0),
        "坂戸市元町12番地",
        "049-200-3500",
    ),
    (
        "行政",
        "坂戸市",
        "高齢者福祉課",
        Some(0),
        "坂戸市千代田一丁目1番1号",
        "049-200-5100",
    ),
    (
        "行政",
        "鶴ヶ島市",
        "高齢者福祉課",
        Some(1),
        "鶴ヶ島市三ツ木16番地1",
        "049-200-5200",
    ),
    (
        "行政",
        "坂戸保健所",
        "地域保健推進担当",
        None,
        "坂戸市石井2327番地1",
        "049-200-5300",
    ),
    (
        "その他",
        "坂戸市社会福祉協議会",
        "",
        Some(0),
        "坂戸市南町1番地",
        "049-200-6100",
    ),
];

/// (病院, city index, 床数, recent free beds from oldest to newest)
const BEDS: &[(&str, usize, i64, &[i64])] = &[
    ("坂戸中央病院", 0, 2, &[0, 1, 1]),
    ("鶴ヶ島総合病院", 1, 3, &[2, 0, 1]),
    ("入西リハビリテーション病院", 0, 2, &[1, 2]),
    ("つるがしま南病院", 1, 1, &[0]),
];

fn flags(f: &str) -> (bool, bool, bool, bool) {
    (
        f.contains('往'),
        f.contains('訪'),
        f.contains('看'),
        f.contains("24"),
    )
}

/// Adds the demo registries for `office`'s cities.
pub fn fill(conn: &mut Connection, office: &Office, now: NaiveDateTime) -> Result<Filled> {
    let city = |i: usize| office.cities.get(i);
    // Registered some years ago, so past years' reports count them too.
    let long_ago = || {
        now.date()
            .checked_sub_months(Months::new(40))
            .map(iso)
            .unwrap_or_default()
    };
    for (kind, name, department, city_index, address, phone) in ORGANISATIONS {
        organisations::save(
            conn,
            &OrganisationInput {
                kind: (*kind).into(),
                name: (*name).into(),
                department: (*department).into(),
                address: format!("埼玉県{address}"),
                phone: (*phone).into(),
                city_id: city_index.and_then(city).map(|c| c.id.clone()),
                registered_on: long_ago(),
                ..Default::default()
            },
            now,
        )?;
    }
    for (n, (name, kana, clinic, city_index, areas, f, dementia, months)) in
        DOCTORS.iter().enumerate()
    {
        let (home_visits, regular_visits, end_of_life, round_the_clock) = flags(f);
        let city = city(*city_index);
        let sheet = months
            .and_then(|m| now.date().checked_sub_months(Months::new(m)))
            .map(iso)
            .unwrap_or_default();
        registries::save_doctor(
            conn,
            &DoctorInput {
                name: (*name).into(),
                kana: (*kana).into(),
                clinic: (*clinic).into(),
                address: format!(
                    "埼玉県{}{}",
                    city.map(|c| c.name.as_str()).unwrap_or(""),
                    ["本町", "緑町", "青葉台", "桜ヶ丘"][n % 4]
                ) + &format!("{}番地", 3 + n * 7 % 40),
                phone: format!("049-200-7{:03}", n * 10),
                fax: format!("049-200-8{:03}", n * 10),
                city_id: city.map(|c| c.id.clone()),
                area_ids: city
                    .map(|c| {
                        areas
                            .iter()
                            .filter_map(|i| c.areas.get(*i).map(|a| a.id.clone()))
                            .collect()
                    })
                    .unwrap_or_default(),
                home_visits,
                regular_visits,
                end_of_life,
                round_the_clock,
                dementia_consult: *dementia,
                sheet_updated_on: sheet,
                registered_on: long_ago(),
                ..Default::default()
            },
            now,
        )?;
    }
    for (index, (hospital, city_index, beds, frees)) in BEDS.iter().enumerate() {
        let bed = registries::save_bed(
            conn,
            &SupportBedInput {
                hospital: (*hospital).into(),
                city_id: city(*city_index).map(|c| c.id.clone()),
                // The 地域連携室 the 輪番表 and 「本日の療養支援ベッド」 give.
                phone: format!("049-28{index}-1100"),
                beds: beds.to_string(),
                notes: "レスパイト入院にも対応。申込は地域連携室へ。".into(),
                registered_on: long_ago(),
                ..Default::default()
            },
            now,
        )?;
        for (i, free) in frees.iter().enumerate() {
            let weeks_ago = (frees.len() - 1 - i) as i64 * 7;
            let day = now.date() - chrono::Duration::days(weeks_ago);
            registries::add_bed_update(
                conn,
                &bed.id,
                &BedUpdateInput {
                    checked_on: iso(day),
                    free_beds: free.to_string(),
                    note: if *free == 0 {
                        "満床".into()
                    } else {
                        String::new()
                    },
                },
                now,
            )?;
        }
    }
    Ok(Filled {
        doctors: DOCTORS.len(),
        beds: BEDS.len(),
        organisations: ORGANISATIONS.len(),
    })
}
