//! Demo 出前講座・市民公開講座: the providing organisations, venues, a
//! catalogue of 24 themes written for this project, the questionnaire, and
//! two years of sessions ending on `now` (held ones with attendance and
//! tallies, a few cancelled) plus some upcoming ones. Awareness of
//! 地域包括ケアシステム rises slowly over the two years, as the council
//! hopes, so the 浸透度 chart has something to show.

use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime, Weekday};
use rusqlite::Connection;

use super::Lcg;
use crate::lectures::{
    self, questionnaire, CountInput, SessionInput, SessionKind, Status, TallyInput, ThemeInput,
    VenueInput,
};
use crate::office::Office;
use crate::registries::organisations::{self, OrganisationInput};
use crate::Result;

/// How much was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lectures {
    pub themes: usize,
    pub sessions: usize,
}

/// (name, kind)
const PROVIDERS: &[(&str, &str)] = &[
    ("坂戸鶴ヶ島医師会", "職能団体"),
    ("坂戸鶴ヶ島歯科医師会", "職能団体"),
    ("坂戸鶴ヶ島薬剤師会", "職能団体"),
    (
        "坂戸・鶴ヶ島訪問看護ステーション連絡会",
        "訪問看護ステーション",
    ),
    (
        "坂戸市・鶴ヶ島市地域包括支援センター連絡会",
        "地域包括支援センター",
    ),
    ("埼玉県理学療法士会 坂戸鶴ヶ島ブロック", "職能団体"),
    ("埼玉県栄養士会 西部支部", "職能団体"),
    ("坂戸鶴ヶ島医師会 在宅医療相談室", "その他"),
];

/// (number, title, provider index, minutes, audience, summary)
const THEMES: &[(i64, &str, usize, i64, &str, &str)] = &[
    (1, "在宅医療ってなあに？", 0, 60, "市民", "通院が難しくなったとき、自宅で受けられる医療のしくみと、往診・訪問診療の違いを紹介します。"),
    (2, "かかりつけ医を持ちましょう", 0, 60, "市民", "日頃の体調を知っている医師がいることの安心と、上手な受診のこつをお話しします。"),
    (3, "人生会議（ACP）はじめの一歩", 7, 90, "市民", "もしものときに望む医療やケアを、家族や信頼できる人と話し合っておく方法を一緒に考えます。"),
    (4, "私の意志表示帳の書き方", 7, 60, "市民", "坂戸・鶴ヶ島版の意志表示帳を手に、書きやすいところから書いてみる体験型の講座です。"),
    (5, "認知症の早期発見と相談先", 0, 60, "市民・家族", "もの忘れと認知症の違い、早めの受診と相談の大切さ、地域の相談窓口を紹介します。"),
    (6, "お口の健康と全身の健康", 1, 60, "市民", "歯周病と持病の関係、入れ歯の手入れ、かかりつけ歯科医の役割をお話しします。"),
    (7, "食べる力を守る口腔ケア", 1, 60, "介護者・専門職", "飲み込みが弱くなった方の口腔ケアと、誤嚥性肺炎を防ぐ工夫を実演します。"),
    (8, "お薬との上手な付き合い方", 2, 60, "市民", "飲み合わせ、残薬、お薬手帳の使い方など、薬剤師に聞きたいことにお答えします。"),
    (9, "在宅で使う薬と薬剤師の訪問", 2, 60, "市民・家族", "自宅に薬剤師が訪問して服薬を支えるしくみと、相談のしかたを紹介します。"),
    (10, "訪問看護でできること", 3, 60, "市民・家族", "訪問看護師が自宅で行うケアの内容、利用の手続き、費用の目安をお話しします。"),
    (11, "自宅で迎える最期のとき", 3, 90, "市民・家族", "自宅での看取りの実際と、家族が知っておきたい体の変化、支える人たちを紹介します。"),
    (12, "地域包括支援センターの上手な使い方", 4, 60, "市民", "介護や暮らしの困りごとを最初に相談できる窓口の役割と、相談の流れを紹介します。"),
    (13, "介護保険サービスのしくみ", 4, 90, "市民・家族", "要介護認定の申請からケアプラン、サービスの種類と自己負担までを順にお話しします。"),
    (14, "いきいき体操で転倒予防", 5, 60, "高齢者", "自宅でできる簡単な筋力・バランス体操を、理学療法士と一緒に体を動かして覚えます。"),
    (15, "福祉用具と住まいの工夫", 5, 60, "市民・家族", "手すり、ベッド、歩行器などの選び方と、住宅改修の制度を紹介します。"),
    (16, "フレイル予防の食事", 6, 60, "高齢者", "たんぱく質をしっかりとる献立の工夫と、食が細くなったときの補い方をお話しします。"),
    (17, "飲み込みにくい方の食事づくり", 6, 90, "家族・介護者", "とろみの付け方、やわらかく食べやすい調理の工夫を、試食を交えて紹介します。"),
    (18, "退院するときに知っておきたいこと", 0, 60, "市民・家族", "入院中から始める退院の準備と、病院と在宅チームの連携のしくみを紹介します。"),
    (19, "がんと共に自宅で暮らす", 0, 90, "市民・家族", "通院治療と在宅医療の組み合わせ、痛みの緩和、相談できる場所をお話しします。"),
    (20, "家族介護者のこころのケア", 4, 60, "家族・介護者", "介護を続けるための休み方、相談の仕方、介護者のつどいなどを紹介します。"),
    (21, "地域包括ケアシステムを知ろう", 7, 60, "市民", "住み慣れた地域で最期まで暮らすための、医療・介護・生活支援のつながりを説明します。"),
    (22, "救急車を呼ぶとき・呼ぶ前に", 0, 60, "市民", "救急受診の目安と相談窓口、救急時に役立つ情報のまとめ方をお話しします。"),
    (23, "多職種で支える在宅療養（専門職向け）", 7, 120, "医療・介護専門職", "事例をもとに、医師・看護師・薬剤師・ケアマネジャーの連携と情報共有を学びます。"),
    (24, "ACPを支える専門職の対話", 3, 120, "医療・介護専門職", "本人の思いを聞き取り、記録し、チームで共有する対話の練習をロールプレイで行います。"),
];

/// (name, address); the address starts with the name of its 市.
const VENUES: &[(&str, &str)] = &[
    ("坂戸市文化会館", "坂戸市芦山町1-2"),
    ("千代田公民館", "坂戸市千代田三丁目4-5"),
    ("大家公民館", "坂戸市塚越6-7"),
    ("入西地域交流センター", "坂戸市にっさい花みず木8-9"),
    ("北坂戸公民館", "坂戸市末広町10-11"),
    ("坂戸鶴ヶ島医師会館 会議室", "坂戸市千代田一丁目1番地"),
    ("鶴ヶ島市東市民センター", "鶴ヶ島市富士見一丁目12-13"),
    ("鶴ヶ島市南市民センター", "鶴ヶ島市南町二丁目14-15"),
    ("鶴ヶ島市北市民センター", "鶴ヶ島市上広谷16-17"),
    ("鶴ヶ島市保健センター", "鶴ヶ島市三ツ木18-19"),
];

const GROUPS: &[&str] = &[
    "千代田地区老人クラブ連合会",
    "北坂戸サロン「ひまわり」",
    "入西地区自治会",
    "鶴ヶ島市民生委員・児童委員協議会",
    "藤金地区ふれあいサロン",
    "若葉台健康づくりの会",
    "介護者のつどい「こもれび」",
    "坂戸市シルバー人材センター",
];

const LECTURERS: &[&str] = &[
    "医師 佐藤 一郎",
    "医師 田中 美和",
    "歯科医師 高橋 修",
    "薬剤師 伊藤 恵",
    "訪問看護師 渡辺 幸子",
    "主任介護支援専門員 中村 健",
    "理学療法士 小林 大輔",
    "管理栄養士 加藤 真理",
    "医療連携コーディネーター 山田 花子",
];

const COMMENTS: &[&str] = &[
    "往診をしてくれる先生がいることを初めて知りました。",
    "家族と人生会議について話してみようと思います。",
    "資料の字がもう少し大きいと読みやすいです。",
    "母の介護のことで相談先が分かり安心しました。",
    "時間が短く感じました。続きを聞きたいです。",
    "意志表示帳を書いてみます。",
    "体操は家でも続けられそうです。",
    "地域包括支援センターの場所を地図で示してほしい。",
    "薬の飲み合わせについて質問できてよかった。",
    "夫婦で参加しました。とても分かりやすかったです。",
];

/// Creates the catalogue and sessions; returns what was made.
pub fn fill(conn: &mut Connection, office: &Office, now: NaiveDateTime) -> Result<Lectures> {
    let city_of = |address: &str| {
        let city = office.cities.iter().find(|c| address.starts_with(&c.name));
        city.map(|c| c.id.clone()).unwrap_or_default()
    };
    let mut providers = Vec::new();
    for (name, kind) in PROVIDERS {
        let provider = OrganisationInput {
            kind: (*kind).into(),
            name: (*name).into(),
            city_id: office.cities.first().map(|c| c.id.clone()),
            ..Default::default()
        };
        providers.push(organisations::save(conn, &provider, now)?.id);
    }
    let mut venues = Vec::new();
    for (name, address) in VENUES {
        let venue = VenueInput {
            name: (*name).into(),
            address: (*address).into(),
            city_id: city_of(address),
            ..Default::default()
        };
        venues.push(lectures::save_venue(conn, &venue, now)?);
    }
    let mut themes = Vec::new();
    for (number, title, provider, minutes, audience, summary) in THEMES {
        let theme = ThemeInput {
            number: number.to_string(),
            title: (*title).into(),
            organisation_id: providers[*provider].clone(),
            summary: (*summary).into(),
            duration_minutes: minutes.to_string(),
            audience: (*audience).into(),
            ..Default::default()
        };
        themes.push(lectures::save_theme(conn, &theme, now)?);
    }
    let template = questionnaire::save(conn, &questionnaire::default_input(), now)?;

    let today = now.date();
    // Two years of lectures, from the first of the month.
    let start = NaiveDate::from_ymd_opt(today.year() - 2, today.month(), 1).unwrap_or(today);
    let mut rng = Lcg(0x4C45_4354_5552_4553);
    let mut made = Lectures {
        themes: themes.len(),
        sessions: 0,
    };
    let tx = conn.transaction()?;
    let mut month = start;
    // Two or three sessions a month over two years, then three upcoming.
    while month <= today.checked_add_months(Months::new(2)).unwrap_or(today) {
        let count = if month > today { 2 } else { 2 + rng.below(2) };
        for _ in 0..count {
            let day = saturday_or_weekday(&mut rng, month);
            if day > today.checked_add_days(Days::new(62)).unwrap_or(today) {
                continue;
            }
            let held = day < today;
            let (kind, theme) = pick_kind(&mut rng, &themes);
            let venue = rng.pick(&venues);
            let public = kind == SessionKind::PublicLecture;
            let capacity = if public {
                150
            } else {
                *rng.pick(&[20i64, 30, 40, 50])
            };
            let applicants = (capacity as f64 * (0.6 + rng.below(50) as f64 / 100.0)) as i64;
            let attendees = (applicants - rng.between(0, 4)).max(3);
            let status = if !held {
                Status::Planned
            } else if rng.chance(5) {
                Status::Cancelled
            } else {
                Status::Held
            };
            let start_hour = *rng.pick(&[10u32, 13, 14]);
            let minutes = theme.duration_minutes.unwrap_or(60);
            let title = if public {
                format!("市民公開講座「{}」", theme.title)
            } else {
                String::new()
            };
            let input = SessionInput {
                id: None,
                kind: kind.to_string(),
                theme_id: theme.id.clone(),
                title,
                session_date: crate::store::iso(day),
                start_time: format!("{start_hour:02}:00"),
                end_time: format!(
                    "{:02}:{:02}",
                    start_hour + (minutes / 60) as u32,
                    minutes % 60
                ),
                venue_id: venue.id.clone(),
                requesting_group: if public || kind == SessionKind::Training {
                    String::new()
                } else {
                    (*rng.pick(GROUPS)).into()
                },
                lecturers: (*rng.pick(LECTURERS)).into(),
                capacity: capacity.to_string(),
                applicants: applicants.to_string(),
                attendees: if status == Status::Held {
                    attendees.to_string()
                } else {
                    String::new()
                },
                city_id: String::new(),
                status: status.to_string(),
                notes: if status == Status::Cancelled {
                    "台風接近のため中止。".into()
                } else {
                    String::new()
                },
            };
            let at = day.and_hms_opt(9, 0, 0).unwrap_or(now).min(now);
            let id = lectures::save_session_in(&tx, &input, at)?;
            made.sessions += 1;
            if status == Status::Held {
                let progress =
                    (day - start).num_days() as f64 / (today - start).num_days().max(1) as f64;
                let tally = tally_for(&mut rng, &template, attendees, progress);
                lectures::save_tally_in(&tx, &id, &tally, at)?;
            }
        }
        month = match month.checked_add_months(Months::new(1)) {
            Some(m) => m,
            None => break,
        };
    }
    tx.commit()?;
    Ok(made)
}

fn saturday_or_weekday(rng: &mut Lcg, month: NaiveDate) -> NaiveDate {
    let mut day = month + Days::new(rng.below(27) as u64);
    // No lectures over the New Year holidays (1–3 January).
    if day.month() == 1 && day.day() <= 3 {
        day = day + Days::new(7);
    }
    // Citizens' lectures are often on Saturdays; avoid Sundays.
    if day.weekday() == Weekday::Sun {
        day = day.pred_opt().unwrap_or(day);
    }
    day
}

fn pick_kind<'a>(
    rng: &mut Lcg,
    themes: &'a [lectures::Theme],
) -> (SessionKind, &'a lectures::Theme) {
    let roll = rng.below(100);
    let by_number = |n: i64| themes.iter().find(|t| t.number == n).unwrap_or(&themes[0]);
    match roll {
        0..=69 => (SessionKind::Outreach, &themes[rng.below(22)]),
        70..=79 => (
            SessionKind::PublicLecture,
            by_number(*rng.pick(&[1, 3, 5, 19])),
        ),
        80..=91 => (SessionKind::Training, by_number(*rng.pick(&[23, 24]))),
        92..=96 => (SessionKind::FacilityTour, by_number(13)),
        _ => (SessionKind::Other, by_number(21)),
    }
}

/// A plausible paper-form tally: most forms come back, a few questions are
/// left blank, awareness grows with `progress` (0 → 1 over the two years).
fn tally_for(
    rng: &mut Lcg,
    q: &questionnaire::Questionnaire,
    attendees: i64,
    progress: f64,
) -> TallyInput {
    let returned = (attendees as f64 * (0.7 + rng.below(28) as f64 / 100.0)).round() as i64;
    let mut counts = Vec::new();
    for question in &q.questions {
        let answered = (returned - rng.between(0, 2)).max(0);
        let n = question.choices.len();
        // Weights favour the first choices; awareness shifts with time.
        let weights: Vec<f64> = (0..n)
            .map(|i| {
                let base = (n - i) as f64 + rng.below(3) as f64;
                if question.awareness && i == 0 {
                    base * (0.5 + progress)
                } else {
                    base
                }
            })
            .collect();
        let total: f64 = weights.iter().sum();
        let mut left = answered;
        for (i, c) in question.choices.iter().enumerate() {
            let count = if i + 1 == n {
                left
            } else {
                ((answered as f64 * weights[i] / total).round() as i64).min(left)
            };
            left -= count;
            counts.push(CountInput {
                choice_id: c.id.clone(),
                count: count.to_string(),
            });
        }
    }
    let comments = (0..rng.below(3))
        .map(|_| (*rng.pick(COMMENTS)).to_string())
        .collect();
    TallyInput {
        forms_returned: returned.to_string(),
        counts,
        comments,
    }
}
