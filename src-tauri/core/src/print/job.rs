//! What the app or the command line asks to print, as one serde enum so
//! the preview and the saved PDF come from the same job.

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Deserialize;

use super::documents::{
    beds, booklet, case_summary, flyer, guide, minutes, registry_lists, year_report,
};
use super::Printed;
use crate::registries::{self, BedFilter, DoctorFilter};
use crate::report::{self, ReportPeriod};
use crate::{booklet_template, cases, lectures, office, registries::organisations, Result};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum PrintJob {
    /// 私の意志表示帳: A5 pages, or imposed on A4 for saddle stitching.
    Booklet {
        #[serde(default)]
        imposed: bool,
    },
    /// The A4 flyer of a lecture session (講座 or 施設見学ツアー template by
    /// the session's kind).
    Flyer { session_id: String },
    /// One case on one page.
    CaseSummary { case_id: String },
    /// 関係機関一覧 (the shared organisations table).
    Organisations,
    /// A sample flyer with the office's contact box, until flyers are made
    /// from lecture sessions.
    SampleFlyer { template: flyer::Template },
    /// 事業報告 of a 年度 or month range (A4 portrait), of the whole office
    /// or of one 市 (`cityId`, 市外 included; "" for the whole office).
    YearReport {
        period: ReportPeriod,
        #[serde(default)]
        city_id: String,
    },
    /// もの忘れ相談医リスト for citizens.
    DementiaList,
    /// 往診登録医一覧 (current doctors).
    Doctors,
    /// 療養支援ベッド一覧 with the latest availability.
    Beds,
    /// 療養支援ベッドの輪番表 of `months` months (1〜12) from `month` (2025-04).
    BedRota {
        month: String,
        #[serde(default = "one_month")]
        months: u32,
    },
    /// 議事録 of one 会議・研修 (A4 portrait).
    MeetingMinutes { meeting_id: String },
    /// 利用の手引き: the user guide the help (F1) shows, A4 portrait.
    Guide,
}

fn one_month() -> u32 {
    1
}

impl PrintJob {
    /// What the access log records of this job: the document and the id of
    /// the record printed, never its content (the title of a case summary
    /// names the person, so it is not used).
    pub fn access_target(&self) -> String {
        match self {
            PrintJob::Booklet { imposed: false } => "私の意志表示帳".into(),
            PrintJob::Booklet { imposed: true } => "私の意志表示帳（面付け）".into(),
            PrintJob::Flyer { session_id } => format!("講座のチラシ {session_id}"),
            PrintJob::CaseSummary { case_id } => format!("相談記録 {case_id}"),
            PrintJob::Organisations => "関係機関一覧".into(),
            PrintJob::SampleFlyer { .. } => "チラシの見本".into(),
            PrintJob::YearReport { period, city_id } => match period.span() {
                Ok(span) if !city_id.is_empty() => format!("事業報告 {} {city_id}", span.label),
                Ok(span) => format!("事業報告 {}", span.label),
                Err(_) => "事業報告".into(),
            },
            PrintJob::DementiaList => "もの忘れ相談医リスト".into(),
            PrintJob::Doctors => "往診登録医一覧".into(),
            PrintJob::Beds => "療養支援ベッド一覧".into(),
            PrintJob::BedRota { month, months } => {
                format!("療養支援ベッド輪番表 {month}（{months}か月）")
            }
            PrintJob::MeetingMinutes { meeting_id } => format!("議事録 {meeting_id}"),
            PrintJob::Guide => guide::TITLE.into(),
        }
    }
}

/// Lays out a job; `today` is the output date printed in footers.
pub fn render(conn: &Connection, job: &PrintJob, today: NaiveDate) -> Result<Printed> {
    match job {
        PrintJob::Booklet { imposed } => {
            let template = booklet_template::load(conn)?;
            booklet::build(&template, &office::load(conn)?, *imposed)
        }
        PrintJob::CaseSummary { case_id } => {
            let case = cases::get(conn, &crate::text::uuid("caseId", case_id)?, today)?;
            case_summary::build(&case, &office::load(conn)?.name, today).layout()
        }
        PrintJob::Organisations => {
            let list = organisations::list(conn, false)?;
            registry_lists::organisations(&list, &office::load(conn)?.name, today).layout()
        }
        PrintJob::Flyer { session_id } => {
            let session = lectures::session(conn, &crate::text::uuid("sessionId", session_id)?)?;
            flyer::build(&flyer::from_session(&session, office::load(conn)?)?)
        }
        PrintJob::SampleFlyer { template } => {
            flyer::build(&flyer::demo(*template, office::load(conn)?))
        }
        PrintJob::YearReport { period, city_id } => {
            let city = report::city_by_id(conn, city_id)?;
            let built = report::build_for(conn, period, city.as_ref(), today)?;
            year_report::build(&built, today).layout()
        }
        PrintJob::DementiaList => {
            let list = registries::dementia_list(conn, today)?;
            registry_lists::dementia(&list, &office::load(conn)?.name, today).layout()
        }
        PrintJob::Doctors => {
            let list = registries::doctors(conn, &DoctorFilter::default(), today)?;
            registry_lists::doctors(&list, &office::load(conn)?.name, today).layout()
        }
        PrintJob::Beds => {
            let list = registries::beds(conn, &BedFilter::default())?;
            registry_lists::beds(&list, &office::load(conn)?.name, today).layout()
        }
        PrintJob::BedRota { month, months } => {
            let list = crate::beds::rota::months_from(conn, month, *months)?;
            beds::rota(&list, &office::load(conn)?.name, today).layout()
        }
        PrintJob::MeetingMinutes { meeting_id } => {
            let meeting = crate::meetings::meeting(conn, meeting_id)?;
            minutes::build(&meeting, &office::load(conn)?.name, today).layout()
        }
        PrintJob::Guide => guide::build(crate::help::guide(), today).layout(),
    }
}
