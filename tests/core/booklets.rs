//! 私の意志表示帳: the stock ledger through the public API on a real database
//! file — stock from the ledger, refusals that write nothing, voids and
//! corrections with history, summaries by month/channel/市, CSV, demo data.

use chrono::{NaiveDate, NaiveDateTime};
use zaitaku_core::booklets::{self, seeded_channel, EditionInput, Entry, EntryInput};
use zaitaku_core::period::Period;
use zaitaku_core::store::{self, Connection};
use zaitaku_core::{csv, demo, Error};

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2025, 11, 24)
        .unwrap()
        .and_hms_opt(10, 30, 0)
        .unwrap()
}

/// A database file with the demo office (two cities) and one new edition
/// with an empty ledger.
struct Ledger {
    _dir: tempfile::TempDir,
    conn: Connection,
    edition: String,
    /// The first 市.
    city: String,
}

fn ledger() -> Ledger {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = store::open(&dir.path().join("office.db")).unwrap();
    zaitaku_core::office::save(&mut conn, &demo::office_input(), now()).unwrap();
    let edition = booklets::save_edition(
        &mut conn,
        &EditionInput {
            title: "私の意志表示帳".into(),
            edition: "第2版 令和元年12月".into(),
            low_stock_threshold: "20".into(),
            ..Default::default()
        },
        now(),
    )
    .unwrap()
    .id;
    let city = zaitaku_core::office::load(&conn).unwrap().cities[0]
        .id
        .clone();
    Ledger {
        _dir: dir,
        conn,
        edition,
        city,
    }
}

impl Ledger {
    /// A printed receipt of the edition.
    fn receipt(&self, date: &str, qty: &str) -> EntryInput {
        EntryInput::receipt(&self.edition, date, qty, "print")
    }

    /// An issue at the counter to a family in the first 市.
    fn issue(&self, date: &str, qty: &str) -> EntryInput {
        EntryInput {
            city_id: self.city.clone(),
            recipient_type: "本人・家族".into(),
            ..EntryInput::issue(&self.edition, date, qty, seeded_channel::COUNTER)
        }
    }

    fn try_add(&mut self, input: &EntryInput) -> Result<Entry, Error> {
        booklets::add_entry(&mut self.conn, input, "", now())
    }

    fn add(&mut self, input: &EntryInput) -> Entry {
        self.add_by(input, "")
    }

    fn add_by(&mut self, input: &EntryInput, by: &str) -> Entry {
        booklets::add_entry(&mut self.conn, input, by, now()).unwrap()
    }

    fn void(&mut self, id: &str, reason: &str) -> Result<Entry, Error> {
        booklets::void_entry(&mut self.conn, id, reason, "", now())
    }

    /// 50 received, then 5 issued and voided with `reason`.
    fn voided_issue(&mut self, reason: &str) -> Entry {
        self.add(&self.receipt("2025-11-01", "50"));
        let handed = self.add(&self.issue("2025-11-02", "5"));
        self.void(&handed.id, reason).unwrap()
    }

    fn stock(&self) -> i64 {
        booklets::stock(&self.conn, &self.edition).unwrap()
    }

    /// Rows of the ledger and of its history.
    fn rows(&self) -> (i64, i64) {
        let count = |table: &str| {
            self.conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .unwrap()
        };
        (count("booklet_entries"), count("booklet_entry_changes"))
    }
}

#[test]
fn receive_then_hand_out_at_the_counter() {
    let mut l = ledger();
    l.add_by(&l.receipt("2025-11-01", "100"), "山田");
    for _ in 0..3 {
        l.add_by(&l.issue("2025-11-24", "1"), "山田");
    }
    assert_eq!(l.stock(), 97);
    let e = booklets::editions(&l.conn).unwrap().remove(0);
    assert_eq!((e.received, e.issued, e.low_stock), (100, 3, false));
}

#[test]
fn an_issue_beyond_the_stock_is_refused_with_the_stock_and_nothing_written() {
    let mut l = ledger();
    l.add(&l.receipt("2025-11-01", "97"));
    let before = l.rows();
    let err = l.try_add(&l.issue("2025-11-24", "1000")).unwrap_err();
    assert_eq!(err.field(), Some("quantity"));
    assert_eq!(
        err.to_string(),
        "在庫が足りません。「私の意志表示帳 第2版 令和元年12月」の在庫は97冊です（1000冊は配布できません）。"
    );
    assert_eq!(l.rows(), before);
}

#[test]
fn a_back_dated_issue_cannot_use_copies_received_later() {
    let mut l = ledger();
    l.add(&l.receipt("2025-04-01", "10"));
    l.add(&l.receipt("2025-10-01", "100"));
    let err = l.try_add(&l.issue("2025-05-01", "20")).unwrap_err();
    assert_eq!(err.field(), Some("quantity"));
    assert!(
        err.to_string()
            .contains("令和7年5月1日に配布できるのは10冊まで"),
        "{err}"
    );
    l.add(&l.issue("2025-05-01", "10"));
}

#[test]
fn each_kind_of_bad_input_names_its_field_and_writes_nothing() {
    let mut l = ledger();
    l.add(&l.receipt("2025-11-01", "5"));
    let before = l.rows();
    let unknown = "00000000-0000-4000-8000-000000000000";
    let issue = l.issue("2025-11-02", "1");
    let cases = [
        (l.issue("2025-11-02", "0"), "quantity", "1以上"),
        (l.issue("2025-11-02", "-3"), "quantity", "1以上"),
        (l.issue("2025-11-02", "いっさつ"), "quantity", "数字"),
        (l.issue("2025-11-25", "1"), "entry_date", "未来"),
        (l.issue("令和8年1月1日", "1"), "entry_date", "未来"),
        (
            EntryInput {
                edition_id: unknown.into(),
                ..issue.clone()
            },
            "edition_id",
            "見つかりません",
        ),
        (
            EntryInput {
                channel_id: unknown.into(),
                ..issue.clone()
            },
            "channel_id",
            "見つかりません",
        ),
        (
            EntryInput {
                channel_id: "'; DROP TABLE x; --".into(),
                ..issue
            },
            "channel_id",
            "識別子",
        ),
        (l.issue("2025-11-02", "6"), "quantity", "在庫は5冊"),
    ];
    for (input, field, words) in cases {
        let err = l.try_add(&input).unwrap_err();
        assert_eq!(err.field(), Some(field), "{input:?}");
        assert!(err.to_string().contains(words), "{err}");
    }
    assert_eq!(l.rows(), before);
}

#[test]
fn voided_entries_stay_visible_and_stop_counting() {
    let mut l = ledger();
    let handed = l.voided_issue("二重入力");
    assert_eq!(l.stock(), 50);
    let fy = Period::fiscal(2025);
    let listed = booklets::entries(&l.conn, fy).unwrap();
    let voided = listed.iter().find(|e| e.id == handed.id).unwrap();
    assert!(voided.voided);
    assert_eq!(voided.void_reason, "二重入力");
    let history = booklets::history(&l.conn, &handed.id).unwrap();
    assert_eq!(history.last().unwrap().changed_by, booklets::UNKNOWN_STAFF);
    assert_eq!(history.last().unwrap().action, "取消");
    // A voided entry can be neither voided again nor corrected.
    assert!(matches!(l.void(&handed.id, ""), Err(Error::Conflict(_))));
    let again = l.issue("2025-11-02", "4");
    assert!(matches!(
        booklets::correct_entry(&mut l.conn, &handed.id, &again, "", now()),
        Err(Error::Conflict(_))
    ));
    assert_eq!(booklets::summary(&l.conn, fy).unwrap().issued, 0);
}

#[test]
fn voiding_a_receipt_that_later_issues_used_is_refused_and_explained() {
    let mut l = ledger();
    let first = l.add(&l.receipt("2025-04-01", "30"));
    l.add(&l.issue("2025-05-01", "25"));
    l.add(&l.receipt("2025-11-01", "100"));
    let before = l.rows();
    let err = l.void(&first.id, "").unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    assert!(err.to_string().contains("令和7年5月1日の時点"), "{err}");
    assert!(err.to_string().contains("25冊足りなく"), "{err}");
    assert_eq!(l.rows(), before);
    assert!(!booklets::entry(&l.conn, &first.id).unwrap().voided);
}

#[test]
fn a_correction_keeps_who_when_and_the_old_and_new_values() {
    let mut l = ledger();
    l.add(&l.receipt("2025-11-01", "50"));
    let e = l.add_by(&l.issue("2025-11-02", "5"), "山田");
    let later = now() + chrono::Duration::hours(1);
    let input = EntryInput {
        note: "講座の残部".into(),
        ..l.issue("2025-11-02", "8")
    };
    let fixed = booklets::correct_entry(&mut l.conn, &e.id, &input, "佐藤", later).unwrap();
    assert_eq!((fixed.quantity, fixed.corrections), (8, 1));
    let history = booklets::history(&l.conn, &e.id).unwrap();
    let lines: Vec<String> = history
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {}:{}→{}",
                c.changed_at, c.changed_by, c.action, c.field, c.old_value, c.new_value
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            "2025-11-24T10:30:00 山田 登録 :→配布 令和7年11月2日 5冊",
            "2025-11-24T11:30:00 佐藤 訂正 冊数:5→8",
            "2025-11-24T11:30:00 佐藤 訂正 備考:→講座の残部",
        ]
    );
    assert_eq!(l.stock(), 42);
}

#[test]
fn summary_by_month_channel_and_city_for_fiscal_and_calendar_years() {
    let mut l = ledger();
    l.add(&l.receipt("2025-03-01", "500"));
    l.add(&l.issue("2025-03-15", "4"));
    l.add(&l.issue("2025-04-10", "2"));
    l.add(&EntryInput {
        city_id: String::new(),
        ..l.issue("2025-11-20", "30")
    });

    let fy = booklets::summary(&l.conn, Period::fiscal(2025)).unwrap();
    assert_eq!(fy.period_label, "令和7年度");
    assert_eq!(
        (fy.from.as_str(), fy.to.as_str()),
        ("2025-04-01", "2026-03-31")
    );
    assert_eq!((fy.issued, fy.received, fy.issue_entries), (32, 0, 2));
    assert_eq!(fy.months.len(), 12);
    assert_eq!(fy.months[0].month, "2025-04");
    assert_eq!(fy.months[0].issued, 2);
    assert_eq!(fy.months[7].label, "11月");
    assert_eq!(fy.months[7].by_channel[0], 30);
    assert_eq!(fy.channels[0].name, "相談窓口");
    assert_eq!(fy.channels[0].quantity, 32);
    let city = |c: &booklets::NamedTotal| (c.name.clone(), c.quantity);
    assert_eq!(
        fy.cities.iter().map(city).collect::<Vec<_>>(),
        [
            ("坂戸市".into(), 2),
            ("鶴ヶ島市".into(), 0),
            ("市外".into(), 0),
            ("市の記録なし".into(), 30)
        ]
    );

    let cy = booklets::summary(&l.conn, Period::calendar(2025)).unwrap();
    assert_eq!(cy.period_label, "2025年（令和7年）");
    assert_eq!((cy.issued, cy.received), (36, 500));
    assert_eq!(cy.months[2].issued, 4);
}

#[test]
fn csv_has_bom_crlf_japanese_headers_and_marks_voided_rows() {
    let mut l = ledger();
    l.voided_issue("誤入力, 再登録");
    let csv::Csv { bytes, rows, .. } =
        booklets::export_csv(&l.conn, Some(Period::fiscal(2025))).unwrap();
    assert_eq!(rows, 2);
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines.len(), 4, "{text:?}");
    assert_eq!(lines[3], "");
    for (line, start) in [
        (lines[0], "日付,和暦,区分,冊子名・版,冊数"),
        (lines[1], "2025-11-01,令和7年11月1日,入庫,"),
    ] {
        assert!(line.starts_with(start), "{line}");
    }
    for words in [",取消,", "\"誤入力, 再登録\""] {
        assert!(lines[2].contains(words), "{}", lines[2]);
    }
    assert!(!text.replace("\r\n", "").contains('\n'));
}

#[test]
fn editions_and_channels_are_editable() {
    let mut l = ledger();
    let edited = booklets::save_edition(
        &mut l.conn,
        &EditionInput {
            id: Some(l.edition.clone()),
            title: "私の意志表示帳".into(),
            edition: "第2版 令和元年12月".into(),
            publisher: "医師会".into(),
            notes: String::new(),
            low_stock_threshold: "１００".into(),
            is_booklet: None,
        },
        now(),
    )
    .unwrap();
    assert_eq!(
        (
            edited.publisher.as_str(),
            edited.low_stock_threshold,
            edited.low_stock
        ),
        ("医師会", 100, true)
    );
    let dup = EditionInput {
        title: "私の意志表示帳".into(),
        edition: "第2版 令和元年12月".into(),
        ..Default::default()
    };
    assert_eq!(
        booklets::save_edition(&mut l.conn, &dup, now())
            .unwrap_err()
            .field(),
        Some("edition")
    );

    l.add(&l.receipt("2025-11-01", "5"));
    l.add(&l.issue("2025-11-02", "1"));
    let mut list: Vec<booklets::ChannelInput> = booklets::channels(&l.conn)
        .unwrap()
        .into_iter()
        .map(|c| booklets::ChannelInput {
            id: Some(c.id),
            name: c.name,
            active: true,
        })
        .collect();
    list[0].name = "窓口（来所）".into();
    list.push(booklets::ChannelInput {
        id: None,
        name: "薬局".into(),
        active: true,
    });
    let saved = booklets::save_channels(&mut l.conn, &list).unwrap();
    assert_eq!(saved.len(), 9);
    assert_eq!(saved[0].name, "窓口（来所）");
    // The used channel cannot be deleted, only hidden.
    let without_first = list[1..].to_vec();
    let err = booklets::save_channels(&mut l.conn, &without_first).unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    assert_eq!(booklets::channels(&l.conn).unwrap().len(), 9);
}

#[test]
fn demo_data_has_both_editions_a_pamphlet_and_two_years_that_never_go_negative() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = store::open(&dir.path().join("demo.db")).unwrap();
    let summary = demo::fill(&mut conn, now()).unwrap();
    assert_eq!(summary.booklet_editions, 3);
    assert!(summary.booklet_receipts >= 4);
    assert!((200..=500).contains(&summary.booklet_issues), "{summary:?}");
    let editions = booklets::editions(&conn).unwrap();
    let names: Vec<(&str, bool)> = editions
        .iter()
        .map(|e| (e.edition.as_str(), e.is_booklet))
        .collect();
    assert_eq!(
        names,
        [
            ("初版 平成26年", true),
            ("第2版 令和元年12月", true),
            ("令和5年版", false)
        ]
    );
    assert!(editions[2].issued > 0, "the pamphlet is handed out");
    assert!(editions.iter().all(|e| e.stock >= 0));
    let (first, last): (String, String) = conn
        .query_row(
            "SELECT min(entry_date), max(entry_date) FROM booklet_entries",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(first, "2023-11-01");
    assert!(
        last.as_str() <= "2025-11-24" && last.as_str() >= "2025-11-01",
        "{last}"
    );
    let channels_used: i64 = conn
        .query_row(
            "SELECT count(DISTINCT channel_id) FROM booklet_entries WHERE kind = 'issue'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(channels_used >= 6, "{channels_used}");
    let cities_used: i64 = conn
        .query_row(
            "SELECT count(DISTINCT city_id) FROM booklet_entries WHERE kind = 'issue'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(cities_used, 3, "坂戸市, 鶴ヶ島市 and 市外");
    // Deterministic: the same `now` gives the same ledger.
    let dir2 = tempfile::tempdir().unwrap();
    let mut other = store::open(&dir2.path().join("demo.db")).unwrap();
    assert_eq!(demo::fill(&mut other, now()).unwrap(), summary);
}
