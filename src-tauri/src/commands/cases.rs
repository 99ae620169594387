//! 相談記録: intake, list and search, timeline, history, editable lists.

use serde::Deserialize;
use zaitaku_core::access_log::{self, Kind};
use zaitaku_core::cases::history::Change;
use zaitaku_core::cases::lists::{self, List, ListItemInput, ListKind};
use zaitaku_core::cases::{
    self, CaseDetail, CaseFilter, CaseInput, CasePage, EntryInput, FormOptions, PersonCheck,
};
use zaitaku_core::csv::FileFormat;

use super::now;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonQuery {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kana: String,
    #[serde(default)]
    birth_date: String,
}

command! {
    fn case_form_options() -> FormOptions:
        read |conn| cases::form_options(conn, now().date());

    fn list_cases(#[parse_object] filter: CaseFilter) -> CasePage:
        read |conn| cases::search::list(conn, &filter);

    /// Opening a case: recorded in the access log by its id.
    fn get_case(id: String) -> CaseDetail:
        write |conn, actor| {
            let case = cases::get(conn, &id, now().date())?;
            let number = format!("受付番号 {}", case.case_no);
            access_log::record(conn, actor, Kind::CaseView, &case.id, &number, now())?;
            Ok(case)
        };

    fn similar_persons(#[parse_object] person: PersonQuery) -> PersonCheck:
        read |conn| {
            let PersonQuery { name, kana, birth_date } = &person;
            cases::similar_persons(conn, name, kana, birth_date, now().date())
        };

    fn create_case(#[parse_object] case: CaseInput) -> CaseDetail:
        write |conn, actor| cases::create(conn, &case, actor.staff_id(), now());

    fn update_case(id: String, #[parse_object] case: CaseInput) -> CaseDetail:
        write |conn, actor| cases::update(conn, &id, &case, actor.staff_id(), now());

    /// 「終結にする」: the 状態 alone, with the version the screen shows.
    fn set_case_status(id: String, status: String, version: i64) -> CaseDetail:
        write |conn, actor| cases::set_status(conn, &id, &status, version, actor.staff_id(), now());

    fn delete_case(id: String, version: i64) -> ():
        write |conn, actor| cases::delete(conn, &id, version, actor.staff_id(), now());

    fn add_case_entry(case_id: String, #[parse_object] entry: EntryInput, reopen: bool = false)
        -> CaseDetail:
        write |conn, actor| {
            cases::add_entry(conn, &case_id, &entry, reopen, actor.staff_id(), now())
        };

    fn update_case_entry(entry_id: String, #[parse_object] entry: EntryInput) -> CaseDetail:
        write |conn, actor| cases::update_entry(conn, &entry_id, &entry, actor.staff_id(), now());

    fn delete_case_entry(entry_id: String) -> CaseDetail:
        write |conn, actor| cases::delete_entry(conn, &entry_id, actor.staff_id(), now());

    fn case_history(id: String) -> Vec<Change>:
        read |conn| cases::history(conn, &id);

    fn save_case_list(kind: ListKind, items: Vec<ListItemInput>) -> List:
        write |conn, _| lists::save(conn, kind, &items);

    /// Writes the filtered list as CSV into the Downloads folder; returns the path.
    fn export_cases_csv(#[parse_object] filter: CaseFilter, format: FileFormat = "csv") -> String:
        export |conn, dir| cases::export_to_folder(conn, &filter, dir, now(), format);
}
