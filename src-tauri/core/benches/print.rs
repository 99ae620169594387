//! Generation time and file size of the demo flyer (both templates) and the
//! demo booklet (plain A5 and imposed), in process, the font already parsed
//! (the app parses it once). Goals: a flyer ≤ 30 ms and ≤ 150 KB.
//!
//! Run: cargo bench -p zaitaku-core --bench print
//! Not part of `cargo test`.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use zaitaku_core::print::documents::{booklet, flyer};
use zaitaku_core::print::{self, font, Printed};
use zaitaku_core::{booklet_template, demo, office, store};

const RUNS: usize = 30;

fn measure(label: &str, make: impl Fn() -> Printed) {
    let mut layout = Vec::with_capacity(RUNS);
    let mut total = Vec::with_capacity(RUNS);
    let mut bytes = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let printed = make();
        let laid_out = start.elapsed();
        bytes = print::pdf::write(&printed);
        layout.push(laid_out);
        total.push(start.elapsed());
    }
    layout.sort();
    total.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{label:<28} layout p50 {:>6.2} ms   layout+PDF p50 {:>6.2} ms  p95 {:>6.2} ms   {:>4} KB",
        ms(layout[RUNS / 2]),
        ms(total[RUNS / 2]),
        ms(total[RUNS * 95 / 100]),
        bytes.len().div_ceil(1024)
    );
}

fn main() {
    let start = Instant::now();
    font::font();
    println!(
        "font parsed once in {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = store::open(&dir.path().join("bench.db")).expect("open");
    let now = NaiveDate::from_ymd_opt(2025, 11, 24)
        .and_then(|d| d.and_hms_opt(18, 0, 0))
        .expect("date");
    demo::fill(&mut conn, now).expect("demo data");
    let office = office::load(&conn).expect("office");
    let template = booklet_template::load(&conn).expect("template");

    for t in [flyer::Template::Lecture, flyer::Template::Tour] {
        let data = flyer::demo(t, office.clone());
        measure(&format!("flyer {t:?}"), || {
            flyer::build(&data).expect("flyer")
        });
    }
    measure("booklet A5", || {
        booklet::build(&template, &office, false).expect("booklet")
    });
    measure("booklet imposed A4", || {
        booklet::build(&template, &office, true).expect("booklet")
    });
    let preview_start = Instant::now();
    let preview = booklet::build(&template, &office, false)
        .expect("booklet")
        .preview();
    println!(
        "booklet SVG preview          {:.2} ms, {} pages, {} KB of SVG",
        preview_start.elapsed().as_secs_f64() * 1e3,
        preview.pages.len(),
        preview
            .pages
            .iter()
            .map(String::len)
            .sum::<usize>()
            .div_ceil(1024)
    );
}
