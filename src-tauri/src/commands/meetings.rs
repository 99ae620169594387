//! 会議・研修: meetings and training with attendance and tasks, their two
//! lists, and the MCS figures.

use zaitaku_core::meetings::{
    self, KindInput, McsFigure, McsInput, Meeting, MeetingInput, MeetingKind, Occupation,
    OccupationInput, Screen, Task,
};

use super::now;

command! {
    fn meeting_screen(year: i32) -> Screen:
        read |conn| meetings::screen(conn, year, now().date());

    fn get_meeting(id: String) -> Meeting:
        read |conn| meetings::meeting(conn, &id);

    fn save_meeting(#[parse_object] meeting: MeetingInput) -> Meeting:
        write |conn, _| meetings::save_meeting(conn, &meeting, now());

    fn delete_meeting(id: String) -> ():
        write |conn, _| meetings::delete_meeting(conn, &id);

    fn set_meeting_task_done(task_id: String, done: bool) -> Task:
        write |conn, _| meetings::set_task_done(conn, &task_id, done);

    fn save_meeting_kinds(items: Vec<KindInput>) -> Vec<MeetingKind>:
        write |conn, _| meetings::save_kinds(conn, &items);

    fn save_meeting_occupations(items: Vec<OccupationInput>) -> Vec<Occupation>:
        write |conn, _| meetings::save_occupations(conn, &items);

    fn save_mcs_figure(#[parse_object] figure: McsInput) -> Vec<McsFigure>:
        write |conn, _| meetings::save_mcs(conn, &figure, now());

    fn delete_mcs_figure(id: String) -> Vec<McsFigure>:
        write |conn, _| meetings::delete_mcs(conn, &id);

    /// Writes the year's meetings as CSV into the export folder (files::export_dir).
    fn export_meetings_csv(year: i32) -> String:
        export |conn, dir| meetings::export_to_folder(conn, year, dir, now());
}
