//! 集計・報告: the figures of a 年度 or month range, and their CSV.

use zaitaku_core::period::{self, PeriodOptions};
use zaitaku_core::report::wording::{self, Label, LabelInput};
use zaitaku_core::report::{self, Report, ReportPeriod, ReportSettings, ReportSettingsInput};

use super::now;

command! {
    /// The current 年度 by this computer's clock and the 年度 to choose
    /// from; every screen with a period opens on it.
    fn period_options() -> PeriodOptions:
        read |_| Ok(period::options(now().date()));

    /// The report of the whole office, or of one 市 (`city_id`, 市外
    /// included; "" for the whole office).
    fn build_report(period: ReportPeriod, city_id: String = "") -> Report:
        read |conn| {
            let city = report::city_by_id(conn, &city_id)?;
            report::build_for(conn, &period, city.as_ref(), now().date())
        };

    /// Writes the report CSV into the Downloads folder; returns the path.
    fn export_report_csv(period: ReportPeriod, city_id: String = "") -> String:
        export |conn, dir| {
            let city = report::city_by_id(conn, &city_id)?;
            report::export_to_folder(conn, &period, city.as_ref(), dir, now())
        };

    /// Writes the report as an Excel workbook into the Downloads folder;
    /// returns the path.
    fn export_report_xlsx(period: ReportPeriod, city_id: String = "") -> String:
        export |conn, dir| {
            let city = report::city_by_id(conn, &city_id)?;
            report::export_xlsx_to_folder(conn, &period, city.as_ref(), dir, now())
        };

    /// 報告の設定 (the 浸透度 definition), the same for the whole office.
    fn report_settings() -> ReportSettings:
        read |conn| report::settings(conn);

    fn save_report_settings(settings: ReportSettingsInput) -> ReportSettings:
        write |conn, _| report::save_settings(conn, &settings);

    /// 見出しと行の名前: every word of the report the office may change.
    fn report_labels() -> Vec<Label>:
        read |conn| wording::labels(conn);

    fn save_report_labels(labels: Vec<LabelInput>) -> Vec<Label>:
        write |conn, _| wording::save_labels(conn, &labels);
}
