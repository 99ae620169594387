//! 会議・研修: the meetings and training sessions the office runs or attends
//! (推進協議会, 部会, ワーキンググループ, 地域ケア会議, 多職種連携研修会, …),
//! with attendance by organisation and by 職種, follow-up tasks and
//! minutes, and the dated MCS (メディカルケアステーション) figures.
//!
//! Each 種類 names the programme item (ア〜ク of the 手引き) it is
//! reported under, so the yearly report counts a meeting where the office
//! files it. A training (a kind under カ) may keep its questionnaire
//! tallies on a 講座の開催 of kind 研修会, made and kept in step by the
//! meeting's save, so the tallies are entered with the lecture code.

mod lists;
mod mcs;
mod record;
mod save;
mod screen;

pub use lists::{
    kinds, occupations, save_kinds, save_occupations, KindInput, MeetingKind, Occupation,
    OccupationInput,
};
pub use mcs::{delete_mcs, latest_mcs, mcs_figures, save_mcs, McsFigure, McsInput};
pub use record::{
    meeting, meetings_between, set_task_done, Attendance, Meeting, OrganisationCount, Task,
};
pub use save::{
    delete_meeting, save_meeting, AttendanceInput, MeetingInput, OrganisationInput, TaskInput,
};
pub use screen::{export_to_folder, meetings_csv, screen, KindCount, MeetingRow, OpenTask, Screen};

/// The items of the 在宅医療・介護連携推進事業 (the 手引き's ア〜ク), in order:
/// (letter, title). A meeting kind names one of the letters.
pub const ITEMS: [(&str, &str); 8] = [
    ("ア", "地域の医療・介護の資源の把握"),
    ("イ", "在宅医療・介護連携の課題の抽出と対応策の検討"),
    ("ウ", "切れ目のない在宅医療と在宅介護の提供体制の構築推進"),
    ("エ", "医療・介護関係者の情報共有の支援"),
    ("オ", "在宅医療・介護連携に関する相談支援"),
    ("カ", "医療・介護関係者の研修"),
    ("キ", "地域住民への普及啓発"),
    ("ク", "在宅医療・介護連携に関する関係市区町村の連携"),
];

/// The item of training (医療・介護関係者の研修): its kinds may keep
/// questionnaire tallies.
pub const TRAINING_ITEM: &str = "カ";

/// 「カ 医療・介護関係者の研修」 for a letter; the letter alone if unknown.
pub fn item_heading(letter: &str) -> String {
    ITEMS
        .iter()
        .find(|(l, _)| *l == letter)
        .map(|(l, title)| format!("{l} {title}"))
        .unwrap_or_else(|| letter.to_string())
}

/// 当室 when the office organises a meeting (stored as '').
pub const OWN_OFFICE: &str = "当室";
