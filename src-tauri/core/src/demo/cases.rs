//! Demo 相談記録: the default lists, four staff members, and `count` cases
//! spread over the two years before `now`, with timelines and repeat
//! consultations of the same people. A fixed-seed linear congruential
//! generator makes the data the same for the same `now` and `count`. All
//! names are invented for this project.

use chrono::{Duration, NaiveDateTime};
use rusqlite::Connection;

use super::Lcg;
use crate::access;
use crate::cases::lists::{self, ListKind};
use crate::cases::{self, search, CaseInput, EntryInput, PersonInput};
use crate::office::Office;
use crate::store::iso;
use crate::Result;

pub const STAFF: &[&str] = &["山田 花子", "佐藤 美紀", "高橋 健一", "中村 由美"];

const FAMILY: &[(&str, &str)] = &[
    ("佐藤", "さとう"),
    ("鈴木", "すずき"),
    ("高橋", "たかはし"),
    ("田中", "たなか"),
    ("伊藤", "いとう"),
    ("渡辺", "わたなべ"),
    ("山本", "やまもと"),
    ("中村", "なかむら"),
    ("小林", "こばやし"),
    ("加藤", "かとう"),
    ("吉田", "よしだ"),
    ("山口", "やまぐち"),
    ("松本", "まつもと"),
    ("井上", "いのうえ"),
    ("木村", "きむら"),
    ("清水", "しみず"),
    ("森田", "もりた"),
    ("石川", "いしかわ"),
    ("新井", "あらい"),
    ("関口", "せきぐち"),
    ("大野", "おおの"),
    ("岡部", "おかべ"),
    ("根岸", "ねぎし"),
    ("福島", "ふくしま"),
    ("横田", "よこた"),
    ("長谷川", "はせがわ"),
    ("小川", "おがわ"),
    ("島田", "しまだ"),
    ("野口", "のぐち"),
    ("增田", "ますだ"),
];

const GIVEN: &[(&str, &str, &str)] = &[
    ("トミ", "とみ", "女性"),
    ("キヨ", "きよ", "女性"),
    ("ハル", "はる", "女性"),
    ("和子", "かずこ", "女性"),
    ("幸子", "さちこ", "女性"),
    ("節子", "せつこ", "女性"),
    ("敏子", "としこ", "女性"),
    ("照子", "てるこ", "女性"),
    ("美代子", "みよこ", "女性"),
    ("久美子", "くみこ", "女性"),
    ("静江", "しずえ", "女性"),
    ("文子", "ふみこ", "女性"),
    ("清", "きよし", "男性"),
    ("茂", "しげる", "男性"),
    ("勇", "いさむ", "男性"),
    ("正雄", "まさお", "男性"),
    ("義男", "よしお", "男性"),
    ("博", "ひろし", "男性"),
    ("武", "たけし", "男性"),
    ("昭二", "しょうじ", "男性"),
    ("健三", "けんぞう", "男性"),
    ("進", "すすむ", "男性"),
    ("一郎", "いちろう", "男性"),
    ("光男", "みつお", "男性"),
];

const AFFILIATIONS: &[&str] = &[
    "坂戸中央病院 地域連携室",
    "鶴ヶ島総合病院 医療相談室",
    "入西地域包括支援センター",
    "鶴ヶ島市北部地域包括支援センター",
    "ケアプランセンターひだまり",
    "居宅介護支援事業所 すずらん",
    "みよしの訪問看護ステーション",
    "北坂戸クリニック",
    "かわせみ薬局",
    "坂戸市 高齢者福祉課",
];

const INFO_SOURCES: &[&str] = &[
    "市の広報",
    "地域包括支援センターの紹介",
    "病院からの紹介",
    "ケアマネジャーの紹介",
    "出前講座",
    "ホームページ",
    "知人から",
    "以前の相談",
];

const REFERRALS: &[&str] = &[
    "",
    "",
    "北坂戸クリニック（訪問診療）",
    "若葉台ファミリークリニック",
    "みよしの訪問看護ステーション",
    "鶴ヶ島在宅診療所",
    "入西地域包括支援センター",
    "坂戸中央病院 地域連携室",
];

/// Content templates by 相談内容分類 (the index into the default list).
const CONTENT: &[&[&str]] = &[
    &[
        "通院が難しくなってきたので、往診してくれる医師を探している。",
        "退院後に訪問診療を受けたい。自宅近くで対応できる医療機関を知りたい。",
    ],
    &[
        "来週退院予定。在宅での療養に向けて、訪問診療と訪問看護の調整を依頼したい。",
        "入院中の母の退院後の生活が心配。病院の退院支援担当と話し合いたい。",
    ],
    &[
        "褥瘡の処置のため訪問看護を利用したい。どこに頼めばよいか。",
        "服薬管理が難しく、訪問看護で見てもらえないか相談したい。",
    ],
    &[
        "在宅酸素療法を始めることになった。機器の手配と緊急時の連絡先を確認したい。",
        "胃ろうの管理を自宅でできるか不安。対応できる訪問看護を探している。",
        "インスリン注射を家族が行うことになり、指導を受けられる先を知りたい。",
    ],
    &[
        "要介護認定の申請方法と、使えるサービスを知りたい。",
        "ケアマネジャーを決めたい。居宅介護支援事業所の一覧がほしい。",
    ],
    &[
        "介護者が入院するため、短期間預かってもらえる療養支援ベッドを探している。",
        "レスパイトのための療養支援ベッドの空き状況を知りたい。",
    ],
    &[
        "物忘れが増えて心配。もの忘れ相談医を紹介してほしい。",
        "認知症の父が夜間に外出してしまう。相談できる所を知りたい。",
    ],
    &[
        "自宅で最期を迎えたいという本人の希望をかなえたい。看取りまで対応できる医師を探している。",
        "人生会議（ACP）について家族で話し合いたい。私の意志表示帳がほしい。",
    ],
    &[
        "在宅医療にかかる費用の目安を知りたい。高額療養費制度についても教えてほしい。",
        "訪問診療の医療費と介護保険の負担割合について聞きたい。",
    ],
    &[
        "講座の日程について問い合わせ。",
        "在宅医療について一般的な質問。",
    ],
];

const ENTRY_NOTES: &[&str] = &[
    "医療機関に連絡し、受け入れ可能との回答を得た。相談者へ電話で報告。",
    "ケアマネジャーと情報共有。来週の担当者会議に参加予定。",
    "相談者から再度電話あり。訪問診療の初回日が決まったとのこと。",
    "病院の地域連携室と退院前カンファレンスの日程を調整した。",
    "訪問看護ステーションへ情報提供書を送付。",
    "本人・家族と面談。今後の療養について希望を確認した。",
];

/// The PIN of every demo member (README tells newcomers).
pub const DEMO_PIN: &str = "1234";

/// Fills empty lists with their defaults and adds the demo staff, each
/// with the PIN [`DEMO_PIN`]; the first is 管理者.
pub fn seed_lists(conn: &mut Connection, now: NaiveDateTime) -> Result<()> {
    lists::ensure_defaults(conn)?;
    let staff = lists::list(conn, ListKind::Staff)?;
    if staff.items.is_empty() {
        let tx = conn.transaction()?;
        for (i, name) in STAFF.iter().enumerate() {
            let member = access::MemberInput {
                name: (*name).into(),
                role: if i == 0 {
                    access::Role::Admin
                } else {
                    access::Role::Staff
                },
                kind: access::CredentialKind::Pin,
                credential: DEMO_PIN.into(),
            };
            access::insert_member(&tx, &member, false, now)?;
        }
        tx.commit()?;
    }
    Ok(())
}

fn ids(conn: &Connection, kind: ListKind) -> Result<Vec<String>> {
    Ok(lists::list(conn, kind)?
        .items
        .into_iter()
        .filter(|i| !i.retired)
        .map(|i| i.id)
        .collect())
}

/// The 4つの場面 of a demo case from its 相談内容分類 (by position in
/// CONTENT: 入退院支援, 療養支援ベッド, ACP・看取り); every fourth other case
/// has none, as an office that classifies only when it is clear.
fn demo_scenes(scenes: &[String], category: usize, n: usize) -> Vec<String> {
    let at = |i: usize| scenes.get(i).cloned().into_iter().collect();
    match category {
        1 => at(1),
        5 => at(2),
        7 => at(3),
        _ if n.is_multiple_of(4) => Vec::new(),
        _ => at(0),
    }
}

/// Adds `count` demo cases; returns how many were written.
pub fn fill(
    conn: &mut Connection,
    office: &Office,
    count: usize,
    now: NaiveDateTime,
) -> Result<usize> {
    seed_lists(conn, now)?;
    let intake = ids(conn, ListKind::IntakeMethod)?;
    let consulter = ids(conn, ListKind::ConsulterType)?;
    let category = ids(conn, ListKind::Category)?;
    let response = ids(conn, ListKind::Response)?;
    let outcome = ids(conn, ListKind::Outcome)?;
    let staff = ids(conn, ListKind::Staff)?;
    let party = ids(conn, ListKind::ContactParty)?;
    let scene = ids(conn, ListKind::Scene)?;
    let mut rng = Lcg(0x5A44_534B_0003 ^ count as u64);
    let span_minutes = 2 * 365 * 24 * 60;
    let start = now - Duration::minutes(span_minutes);
    // Times in order, so repeat consultations come after the first one.
    let mut times: Vec<NaiveDateTime> = (0..count)
        .map(|_| {
            let t = start + Duration::minutes(rng.below(span_minutes as usize) as i64);
            let day = t.date();
            // Office hours, 8:30 to 17:30.
            day.and_hms_opt(8 + rng.below(9) as u32, rng.below(60) as u32, 0)
                .unwrap_or(t)
                .min(now)
        })
        .collect();
    times.sort();
    let mut batch = Vec::new();
    let mut written = 0;
    let mut people: Vec<PersonInput> = Vec::new();
    // Written in tenths (at most 2,000 a transaction), so even the small demo
    // has repeat consultations of people from earlier batches (実数 < 延べ).
    let batch_size = (count / 10).clamp(1, 2000);
    for (n, received) in times.iter().enumerate() {
        let repeat = !people.is_empty() && rng.chance(15);
        let person = if repeat {
            people[rng.below(people.len())].clone()
        } else {
            let (family, family_kana) = *rng.pick(FAMILY);
            let (given, given_kana, sex) = *rng.pick(GIVEN);
            let city = rng.pick(&office.cities);
            let area = if city.areas.is_empty() || rng.chance(10) {
                String::new()
            } else {
                rng.pick(&city.areas).id.clone()
            };
            let birth = received.date()
                - Duration::days(365 * (65 + rng.below(31) as i64) + rng.below(365) as i64);
            PersonInput {
                id: None,
                name: format!("{family} {given}"),
                kana: format!("{family_kana} {given_kana}"),
                sex: sex.into(),
                birth_date: iso(birth),
                city_id: city.id.clone(),
                area_id: area,
                care_level: rng.pick(&cases::CARE_LEVELS).to_string(),
                family_doctor: rng.pick(&cases::FAMILY_DOCTOR).to_string(),
            }
        };
        let cat = rng.below(category.len().min(CONTENT.len()));
        let mut category_ids = vec![category[cat].clone()];
        if rng.chance(30) {
            category_ids.push(rng.pick(&category).clone());
        }
        let age_days = (now - *received).num_days();
        let status = if age_days > 60 || rng.chance(40) {
            "終結"
        } else if rng.chance(50) {
            "対応中"
        } else {
            "受付"
        };
        let consulter_type = rng.below(consulter.len());
        let intake_method = intake[if rng.chance(70) {
            0
        } else {
            rng.below(intake.len())
        }]
        .clone();
        let input = CaseInput {
            received_date: iso(received.date()),
            received_time: received.format("%H:%M").to_string(),
            intake_method_id: intake_method.clone(),
            consulter_type_id: consulter[consulter_type].clone(),
            consulter_affiliation: if consulter_type < 2 {
                String::new()
            } else {
                rng.pick(AFFILIATIONS).to_string()
            },
            consulter_name: if consulter_type == 1 {
                "長女".into()
            } else {
                String::new()
            },
            info_source: rng.pick(INFO_SOURCES).to_string(),
            is_new: !repeat,
            no_person: false,
            person: person.clone(),
            new_person: true,
            scene_ids: demo_scenes(&scene, cat, n),
            category_ids,
            content: rng.pick(CONTENT[cat]).to_string(),
            response_ids: vec![rng.pick(&response).clone()],
            referral_to: rng.pick(REFERRALS).to_string(),
            minutes: (5 * (1 + rng.below(12))).to_string(),
            staff_id: rng.pick(&staff).clone(),
            status: status.into(),
            outcome_id: if status == "終結" {
                rng.pick(&outcome).clone()
            } else {
                String::new()
            },
            version: None,
        };
        let entries: Vec<EntryInput> = (0..rng.below(3))
            .map(|i| {
                let day = (received.date()
                    + Duration::days(1 + 3 * i as i64 + rng.below(5) as i64))
                .min(now.date());
                // 手段・相手 and memos follow the case's number, so the
                // generator draws as many numbers as before.
                let memo = (n + i) % 9 == 4;
                EntryInput {
                    date: iso(day),
                    staff_id: rng.pick(&staff).clone(),
                    response_id: rng.pick(&response).clone(),
                    note: rng.pick(ENTRY_NOTES).to_string(),
                    minutes: (10 * (1 + rng.below(6))).to_string(),
                    contact: !memo,
                    method_id: if memo || (n + i) % 3 == 0 {
                        intake_method.clone()
                    } else {
                        intake[(n + i) % intake.len()].clone()
                    },
                    party_id: if memo {
                        String::new()
                    } else {
                        party[(n + 2 * i) % party.len()].clone()
                    },
                }
            })
            .collect();
        batch.push((input, entries));
        if batch.len() == batch_size || n + 1 == count {
            let by = staff[0].clone();
            let created = cases::insert_many(conn, &batch, &by, now)?;
            written += created.len();
            // Remember the people just created so later cases can be theirs.
            for ((input, _), (_, person_id)) in batch.iter().zip(&created) {
                if input.person.id.is_none() {
                    let mut p = input.person.clone();
                    p.id = person_id.clone();
                    people.push(p);
                }
            }
            batch.clear();
        }
    }
    search::optimize(conn)?;
    Ok(written)
}
