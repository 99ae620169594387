//! 療養支援ベッド as the scheme runs it: 輪番表, 事前登録, 利用記録, the
//! list of 利用理由 and the yearly figures.

use zaitaku_core::beds::{
    self, figures::export_figures_to_folder, stays::export_stays_to_folder, BedFigures, Reason,
    ReasonInput, Registration, RegistrationFilter, RegistrationInput, RotaDay, RotaFill, RotaMonth,
    Stay, StayFilter, StayForm, StayInput,
};
use zaitaku_core::period::ReportPeriod;

use super::now;

command! {
    /// 「本日の療養支援ベッド」 at the top of 名簿: today's holder, if any.
    fn today_bed() -> Option<RotaDay>:
        read |conn| beds::today_holder(conn, now().date());

    /// The 輪番表 of one month (2025-04).
    fn bed_rota_month(month: String) -> RotaMonth:
        read |conn| beds::rota_month(conn, &month);

    /// Fills a month from a weekly pattern (one transaction).
    fn fill_bed_rota(#[parse_object] fill: RotaFill) -> RotaMonth:
        write |conn, _| beds::fill_month(conn, &fill, now());

    /// Sets or ("" for the hospital) clears one day of the rota.
    fn set_bed_rota_day(day: String, bed_id: String) -> RotaDay:
        write |conn, _| beds::set_rota_day(conn, &day, &bed_id, now());

    fn list_bed_registrations(#[parse_filter] filter: RegistrationFilter) -> Vec<Registration>:
        read |conn| beds::registrations(conn, &filter, now().date());

    fn save_bed_registration(#[parse_object] registration: RegistrationInput) -> Registration:
        write |conn, _| beds::save_registration(conn, &registration, now());

    fn delete_bed_registration(id: String) -> ():
        write |conn, _| beds::delete_registration(conn, &id);

    /// What the stay form offers, opened for `day` ("" for today).
    fn bed_stay_form(day: String) -> StayForm:
        read |conn| beds::stay_form(conn, &day, now().date());

    fn list_bed_stays(#[parse_filter] filter: StayFilter) -> Vec<Stay>:
        read |conn| beds::stays(conn, &filter, now().date());

    fn save_bed_stay(#[parse_object] stay: StayInput) -> Stay:
        write |conn, _| beds::save_stay(conn, &stay, now());

    fn delete_bed_stay(id: String) -> ():
        write |conn, _| beds::delete_stay(conn, &id);

    /// The whole list of 利用理由 in its new order.
    fn save_bed_stay_reasons(items: Vec<ReasonInput>) -> Vec<Reason>:
        write |conn, _| beds::save_reasons(conn, &items);

    /// The 補助事業 figures of a 年度 or month range.
    fn bed_figures(period: ReportPeriod) -> BedFigures:
        read |conn| beds::figures(conn, &period, now().date());

    /// Writes the stays of the list as CSV into the Downloads folder.
    fn export_bed_stays_csv(#[parse_filter] filter: StayFilter) -> String:
        export |conn, dir| export_stays_to_folder(conn, &filter, dir, now());

    /// Writes the figures as CSV into the Downloads folder.
    fn export_bed_figures_csv(period: ReportPeriod) -> String:
        export |conn, dir| export_figures_to_folder(conn, &period, dir, now());
}
