//! Speed of 相談記録 on a large office: 100,000 generated cases in a real
//! database file (WAL, synchronous=FULL, as the app opens it).
//!
//! Run: cargo bench -p zaitaku-core --bench cases [-- CASES]
//!
//! Prints search p50/p95 for 1-, 2- and 3+-character Japanese queries (the
//! FTS5 indexes), the same queries as a naive `LIKE '%q%'` scan, filtered
//! list pages, and insert throughput. Not part of `cargo test`. Everything
//! runs twice: on a plain database, then on one encrypted with SQLCipher
//! (target: within 15% of plain), with the time to open each again; the
//! encrypted run ends with a sign-in (key unwrap, then open).

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use zaitaku_core::cases::lists::{self, ListKind};
use zaitaku_core::cases::{self, search, CaseFilter};
use zaitaku_core::{demo, keys, office, store};

const RUNS: usize = 25;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(label: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{label:<44} p50 {:>8.3} ms   p95 {:>8.3} ms   ({} runs)",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.95).as_secs_f64() * 1e3,
        times.len()
    );
}

fn time<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let out = f();
    (start.elapsed(), out)
}

/// `runs` timings of `f`, after one untimed warm-up run.
fn timings<T>(runs: usize, mut f: impl FnMut() -> T) -> Vec<Duration> {
    f();
    (0..runs).map(|_| time(&mut f).0).collect()
}

fn main() {
    let count: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    run(count, None);
    println!();
    run(count, Some(&store::DataKey::generate()));
}

fn run(count: usize, key: Option<&store::DataKey>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    let mut conn = store::open_with(&path, key).expect("open");
    println!(
        "=== {} ===",
        if key.is_some() {
            "encrypted (SQLCipher)"
        } else {
            "plain"
        }
    );
    let now = NaiveDate::from_ymd_opt(2025, 11, 24)
        .and_then(|d| d.and_hms_opt(18, 0, 0))
        .expect("date");

    println!("相談記録 benchmark: {count} cases in {}", path.display());
    let (took, summary) = time(|| demo::fill_with_cases(&mut conn, now, count).expect("demo data"));
    println!(
        "bulk insert (demo-data, batches of 2,000 per transaction): {} cases in {:.1} s = {:.0} cases/s",
        summary.cases,
        took.as_secs_f64(),
        summary.cases as f64 / took.as_secs_f64()
    );
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(dir.path().join("bench.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    println!("database size: {:.1} MB", size as f64 / 1e6);

    // Interactive saves: one case per transaction, fsync'd, like the form.
    let staff = lists::list(&conn, ListKind::Staff).expect("staff").items[0]
        .id
        .clone();
    let template = {
        let id: String = conn
            .query_row(
                "SELECT id FROM cases WHERE person_id IS NOT NULL ORDER BY sort_key DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .expect("a case");
        let d = cases::get(&conn, &id, now.date()).expect("case");
        let person = d.person.expect("a demo case has a person");
        cases::CaseInput {
            received_date: d.received_date,
            received_time: d.received_time,
            intake_method_id: d.intake_method.id,
            consulter_type_id: d.consulter_type.id,
            person: cases::PersonInput {
                id: Some(person.id),
                name: person.name,
                kana: person.kana,
                ..Default::default()
            },
            category_ids: d.categories.into_iter().map(|c| c.id).collect(),
            content: d.content,
            staff_id: d.staff.id,
            status: "受付".into(),
            ..Default::default()
        }
    };
    let n = 200;
    let (took, _) = time(|| {
        for _ in 0..n {
            cases::create(&mut conn, &template, &staff, now).expect("create");
        }
    });
    println!(
        "single saves (cases::create, one transaction each): {n} in {:.2} s = {:.0} cases/s, {:.2} ms each",
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64(),
        took.as_secs_f64() * 1e3 / n as f64
    );
    println!();

    let groups: &[(&str, &[&str])] = &[
        ("1 character", &["山", "田", "護", "ト", "子"]),
        ("2 characters", &["さと", "看護", "ケア", "入院", "鶴ヶ"]),
        (
            "3+ characters",
            &[
                "やまもと",
                "訪問看護",
                "ケアマネ",
                "タカハシ",
                "退院前カンファレンス",
                "ますだ",
            ],
        ),
        ("no match", &["ほげ", "存在しない語"]),
    ];
    println!("search (FTS5; page of 50 newest first + count up to 1,000):");
    for (label, queries) in groups {
        let mut times = Vec::new();
        for q in *queries {
            let filter = CaseFilter {
                query: q.to_string(),
                ..Default::default()
            };
            times.extend(timings(RUNS, || {
                search::list(&conn, &filter).expect("search")
            }));
        }
        report(&format!("  {label} {queries:?}"), times);
    }
    println!("naive LIKE '%q%' over the raw columns (same page + capped count):");
    for (label, queries) in groups {
        let mut times = Vec::new();
        for q in *queries {
            times.extend(timings(10, || {
                search::naive_like(&conn, q, 51).expect("like")
            }));
        }
        report(&format!("  {label}"), times);
    }

    println!("filtered list pages (no search text):");
    let office = office::load(&conn).expect("office");
    let first = |kind| lists::list(&conn, kind).expect("list").items[0].id.clone();
    let filters: Vec<(&str, CaseFilter)> = vec![
        ("first page, no filter", CaseFilter::default()),
        (
            "page 5 (offset 200)",
            CaseFilter {
                offset: 200,
                ..Default::default()
            },
        ),
        (
            "状態 対応中 + 市",
            CaseFilter {
                status: "対応中".into(),
                city_id: office.cities[1].id.clone(),
                ..Default::default()
            },
        ),
        (
            "相談内容分類",
            CaseFilter {
                category_id: first(ListKind::Category),
                ..Default::default()
            },
        ),
        (
            "period (one month) + 担当者",
            CaseFilter {
                from: "令和7年6月1日".into(),
                to: "令和7年6月30日".into(),
                staff_id: first(ListKind::Staff),
                ..Default::default()
            },
        ),
        (
            "相談者種別 + search 2 chars",
            CaseFilter {
                consulter_type_id: first(ListKind::ConsulterType),
                query: "看護".into(),
                ..Default::default()
            },
        ),
    ];
    for (label, filter) in filters {
        let times = timings(RUNS, || search::list(&conn, &filter).expect("list"));
        report(&format!("  {label}"), times);
    }
    drop(conn);
    if let Some(key) = key {
        // An encrypted database is known by its key file beside it (made
        // only now: the demo staff sign in with PINs, which a database
        // known to be encrypted refuses).
        keys::KeyFile::create(key).save(&path).expect("key file");
    }
    let times = timings(RUNS, || store::open_with(&path, key).expect("open again"));
    report("open again (store::open_with)", times);
    if let Some(key) = key {
        sign_in(&path, key, &staff);
    }
}

/// A sign-in to the encrypted database: the password unwraps the data key
/// from the key file (Argon2id, target < 1 s), then the database opens
/// with it (target < 50 ms, the figure above).
fn sign_in(path: &std::path::Path, key: &store::DataKey, staff_id: &str) {
    const PASSWORD: &str = "bench-password-1";
    let mut file = keys::KeyFile::create(key);
    file.set_member(key, staff_id, "担当者", PASSWORD)
        .expect("wrap");
    file.save(path).expect("key file");
    let times = timings(5, || {
        keys::KeyFile::load(path)
            .expect("load")
            .expect("a key file")
            .unwrap_member(staff_id, PASSWORD)
            .expect("unwrap")
    });
    report("sign-in: unwrap the data key (Argon2id)", times);
    let times = timings(5, || {
        let key = keys::KeyFile::load(path)
            .expect("load")
            .expect("a key file")
            .unwrap_member(staff_id, PASSWORD)
            .expect("unwrap");
        store::open_with(path, Some(&key)).expect("open")
    });
    report("sign-in: unwrap + open", times);
}
