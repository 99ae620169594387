//! 出前講座・市民公開講座: the lecture catalogue (themes, each given by a
//! providing organisation), venues, sessions with registration and
//! attendance, the per-session questionnaire tallies entered from the paper
//! forms, and the awareness indicator built from them.
//!
//! ```no_run
//! # let conn = zaitaku_core::store::open(std::path::Path::new("office.db"))?;
//! let day = chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
//! let figures = zaitaku_core::lectures::figures(&conn, day, day + chrono::Days::new(364))?;
//! println!("{} 回、延べ {} 人", figures.sessions_held, figures.participants);
//! # Ok::<(), zaitaku_core::Error>(())
//! ```

#[macro_use]
mod db;
mod handouts;
mod kinds;
mod screen;
mod session_form;
mod sessions;
mod tallies;
mod themes;
mod venues;

pub mod export;
pub mod indicator;
pub mod questionnaire;
pub mod validate;

pub use export::{export_csv, export_to_folder};
pub use handouts::{record_booklets, BookletsInput};
pub use indicator::{
    figures, figures_in, figures_split, indicator, AwarenessRule, Indicator, IndicatorQuery,
    LectureFigures,
};
pub(crate) use kinds::check_kind_filter;
pub use kinds::{SessionKind, Status};
pub use questionnaire::{Questionnaire, QuestionnaireInput};
pub use screen::{screen, Named, PastTotals, Screen, YearOption};
pub(crate) use session_form::save_session_in;
pub use session_form::{save_session, Saved, SessionInput};
pub(crate) use sessions::session_cached;
pub use sessions::{past, session, upcoming, PastFilter, Session, SessionBasics, SessionRow};
pub(crate) use tallies::save_tally_in;
pub use tallies::{save_tally, ChoiceCount, CountInput, QuestionTally, TallyInput};
pub use themes::{save_theme, themes, Theme, ThemeInput};
pub use venues::{save_venue, venues, Venue, VenueInput};

pub(crate) use crate::store::{clock, iso, known_id, optional_id, stamp};
pub(crate) use db::{clash, id_to_save, in_transaction, one, select, upsert_sql, value};
