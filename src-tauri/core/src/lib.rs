//! zaitaku-core: the domain and store of 在宅医療相談室デスク.
//!
//! Nothing here depends on Tauri, so it builds and tests without WebKit or a
//! display. Functions take a `&Connection` (or `&mut` for a transaction), plain
//! values and the clock as an argument, and return [`Result`].
//!
//! ```no_run
//! let conn = zaitaku_core::store::open(std::path::Path::new("office.db"))?;
//! let office = zaitaku_core::office::load(&conn)?;
//! println!("{}", office.name);
//! # Ok::<(), zaitaku_core::Error>(())
//! ```

pub mod access;
pub mod access_log;
pub mod backup;
pub mod beds;
pub mod booklet_template;
pub mod booklets;
pub mod cases;
pub mod csv;
pub mod demo;
pub mod error;
pub mod exchange;
pub mod first_run;
pub mod fonts;
pub mod help;
pub mod keys;
pub mod lectures;
pub mod meetings;
pub mod office;
pub mod period;
pub mod print;
pub mod registries;
pub mod report;
pub mod store;
pub mod text;
pub mod wareki;
pub mod xlsx;

pub use error::{Error, Result};
