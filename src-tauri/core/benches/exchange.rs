//! 持ち出しと持ち帰り on a ten-year office: a 親機 with ~20,000 cases, a
//! 子機 started from it, and a day on the laptop (50 new cases, 200 経過記録,
//! 100 booklet hand-outs, 5 lecture sessions with tallies). Prints the time
//! of export, import up to the preview, apply (with its automatic backup and
//! the reply), the 子機 taking the reply, and the size of the file.
//! Targets: export ≤ 1 s, preview ≤ 2 s, apply ≤ 2 s, file ≤ 300 KB.
//!
//! Run: cargo bench -p zaitaku-core --bench exchange [-- CASES]

use std::time::Instant;

use chrono::NaiveDate;
use zaitaku_core::booklets::{self, Kind};
use zaitaku_core::cases::lists::{self, ListKind};
use zaitaku_core::cases::{self, CaseInput, EntryInput, PersonInput};
use zaitaku_core::store::{self, Connection};
use zaitaku_core::{demo, exchange};

fn first(conn: &Connection, kind: ListKind) -> String {
    lists::list(conn, kind).expect("list").items[0].id.clone()
}

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}

/// The laptop's day, through the same functions as the screens.
fn a_day(conn: &mut Connection, now: chrono::NaiveDateTime) {
    let staff = first(conn, ListKind::Staff);
    let mut new_cases = Vec::new();
    for n in 0..50 {
        let input = CaseInput {
            received_date: "令和7年11月24日".into(),
            received_time: "10:00".into(),
            intake_method_id: first(conn, ListKind::IntakeMethod),
            consulter_type_id: first(conn, ListKind::ConsulterType),
            consulter_name: "長女".into(),
            is_new: true,
            person: PersonInput {
                name: format!("公民館 相談者{n}"),
                kana: "こうみんかん そうだんしゃ".into(),
                ..Default::default()
            },
            new_person: true,
            category_ids: vec![first(conn, ListKind::Category)],
            content: "講座のあとで、在宅での看取りについて相談を受けた。".into(),
            staff_id: staff.clone(),
            status: "受付".into(),
            ..Default::default()
        };
        new_cases.push(cases::create(conn, &input, &staff, now).expect("case").id);
    }
    let older: Vec<String> = conn
        .prepare("SELECT id FROM cases WHERE status <> '終結' ORDER BY sort_key DESC LIMIT 150")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("cases");
    for (n, id) in new_cases.iter().chain(older.iter()).take(200).enumerate() {
        let entry = EntryInput {
            date: "令和7年11月24日".into(),
            staff_id: staff.clone(),
            note: format!("電話で状況を確認した（{n}）"),
            contact: true,
            ..Default::default()
        };
        cases::add_entry(conn, id, &entry, false, &staff, now).expect("entry");
    }
    // The edition with the most in stock (older demo editions are used up).
    let edition: String = conn
        .query_row(
            "SELECT edition_id FROM booklet_entries WHERE voided_at IS NULL GROUP BY edition_id
              ORDER BY sum(CASE kind WHEN 'receipt' THEN quantity ELSE -quantity END) DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("edition");
    let channel = booklets::channels(conn).expect("channels")[1].id.clone();
    for n in 0..100 {
        let input = booklets::EntryInput {
            kind: Kind::Issue,
            entry_date: "2025-11-24".into(),
            edition_id: edition.clone(),
            quantity: "1".into(),
            source: String::new(),
            channel_id: channel.clone(),
            recipient_type: booklets::RECIPIENT_TYPES[1].into(),
            recipient_name: format!("参加者{n}"),
            city_id: String::new(),
            note: String::new(),
        };
        booklets::add_entry(conn, &input, "公民館", now).expect("hand-out");
    }
    // Five sessions like earlier ones, with their questionnaire tallies.
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('lecture_sessions') WHERE name <> 'id' ORDER BY cid")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("columns");
    let sessions: Vec<String> = conn
        .prepare("SELECT s.id FROM lecture_sessions s WHERE EXISTS (SELECT 1 FROM lecture_tallies t WHERE t.session_id = s.id) LIMIT 5")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("sessions");
    let tx = conn.transaction().expect("tx");
    for old in &sessions {
        let id = zaitaku_core::text::new_id();
        tx.execute(
            &format!(
                "INSERT INTO lecture_sessions (id, {cols}) SELECT ?1, {cols} FROM lecture_sessions WHERE id = ?2",
                cols = columns.join(", ")
            ),
            [&id, old],
        )
        .expect("session");
        tx.execute(
            "INSERT INTO lecture_tallies (session_id, choice_id, count)
             SELECT ?1, choice_id, count + 1 FROM lecture_tallies WHERE session_id = ?2",
            [&id, old],
        )
        .expect("tallies");
    }
    tx.commit().expect("commit");
}

fn main() {
    let count: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20_000);
    let now = NaiveDate::from_ymd_opt(2025, 11, 24)
        .and_then(|d| d.and_hms_opt(18, 0, 0))
        .expect("date");
    let dir = tempfile::tempdir().expect("temp dir");
    for sub in ["parent", "child", "usb"] {
        std::fs::create_dir_all(dir.path().join(sub)).expect("folder");
    }
    let parent_db = dir.path().join("parent/office.db");
    let child_db = dir.path().join("child/office.db");
    let usb = dir.path().join("usb");
    let mut parent = store::open(&parent_db).expect("open");
    let start = Instant::now();
    demo::fill_with_cases(&mut parent, now, count).expect("demo data");
    println!(
        "親機: {count} cases generated in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    let size = std::fs::metadata(&parent_db).map(|m| m.len()).unwrap_or(0);
    println!("database size: {:.1} MB", size as f64 / 1e6);

    let start = Instant::now();
    let setup =
        exchange::prepare(&mut parent, &parent_db, &usb, "ノートPC", None, now).expect("prepare");
    println!("子機を準備 (setup file + base): {:>8.0} ms", ms(start));
    let start = Instant::now();
    exchange::start_child(&setup, &child_db, None).expect("start");
    println!("子機として開始:                 {:>8.0} ms", ms(start));
    let mut child = store::open(&child_db).expect("open child");

    a_day(&mut child, now);

    let start = Instant::now();
    let out = exchange::export(&child, &child_db, &usb, None, now).expect("export");
    println!(
        "export (変更を書き出す):        {:>8.0} ms   file {:.0} KB   (targets 1,000 ms, 300 KB)",
        ms(start),
        out.size_bytes as f64 / 1024.0
    );
    for c in &out.counts {
        println!("    {}", c.text);
    }
    let start = Instant::now();
    let preview = exchange::import(&parent, &parent_db, &out.path, None).expect("import");
    println!(
        "import to the preview:          {:>8.0} ms   {} conflicts   (target 2,000 ms)",
        ms(start),
        preview.conflicts.len()
    );
    let backup_start = Instant::now();
    let backup_dir = dir.path().join("backup-only");
    std::fs::create_dir_all(&backup_dir).expect("folder");
    zaitaku_core::backup::create(
        &parent,
        None,
        &parent_db,
        &backup_dir,
        zaitaku_core::backup::BackupKind::Manual,
        now,
    )
    .expect("backup");
    let backup_ms = ms(backup_start);
    let start = Instant::now();
    let applied = exchange::apply(
        &mut parent,
        &parent_db,
        &out.path,
        None,
        &[],
        Some(&usb),
        now,
    )
    .expect("apply");
    let apply_ms = ms(start);
    println!(
        "apply + reply (one transaction): {:>7.0} ms   of which the automatic backup ~{backup_ms:.0} ms   (target 2,000 ms)",
        apply_ms
    );
    let reply_kb = std::fs::metadata(&applied.reply)
        .map(|m| m.len())
        .unwrap_or(0) as f64
        / 1024.0;
    let start = Instant::now();
    exchange::take_reply(&mut child, &child_db, &applied.reply, None).expect("reply");
    println!(
        "子機 takes the reply:           {:>8.0} ms   reply {reply_kb:.0} KB",
        ms(start)
    );
    let same = exchange::shared_fingerprint(&parent).expect("fp")
        == exchange::shared_fingerprint(&child).expect("fp");
    println!("same shared records on both PCs: {same}");
    assert!(same);
}
