//! 出前講座・市民公開講座: catalogue, sessions, tallies and the indicator.

use zaitaku_core::csv::FileFormat;
use zaitaku_core::lectures::{
    self, questionnaire, BookletsInput, Indicator, IndicatorQuery, PastFilter, Questionnaire,
    QuestionnaireInput, Saved, Screen, Session, SessionInput, TallyInput, Theme, ThemeInput, Venue,
    VenueInput,
};

use super::now;

command! {
    fn lecture_screen(filter: PastFilter) -> Screen:
        read |conn| lectures::screen(conn, &filter, now().date());

    fn lecture_session(id: String) -> Session:
        read |conn| lectures::session(conn, &id);

    fn save_lecture_session(session: SessionInput) -> Saved:
        write |conn, _| lectures::save_session(conn, &session, now());

    fn save_lecture_tally(id: String, tally: TallyInput) -> Session:
        write |conn, _| lectures::save_tally(conn, &id, &tally, now());

    fn record_lecture_booklets(id: String, booklets: BookletsInput) -> Session:
        write |conn, actor| lectures::record_booklets(conn, &id, &booklets, actor.name(), now());

    fn save_lecture_theme(theme: ThemeInput) -> Theme:
        write |conn, _| lectures::save_theme(conn, &theme, now());

    fn save_lecture_venue(venue: VenueInput) -> Venue:
        write |conn, _| lectures::save_venue(conn, &venue, now());

    fn save_questionnaire(questionnaire: QuestionnaireInput) -> Questionnaire:
        write |conn, _| questionnaire::save(conn, &questionnaire, now());

    fn lecture_indicator(query: IndicatorQuery) -> Indicator:
        read |conn| lectures::indicator(conn, &query);

    /// Writes the CSV of the filtered past sessions into the export folder (files::export_dir).
    fn export_lectures_csv(filter: PastFilter, format: FileFormat = "csv") -> String:
        export |conn, dir| lectures::export::export_to_folder(conn, &filter, dir, now(), format);
}
