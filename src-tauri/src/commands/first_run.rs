//! 初期設定: the steps of a new office's first start. While it is not
//! finished, `AppState::admit` answers only the commands marked
//! `#[first_run]` in list.rs (and the lock screen's).

use zaitaku_core::first_run::{self, DemoAccounts, FirstRun};
use zaitaku_core::office::{CityInput, OfficeInput};

use super::now;

command! {
    fn first_run_status(&state) -> FirstRun:
        read |conn| first_run::status(conn, &state.db_path);

    fn save_first_run_office(&state, #[parse_object] office: OfficeInput) -> FirstRun:
        write |conn, _| first_run::save_office(conn, &office, &state.db_path, now());

    fn save_first_run_cities(&state, cities: Vec<CityInput>) -> FirstRun:
        write |conn, _| first_run::save_cities(conn, &cities, &state.db_path, now());

    fn save_first_run_backup(&state, dir: String) -> FirstRun:
        write |conn, _| first_run::save_backup(conn, &dir, &state.db_path);

    /// 「デモデータで試す」: the demo office, whose staff then sign in.
    fn fill_demo_data() -> DemoAccounts:
        write |conn, _| first_run::fill_demo(conn, now());
}
