//! 集計・報告: the figures of a 年度 or month range, and their CSV.

use zaitaku_core::report::{self, Report, ReportPeriod};

use super::now;

command! {
    fn build_report(period: ReportPeriod) -> Report:
        read |conn| report::build(conn, &period, now().date());

    /// Writes the report CSV into the Downloads folder; returns the path.
    fn export_report_csv(period: ReportPeriod) -> String:
        export |conn, dir| report::export_to_folder(conn, &period, dir, now());
}
