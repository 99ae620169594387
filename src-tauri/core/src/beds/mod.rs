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
pub use rota::{fill_month, rota_month, set_rota_day, today_holder, RotaDay, RotaFill, RotaMonth};
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

/// A typed date of these forms (令和 or ISO, see `wareki::parse_date`);
/// text far longer than any date is refused without repeating it.
pub(crate) fn typed_day(field: &str, label: &str, input: &str) -> crate::Result<Option<NaiveDate>> {
    if input.chars().count() > 40 {
        return Err(crate::Error::invalid(
            field,
            format!(
                "{label}を読み取れません。令和7年4月1日 や 2025-04-01 の形で入力してください。"
            ),
        ));
    }
    crate::wareki::parse_optional_date(field, input)
}

/// [`typed_day`] that must be given.
pub(crate) fn required_day(field: &str, label: &str, input: &str) -> crate::Result<NaiveDate> {
    typed_day(field, label, input)?.ok_or_else(|| crate::text::missing(field, label))
}
