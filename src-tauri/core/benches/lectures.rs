//! Speed of the 講座 screens on a long-running office: the demo's two years
//! of sessions copied back in time until there are about N sessions (default
//! 3,000 — a century of an office's lectures, far more than real), with their
//! tallies.
//!
//! Run: cargo bench -p zaitaku-core --bench lectures [-- SESSIONS]
//!
//! Prints p50/p95 of the screen (予定 + 実施済 of one year), one session, the
//! indicator (figures, per theme, 浸透度 trend) and the CSV export, on a
//! plain database and then on one encrypted with SQLCipher.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use zaitaku_core::lectures::{self, IndicatorQuery, PastFilter, Status};
use zaitaku_core::{demo, store};

const RUNS: usize = 25;

fn report(label: &str, mut times: Vec<Duration>) {
    times.sort();
    let at = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3;
    println!(
        "{label:<40} p50 {:>8.3} ms   p95 {:>8.3} ms   ({} runs)",
        at(0.5),
        at(0.95),
        times.len()
    );
}

fn runs(label: &str, mut f: impl FnMut()) {
    let times = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    report(label, times);
}

/// Copies every session (and its tallies) `years` years earlier.
fn copy_back(conn: &store::Connection, years: i64) {
    let shift = format!("-{years} years");
    let (planned, held) = (Status::Planned, Status::Held);
    conn.execute_batch(&format!(
        "CREATE TEMP TABLE IF NOT EXISTS copy_map (old TEXT, new TEXT);
         DELETE FROM copy_map;
         INSERT INTO copy_map
           SELECT id, lower(printf('%s-%s-4%s-a%s-%s', hex(randomblob(4)), hex(randomblob(2)),
                  substr(hex(randomblob(2)), 2), substr(hex(randomblob(2)), 2), hex(randomblob(6))))
             FROM lecture_sessions WHERE session_date >= date('2023-11-01');
         INSERT INTO lecture_sessions (id, kind, theme_id, title, session_date, start_time, end_time,
                venue_id, requesting_group, lecturers, capacity, applicants, attendees, city_id,
                status, notes, questionnaire_id, forms_returned, created_at, updated_at)
           SELECT m.new, kind, theme_id, title, date(session_date, '{shift}'), start_time, end_time,
                  venue_id, requesting_group, lecturers, capacity, applicants, attendees, city_id,
                  CASE status WHEN '{planned}' THEN '{held}' ELSE status END, notes, questionnaire_id,
                  forms_returned, created_at, updated_at
             FROM lecture_sessions s JOIN copy_map m ON m.old = s.id;
         INSERT INTO lecture_tallies (session_id, choice_id, count)
           SELECT m.new, choice_id, count FROM lecture_tallies t JOIN copy_map m ON m.old = t.session_id;"
    ))
    .expect("copy sessions");
}

fn count(conn: &store::Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}

/// The demo office with its sessions copied back in time until there are
/// at least `wanted`.
fn office(
    path: &Path,
    key: Option<&store::DataKey>,
    now: NaiveDateTime,
    wanted: i64,
) -> store::Connection {
    let mut conn = store::open_with(path, key).expect("open");
    demo::fill_with_cases(&mut conn, now, 0).expect("demo data");
    let mut years = 2;
    while count(&conn, "lecture_sessions") < wanted {
        copy_back(&conn, years);
        years += 2;
    }
    conn
}

fn main() {
    // The first argument that is a number (cargo bench also passes --bench).
    let wanted = std::env::args().find_map(|a| a.parse().ok());
    println!("=== plain ===");
    run(wanted, None);
    println!();
    println!("=== encrypted (SQLCipher) ===");
    run(wanted, Some(&store::DataKey::generate()));
}

fn run(wanted: Option<i64>, key: Option<&store::DataKey>) {
    let now = NaiveDate::from_ymd_opt(2025, 11, 24)
        .and_then(|d| d.and_hms_opt(18, 0, 0))
        .expect("date");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    let conn = office(&path, key, now, wanted.unwrap_or(3_000));
    println!(
        "講座 benchmark: {} sessions, {} tally rows in {}",
        count(&conn, "lecture_sessions"),
        count(&conn, "lecture_tallies"),
        path.display()
    );

    let today = now.date();
    let filter = PastFilter::fiscal(2024);
    runs("screen (予定 + 実施済 令和6年度)", || {
        lectures::screen(&conn, &filter, today).expect("screen");
    });
    let id: String = conn
        .query_row(
            "SELECT id FROM lecture_sessions WHERE forms_returned IS NOT NULL LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a session");
    runs("one session with tallies", || {
        lectures::session(&conn, &id).expect("session");
    });
    let query = IndicatorQuery {
        period: filter.period,
        kind: String::new(),
        theme_id: String::new(),
    };
    runs("indicator (figures, themes, trend)", || {
        lectures::indicator(&conn, &query).expect("indicator");
    });
    let (from, to) = query.period.range();
    runs("figures of one fiscal year", || {
        lectures::figures(&conn, from, to).expect("figures");
    });
    let start = Instant::now();
    let csv = lectures::export_csv(&conn, None, today).expect("csv");
    println!(
        "CSV export of all sessions: {:.1} ms, {} rows, {} KiB",
        start.elapsed().as_secs_f64() * 1e3,
        csv.rows,
        csv.bytes.len() / 1024
    );
}
