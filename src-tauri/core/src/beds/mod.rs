//! 療養支援ベッド as the Saitama scheme (在宅医療提供体制充実支援事業) runs
//! it: hospitals take turns holding one reserved bed ([`rota`]), patients
//! are registered in advance with a signed 個人情報使用同意書
//! ([`registrations`]), and each stay is recorded ([`stays`]) for the
//! scheme's yearly figures ([`figures`]). The hospitals themselves and
//! their vacancy checks stay in `registries::beds`.
//!
//! Days are counted as hospitals count 在院日数 for a short stay: 入院日 and
//! 退院日 both count (入院日〜退院日, inclusive), so a stay from the 1st to
//! the 3rd is 3 days and a same-day stay is 1 day. A stay still in
//! hospital counts up to the day it is looked at.

pub mod figures;
pub mod reasons;
pub mod registrations;
pub mod rota;
pub mod stays;

pub use figures::{figures, figures_csv, figures_in, BedFigures, BedTally};
pub use reasons::{reasons, save_reasons, Reason, ReasonInput};
pub use registrations::{
    delete_registration, registrations, save_registration, Registration, RegistrationFilter,
    RegistrationInput,
};
pub use rota::{
    fill_month, rota_month, set_rota_day, today_holder, RotaDay, RotaFill, RotaMonth,
};
pub use stays::{
    delete_stay, save_stay, stay_form, stays, stays_csv, Outcome, Stay, StayFilter, StayForm,
    StayInput,
};

use chrono::NaiveDate;

/// A stay longer than this many days is flagged (the scheme's norm).
pub const USUAL_STAY_DAYS: i64 = 14;

/// A registration whose valid-until date is this close is flagged.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// Days from `first` to `last`, both counted (1 for a same-day stay).
pub fn days_inclusive(first: NaiveDate, last: NaiveDate) -> i64 {
    (last - first).num_days() + 1
}
