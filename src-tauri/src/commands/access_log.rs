//! 設定 › 閲覧・出力記録: who opened or output what (a 管理者 reads it).

use zaitaku_core::access_log::{self, AccessFilter, AccessPage};
use zaitaku_core::csv::FileFormat;

use super::now;

command! {
    /// One page of the log, newest first, filtered by person, kind and period.
    fn access_log(#[parse_filter] filter: AccessFilter) -> AccessPage:
        read |conn| access_log::page(conn, &filter);

    /// Writes the filtered log as CSV or Excel into the Downloads folder;
    /// returns the path.
    fn export_access_log(#[parse_filter] filter: AccessFilter, format: FileFormat = "csv") -> String:
        export |conn, dir| access_log::export_to_folder(conn, &filter, dir, now(), format);
}
