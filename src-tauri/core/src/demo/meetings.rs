//! Demo 会議・研修 as the seed's office runs them: the 推進協議会 twice, a
//! 部会, a ワーキンググループ, the 入退院支援ルール WG with the 保健所 and the
//! four municipalities, 多職種連携研修会 twice (one with its questionnaire
//! tallied), the 看護連携懇話会, a 地域ケア会議 and a meeting with the
//! towns; some tasks still open (one overdue); and the MCS figures.

use chrono::{Days, NaiveDate, NaiveDateTime};
use rusqlite::Connection;

use crate::lectures::{self, CountInput, TallyInput};
use crate::meetings::{
    self, AttendanceInput, McsInput, MeetingInput, OrganisationInput, TaskInput,
};
use crate::store::iso;
use crate::Result;

/// (days before today, kind, title, venue, organiser ("" = 当室),
/// organisations, 職種 counts, agenda, decisions, tasks (task, owner, due
/// in days from today (negative: overdue unless done), done), questionnaire).
type Demo = (
    u64,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, i64)],
    &'static [(&'static str, i64)],
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, i64, bool)],
    bool,
);

const MEETINGS: &[Demo] = &[
    (
        170,
        "推進協議会",
        "第1回 地域包括ケアシステム推進協議会",
        "坂戸市役所 大会議室",
        "坂戸市",
        &[
            ("坂戸鶴ヶ島医師会", 1),
            ("坂戸鶴ヶ島歯科医師会", 1),
            ("坂戸鶴ヶ島薬剤師会", 1),
            ("在宅医療相談室", 1),
            ("坂戸保健所", 1),
            ("病院", 3),
            ("介護事業者連絡会", 2),
            ("地域住民代表", 2),
            ("社会福祉協議会", 2),
            ("地域包括支援センター", 9),
            ("市の主管課", 12),
            ("理学療法士・管理栄養士・歯科衛生士", 3),
        ],
        &[
            ("医師", 1),
            ("歯科医師", 1),
            ("薬剤師", 1),
            ("看護師", 3),
            ("介護支援専門員", 9),
            ("MSW", 2),
            ("介護職", 2),
            ("リハビリ職", 1),
            ("行政", 13),
            ("住民", 2),
            ("その他", 3),
        ],
        "1. 今年度の事業計画\n2. 部会・ワーキンググループの報告\n3. 入退院支援ルールの作成について",
        "事業計画を承認。入退院支援ルールは保健所・4市町のWGで素案を作る。",
        &[
            ("入退院支援ルールWGの日程調整", "相談室", -150, true),
            ("協議会だよりの原稿作成", "鶴ヶ島市", -5, false),
        ],
        false,
    ),
    (
        150,
        "部会",
        "医療介護連携推進部会",
        "医師会館 会議室",
        "",
        &[
            ("坂戸鶴ヶ島医師会", 2),
            ("訪問看護ステーション", 2),
            ("居宅介護支援事業所", 3),
            ("病院医療相談室", 2),
        ],
        &[
            ("医師", 2),
            ("看護師", 2),
            ("介護支援専門員", 3),
            ("MSW", 2),
        ],
        "MCS（さかつる在宅ケアネット）の普及\n病院退院時連携検討会への関与",
        "未登録の居宅介護支援事業所へ案内を送る。",
        &[("MCS未登録事業所への案内送付", "相談室", 10, false)],
        false,
    ),
    (
        130,
        "ワーキンググループ",
        "医療ワーキンググループ（かかりつけ医の普及啓発）",
        "医師会館 会議室",
        "",
        &[
            ("坂戸鶴ヶ島医師会", 2),
            ("坂戸鶴ヶ島薬剤師会", 1),
            ("地域包括支援センター", 3),
        ],
        &[("医師", 2), ("薬剤師", 1), ("介護支援専門員", 3)],
        "パンフレット「かかりつけ医の準備をしましょう」の改訂",
        "配布先に歯科医院と薬局を加える。",
        &[("パンフレット改訂案の作成", "医療WG", 25, false)],
        false,
    ),
    (
        110,
        "入退院支援ルールWG",
        "入退院支援ルール検討会（第1回）",
        "坂戸保健所 会議室",
        "坂戸保健所",
        &[
            ("坂戸保健所", 2),
            ("在宅医療拠点", 3),
            ("坂戸市", 1),
            ("鶴ヶ島市", 1),
            ("毛呂山町", 1),
            ("越生町", 1),
        ],
        &[("看護師", 2), ("MSW", 1), ("行政", 6)],
        "入退院時の情報共有の現状\nルールの範囲（対象・様式）",
        "病院とケアマネの連絡票の様式を統一する方向で検討。",
        &[
            ("各病院の入退院連絡様式の収集", "相談室", -40, false),
            ("ケアマネへのアンケート案", "鶴ヶ島市", 45, false),
        ],
        false,
    ),
    (
        90,
        "多職種連携研修会",
        "在宅医療研修会（ACPに関する研修会）",
        "坂戸市文化施設オルモ",
        "",
        &[],
        &[
            ("医師", 6),
            ("歯科医師", 2),
            ("薬剤師", 5),
            ("看護師", 18),
            ("介護支援専門員", 22),
            ("MSW", 4),
            ("介護職", 10),
            ("リハビリ職", 5),
            ("行政", 4),
        ],
        "講義：人生会議（ACP）とは\nグループワーク：事例で考える意思決定支援",
        "",
        &[],
        true,
    ),
    (
        70,
        "看護連携懇話会",
        "坂戸鶴ヶ島管内看護連携懇話会",
        "医師会館 会議室",
        "",
        &[
            ("病院", 6),
            ("訪問看護ステーション", 5),
            ("地域包括支援センター", 2),
        ],
        &[("看護師", 13)],
        "退院前カンファレンスの持ち方",
        "",
        &[],
        false,
    ),
    (
        50,
        "地域ケア会議",
        "鶴ヶ島市 地域ケア会議（個別事例）",
        "鶴ヶ島市役所",
        "鶴ヶ島市",
        &[
            ("鶴ヶ島市", 2),
            ("地域包括支援センター", 2),
            ("居宅介護支援事業所", 1),
            ("在宅医療相談室", 1),
        ],
        &[("介護支援専門員", 3), ("行政", 2), ("その他", 1)],
        "独居高齢者の在宅療養の継続",
        "訪問診療医の紹介を相談室が行う。",
        &[("訪問診療医の候補を包括へ連絡", "相談室", -43, true)],
        false,
    ),
    (
        30,
        "多職種連携研修会",
        "多職種による事例検討型グループワーク",
        "鶴ヶ島市保健センター",
        "",
        &[],
        &[
            ("医師", 4),
            ("薬剤師", 3),
            ("看護師", 12),
            ("介護支援専門員", 16),
            ("MSW", 3),
            ("介護職", 8),
            ("リハビリ職", 4),
        ],
        "事例検討：退院直後の急変への備え",
        "",
        &[],
        false,
    ),
    (
        20,
        "推進協議会",
        "第2回 地域包括ケアシステム推進協議会",
        "鶴ヶ島市役所 大会議室",
        "鶴ヶ島市",
        &[("構成団体", 34)],
        &[
            ("医師", 1),
            ("歯科医師", 1),
            ("薬剤師", 1),
            ("看護師", 3),
            ("介護支援専門員", 8),
            ("MSW", 2),
            ("介護職", 2),
            ("リハビリ職", 1),
            ("行政", 12),
            ("住民", 2),
            ("その他", 1),
        ],
        "1. 部会・WGの報告\n2. 来年度の事業計画案",
        "来年度は介護予防WGと住まいWGを置く。",
        &[("来年度事業計画案の修正", "3者事務局", 60, false)],
        false,
    ),
    (
        10,
        "市町・保健所との打合せ",
        "事業計画に向けた事前打合せ",
        "坂戸保健所",
        "",
        &[
            ("坂戸保健所", 1),
            ("坂戸市", 2),
            ("鶴ヶ島市", 2),
            ("毛呂山町", 1),
            ("越生町", 1),
        ],
        &[("行政", 7)],
        "地域課題の共有",
        "",
        &[],
        false,
    ),
];

/// Creates the demo meetings and MCS figures; returns how many meetings.
pub fn fill(conn: &mut Connection, now: NaiveDateTime) -> Result<usize> {
    let today = now.date();
    let kinds = meetings::kinds(conn)?;
    let occupations = meetings::occupations(conn)?;
    let id_of = |name: &str, list: &[(String, String)]| {
        list.iter()
            .find(|(_, n)| n == name)
            .map(|(id, _)| id.clone())
            .unwrap_or_default()
    };
    let kinds: Vec<(String, String)> = kinds.into_iter().map(|k| (k.id, k.name)).collect();
    let occupations: Vec<(String, String)> =
        occupations.into_iter().map(|o| (o.id, o.name)).collect();
    let day = |back: u64| today.checked_sub_days(Days::new(back)).unwrap_or(today);
    let due = |days: i64| today + chrono::Duration::days(days);
    for (
        back,
        kind,
        title,
        venue,
        organiser,
        orgs,
        jobs,
        agenda,
        decisions,
        tasks,
        questionnaire,
    ) in MEETINGS
    {
        let date = day(*back);
        let input = MeetingInput {
            kind_id: id_of(kind, &kinds),
            title: (*title).into(),
            meeting_date: iso(date),
            start_time: if *back % 20 == 0 { "14:00" } else { "18:30" }.into(),
            end_time: if *back % 20 == 0 { "16:00" } else { "20:00" }.into(),
            venue: (*venue).into(),
            organised_by_office: organiser.is_empty(),
            organiser: (*organiser).into(),
            agenda: (*agenda).into(),
            decisions: (*decisions).into(),
            minutes: format!("{title}の記録。\n{agenda}\nについて意見交換を行った。"),
            organisations: orgs
                .iter()
                .map(|(name, n)| OrganisationInput {
                    name: (*name).into(),
                    attendees: n.to_string(),
                })
                .collect(),
            attendance: jobs
                .iter()
                .map(|(name, n)| AttendanceInput {
                    occupation_id: id_of(name, &occupations),
                    attendees: n.to_string(),
                })
                .collect(),
            tasks: tasks
                .iter()
                .map(|(task, owner, due_in, done)| TaskInput {
                    task: (*task).into(),
                    owner: (*owner).into(),
                    due_on: iso(due(*due_in).max(date)),
                    done: *done,
                    ..Default::default()
                })
                .collect(),
            questionnaire: *questionnaire,
            ..Default::default()
        };
        let saved = meetings::save_meeting(conn, &input, now)?;
        if let Some(session) = &saved.lecture_session_id {
            tally(conn, session, saved.attendees, now)?;
        }
    }
    for (as_of, offices, members) in [
        (
            NaiveDate::from_ymd_opt(2019, 12, 1).unwrap_or(today),
            80,
            214,
        ),
        (day(200), 92, 251),
        (day(20), 97, 268),
    ] {
        let figure = McsInput {
            as_of: iso(as_of),
            offices: offices.to_string(),
            members: members.to_string(),
            ..Default::default()
        };
        meetings::save_mcs(conn, &figure, now)?;
    }
    Ok(MEETINGS.len())
}

/// The questionnaire of the demo training, entered with the lecture code:
/// most forms returned, most answers on the first two choices.
fn tally(conn: &mut Connection, session: &str, attendees: i64, now: NaiveDateTime) -> Result<()> {
    let s = lectures::session(conn, session)?;
    let returned = attendees * 4 / 5;
    let mut counts = Vec::new();
    for q in &s.tallies {
        let mut left = returned;
        for (i, c) in q.choices.iter().enumerate() {
            let n = if i + 1 == q.choices.len() {
                left
            } else {
                left * 3 / 5
            };
            left -= n;
            counts.push(CountInput {
                choice_id: c.choice_id.clone(),
                count: n.to_string(),
            });
        }
    }
    let input = TallyInput {
        forms_returned: returned.to_string(),
        counts,
        comments: vec!["事例で考えると分かりやすかった。".into()],
    };
    lectures::save_tally(conn, session, &input, now)?;
    Ok(())
}
