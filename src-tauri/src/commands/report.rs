//! 集計・報告: the figures of a 年度 or month range, and their CSV.

use zaitaku_core::period::{self, PeriodOptions};
use zaitaku_core::report::{self, Report, ReportPeriod};

use super::now;

command! {
    /// The current 年度 by this computer's clock and the 年度 to choose
    /// from; every screen with a period opens on it.
    fn period_options() -> PeriodOptions:
        read |_| Ok(period::options(now().date()));

    fn build_report(period: ReportPeriod) -> Report:
        read |conn| report::build(conn, &period, now().date());

    /// Writes the report CSV into the Downloads folder; returns the path.
    fn export_report_csv(period: ReportPeriod) -> String:
        export |conn, dir| report::export_to_folder(conn, &period, dir, now());

    /// Writes the report as an Excel workbook into the Downloads folder;
    /// returns the path.
    fn export_report_xlsx(period: ReportPeriod) -> String:
        export |conn, dir| report::export_xlsx_to_folder(conn, &period, dir, now());
}
