//! 出前講座・市民公開講座: catalogue, sessions, tallies, template versions,
//! the indicator, the booklet link and the CSV export.

use chrono::{NaiveDate, NaiveDateTime};
use zaitaku_core::booklets::{self, seeded_channel, ChannelInput, EditionInput, EntryInput};
use zaitaku_core::lectures::{
    self, questionnaire, BookletsInput, CountInput, IndicatorQuery, PastFilter, Session,
    SessionInput, SessionKind, Status, TallyInput, ThemeInput, VenueInput,
};
use zaitaku_core::period::{Period, PeriodKind};
use zaitaku_core::store::Connection;
use zaitaku_core::{demo, office, Error, Result};

use crate::util::{at, is_japanese, new_db, query_i64, temp_dir};

const STAFF: &str = "山田 花子";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Evening of a day: when staff enter what happened.
fn evening(y: i32, m: u32, d: u32) -> NaiveDateTime {
    day(y, m, d).and_hms_opt(17, 0, 0).unwrap()
}

fn fiscal(year: i32) -> Period {
    Period {
        kind: PeriodKind::Fiscal,
        year,
    }
}

/// An office with one city, one venue, one theme and the default template.
struct Office {
    _dir: tempfile::TempDir,
    conn: Connection,
    venue: String,
    theme: String,
}

fn office() -> Office {
    let dir = temp_dir();
    let (_p, mut conn) = new_db(dir.path());
    let mut input = demo::office_input();
    input.cities.truncate(1);
    office::save(&mut conn, &input, at(8, 0)).unwrap();
    let city = office::load(&conn).unwrap().cities[0].id.clone();
    let venue = VenueInput {
        name: "千代田公民館".into(),
        address: "坂戸市千代田三丁目4-5".into(),
        city_id: city,
        ..Default::default()
    };
    let venue = lectures::save_venue(&conn, &venue, at(8, 0)).unwrap().id;
    let theme = ThemeInput {
        number: "3".into(),
        title: "人生会議（ACP）はじめの一歩".into(),
        duration_minutes: "９０".into(),
        ..Default::default()
    };
    let theme = lectures::save_theme(&conn, &theme, at(8, 0)).unwrap().id;
    questionnaire::save(&mut conn, &questionnaire::default_input(), at(8, 0)).unwrap();
    Office {
        _dir: dir,
        conn,
        venue,
        theme,
    }
}

impl Office {
    /// An 出前講座 from the theme at the venue, 14:00–15:30, 定員 30.
    fn input(&self, date: &str, status: Status, attendees: &str) -> SessionInput {
        SessionInput {
            kind: SessionKind::Outreach.to_string(),
            theme_id: self.theme.clone(),
            session_date: date.into(),
            start_time: "14:00".into(),
            end_time: "15:30".into(),
            venue_id: self.venue.clone(),
            capacity: "30".into(),
            applicants: "28".into(),
            attendees: attendees.into(),
            status: status.to_string(),
            lecturers: "医師 佐藤 一郎\n\n訪問看護師 渡辺 幸子".into(),
            ..Default::default()
        }
    }

    fn save(&mut self, input: &SessionInput, now: NaiveDateTime) -> Result<lectures::Saved> {
        lectures::save_session(&mut self.conn, input, now)
    }

    /// Saves a session; returns its id.
    fn session(&mut self, date: &str, status: Status, attendees: &str) -> String {
        let input = self.input(date, status, attendees);
        self.save(&input, at(9, 0)).unwrap().session.basics.id
    }

    fn held(&mut self, date: &str, attendees: &str) -> String {
        self.session(date, Status::Held, attendees)
    }

    /// A tally: counts per choice in template order, question by question.
    fn tally(&self, returned: i64, per_question: &[&[i64]]) -> TallyInput {
        let q = questionnaire::current(&self.conn).unwrap().unwrap();
        let counts = q
            .questions
            .iter()
            .zip(per_question)
            .flat_map(|(question, numbers)| question.choices.iter().zip(numbers.iter()))
            .map(|(choice, n)| CountInput {
                choice_id: choice.id.clone(),
                count: n.to_string(),
            })
            .collect();
        TallyInput {
            forms_returned: returned.to_string(),
            counts,
            comments: vec!["分かりやすかったです。".into(), "  ".into()],
        }
    }

    fn enter(&mut self, id: &str, returned: i64, per_question: &[&[i64]]) -> Result<Session> {
        let input = self.tally(returned, per_question);
        lectures::save_tally(&mut self.conn, id, &input, at(9, 0))
    }

    /// An edition with `quantity` booklets received into stock.
    fn stocked_edition(&mut self, quantity: i64) -> String {
        let edition = EditionInput {
            title: "私の意志表示帳".into(),
            edition: "第2版".into(),
            ..Default::default()
        };
        let edition = booklets::save_edition(&mut self.conn, &edition, at(8, 0))
            .unwrap()
            .id;
        let receipt: EntryInput = serde_json::from_value(serde_json::json!({
            "kind": "receipt",
            "entry_date": "2025-03-01",
            "edition_id": edition,
            "quantity": quantity.to_string(),
            "source": "print",
        }))
        .unwrap();
        booklets::add_entry(&mut self.conn, &receipt, STAFF, at(8, 0)).unwrap();
        edition
    }

    fn count(&self, table: &str) -> i64 {
        query_i64(&self.conn, &format!("SELECT count(*) FROM {table}"))
    }

    fn hand_out(&mut self, session: &str, edition: &str, quantity: &str) -> Result<Session> {
        let input = BookletsInput {
            edition_id: edition.into(),
            quantity: quantity.into(),
        };
        lectures::record_booklets(&mut self.conn, session, &input, STAFF, at(9, 0))
    }
}

#[test]
fn a_session_from_a_theme_takes_its_title_and_the_venues_city() {
    let mut o = office();
    let id = o.session("令和7年5月10日", Status::Planned, "");
    let s = lectures::session(&o.conn, &id).unwrap();
    assert_eq!(s.basics.title, "人生会議（ACP）はじめの一歩");
    assert_eq!(
        (s.basics.kind, s.basics.status),
        (SessionKind::Outreach, Status::Planned)
    );
    assert_eq!(s.basics.date_label, "令和7年5月10日（土）");
    assert_eq!(s.basics.city_name, "坂戸市");
    assert_eq!(s.venue.as_ref().unwrap().address, "坂戸市千代田三丁目4-5");
    assert_eq!(s.lecturers, ["医師 佐藤 一郎", "訪問看護師 渡辺 幸子"]);
    assert_eq!(s.theme.as_ref().unwrap().duration_minutes, Some(90));
    let upcoming = lectures::upcoming(&o.conn, at(9, 0).date()).unwrap();
    assert_eq!(upcoming.len(), 1);
    assert_eq!(
        (upcoming[0].month_label.as_str(), upcoming[0].weekday),
        ("令和7年5月", "土")
    );
    // Times typed with an IME are stored as HH:MM; the wire keeps the labels.
    let mut edit = o.input("2025-05-10", Status::Planned, "");
    (edit.id, edit.start_time, edit.end_time) = (Some(id), "９時".into(), "10時30分".into());
    let s = o.save(&edit, at(9, 0)).unwrap().session;
    assert_eq!(
        (s.basics.start_time.as_str(), s.basics.end_time.as_str()),
        ("09:00", "10:30")
    );
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(
        (json["kind"].as_str(), json["status"].as_str()),
        (Some("出前講座"), Some("予定"))
    );
}

#[test]
fn bad_sessions_are_refused_and_over_capacity_is_only_a_warning() {
    let mut o = office();
    type Change = fn(&mut SessionInput);
    let table: &[(Change, &str)] = &[
        (|i| i.end_time = "13:00".into(), "end_time"),
        (|i| i.start_time = "午後2時".into(), "start_time"),
        (|i| i.attendees = "-5".into(), "attendees"),
        (|i| i.capacity = "−1".into(), "capacity"),
        (|i| i.session_date = "2025-06-01".into(), "status"),
        (|i| i.kind = "講演会".into(), "kind"),
        (|i| i.status = "済".into(), "status"),
        (|i| i.id = Some("not-an-id".into()), "id"),
    ];
    for (change, field) in table {
        let mut bad = o.input("2025-03-20", Status::Held, "20");
        change(&mut bad);
        let e = o.save(&bad, at(9, 0)).unwrap_err();
        assert_eq!(e.field(), Some(*field), "{bad:?}: {e}");
        assert!(is_japanese(&e.to_string()), "{e}");
    }
    let mut gone = o.input("2025-03-20", Status::Held, "20");
    gone.id = Some("6f1c2a10-3b1e-4c3a-9d51-0affffffffff".into());
    let e = o.save(&gone, at(9, 0)).unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "{e:?}");

    let crowded = o.input("2025-03-20", Status::Held, "34");
    let saved = o.save(&crowded, at(9, 0)).unwrap();
    assert_eq!(saved.warnings.len(), 1, "{:?}", saved.warnings);
    assert!(saved.warnings[0].contains("定員（30人）"));
    assert_eq!(o.count("lecture_sessions"), 1);
}

#[test]
fn editing_keeps_created_at_and_one_row() {
    let mut o = office();
    let id = o.held("2025-03-20", "20");
    let mut edit = o.input("2025-03-20", Status::Held, "22");
    edit.id = Some(id.clone());
    let s = o.save(&edit, at(11, 0)).unwrap().session;
    assert_eq!(s.basics.attendees, Some(22));
    let (created, updated): (String, String) = o
        .conn
        .query_row(
            "SELECT created_at, updated_at FROM lecture_sessions WHERE id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (created.as_str(), updated.as_str()),
        ("2025-04-01T09:00:00", "2025-04-01T11:00:00")
    );
    assert_eq!(o.count("lecture_sessions"), 1);
}

#[test]
fn an_unreadable_stored_day_is_reported_as_corrupt() {
    let mut o = office();
    let id = o.held("2025-03-20", "20");
    o.conn
        .execute(
            "UPDATE lecture_sessions SET session_date = '2025-13-45' WHERE id = ?1",
            [&id],
        )
        .unwrap();
    let e = lectures::session(&o.conn, &id).unwrap_err();
    assert!(matches!(e, Error::Corrupt(_)), "{e:?}");
    let e = lectures::past(&o.conn, &PastFilter::fiscal(2025), at(9, 0).date()).unwrap_err();
    assert!(matches!(e, Error::Corrupt(_)), "{e:?}");
}

#[test]
fn tallies_are_checked_against_forms_returned_and_attendance() {
    let mut o = office();
    let planned = o.session("2025-05-10", Status::Planned, "");
    let e = o.enter(&planned, 0, &[]).unwrap_err();
    assert!(e.to_string().contains("実施済"), "{e}");

    let held = o.held("2025-03-20", "25");
    let e = o.enter(&held, 26, &[]).unwrap_err();
    assert_eq!(e.field(), Some("forms_returned"));

    // 満足度 adds up to 21 with 20 forms: refused, naming the question.
    let e = o
        .enter(&held, 20, &[&[10, 8, 2, 0], &[12, 6, 2, 1]])
        .unwrap_err();
    assert!(e.to_string().contains("「満足度」"), "{e}");
    assert!(e.field().unwrap().starts_with("question:"));
    assert_eq!(o.count("lecture_tallies"), 0);

    let s = o
        .enter(&held, 20, &[&[10, 8, 2, 0], &[12, 6, 1, 0], &[5, 5, 10]])
        .unwrap();
    assert_eq!(s.basics.forms_returned, Some(20));
    assert_eq!(s.basics.response_rate, Some(0.8));
    assert_eq!(s.tallies[1].blank, 1);
    assert_eq!(s.tallies[3].blank, 20);
    assert_eq!(s.comments, ["分かりやすかったです。"]);

    // Attendance cannot drop below the forms already returned.
    let mut fewer = o.input("2025-03-20", Status::Held, "15");
    fewer.id = Some(held.clone());
    let e = o.save(&fewer, at(9, 0)).unwrap_err();
    assert_eq!(e.field(), Some("attendees"));
}

#[test]
fn the_lists_say_which_sessions_take_a_tally() {
    let mut o = office();
    let today = at(9, 0).date();
    let held = o.held("2025-03-20", "25");
    let late = o.session("2025-03-25", Status::Planned, "");
    let cancelled = o.session("2025-03-15", Status::Cancelled, "");
    let held_today = o.held("2025-04-01", "10");
    let planned_today = o.session("2025-04-01", Status::Planned, "");
    let coming = o.session("2025-05-10", Status::Planned, "");

    let last_year = lectures::screen(&o.conn, &PastFilter::fiscal(2024), today).unwrap();
    let this_year = lectures::screen(&o.conn, &PastFilter::fiscal(2025), today).unwrap();
    let rows: Vec<_> = [&last_year.past, &this_year.past, &this_year.upcoming]
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r.basics.id.clone(),
                (r.tally_offered, r.basics.tally_allowed),
            )
        })
        .collect();
    let flags = |id: &str| -> (bool, bool) {
        let found: Vec<_> = rows.iter().filter(|(i, _)| i == id).collect();
        assert_eq!(found.len(), 1, "listed once");
        found[0].1
    };
    // (集計入力 offered, tally allowed)
    assert_eq!(flags(&held), (true, true));
    assert_eq!(flags(&held_today), (true, true));
    assert_eq!(
        flags(&late),
        (true, false),
        "offered, to be marked 実施済 first"
    );
    assert_eq!(flags(&planned_today), (true, false));
    assert_eq!(flags(&cancelled), (false, false));
    assert_eq!(flags(&coming), (false, false));

    // The flag is what saving a tally accepts, on the full session too.
    for id in [
        &held,
        &late,
        &cancelled,
        &held_today,
        &planned_today,
        &coming,
    ] {
        let allowed = lectures::session(&o.conn, id).unwrap().basics.tally_allowed;
        assert_eq!(allowed, flags(id).1);
        let saved = o.enter(id, 0, &[]);
        assert_eq!(saved.is_ok(), allowed, "{saved:?}");
    }

    // The totals count held sessions only.
    assert_eq!(last_year.past.len(), 3);
    assert_eq!(
        (
            last_year.past_totals.held,
            last_year.past_totals.participants
        ),
        (1, 25)
    );
    assert_eq!(
        (
            this_year.past_totals.held,
            this_year.past_totals.participants
        ),
        (1, 10)
    );
}

#[test]
fn editing_a_template_with_answers_creates_a_new_version() {
    let mut o = office();
    let v1 = questionnaire::current(&o.conn).unwrap().unwrap();
    // Unused: edited in place.
    let mut edit = questionnaire::default_input();
    edit.questions[1].text = "講座の満足度".into();
    let same = questionnaire::save(&mut o.conn, &edit, at(9, 0)).unwrap();
    assert_eq!((same.id.as_str(), same.version), (v1.id.as_str(), 1));

    let held = o.held("2025-03-20", "25");
    o.enter(&held, 20, &[&[10, 8, 2, 0]]).unwrap();

    edit.questions[0].choices = vec!["よく分かった".into(), "分からなかった".into()];
    let v2 = questionnaire::save(&mut o.conn, &edit, at(10, 0)).unwrap();
    assert_eq!(v2.version, 2);
    assert_ne!(v2.id, v1.id);
    let old = questionnaire::get(&o.conn, &v1.id).unwrap();
    assert!(old.superseded);
    assert_eq!(old.questions[0].choices.len(), 4);
    // The past session still shows its four choices and counts.
    let s = lectures::session(&o.conn, &held).unwrap();
    assert_eq!(s.questionnaire_version, Some(1));
    let counts: Vec<i64> = s.tallies[0].choices.iter().map(|c| c.count).collect();
    assert_eq!(counts, [10, 8, 2, 0]);

    let one_choice = questionnaire::QuestionnaireInput {
        name: "様式".into(),
        questions: vec![questionnaire::QuestionInput {
            text: "理解度".into(),
            awareness: false,
            choices: vec!["はい".into()],
        }],
    };
    let e = questionnaire::save(&mut o.conn, &one_choice, at(11, 0)).unwrap_err();
    assert!(e.to_string().contains("選択肢"), "{e}");
}

#[test]
fn figures_and_indicator_follow_the_tallies() {
    let mut o = office();
    // (day, status, attendees, forms returned, 浸透度 answers)
    let sessions: &[(NaiveDate, Status, &str, i64, &[i64])] = &[
        (day(2024, 5, 11), Status::Held, "30", 24, &[6, 6, 12]),
        (day(2024, 11, 9), Status::Held, "20", 20, &[10, 5, 5]),
        (day(2024, 12, 7), Status::Held, "0", 0, &[]),
        (day(2025, 1, 11), Status::Cancelled, "", 0, &[]),
    ];
    for (date, status, attendees, returned, aware) in sessions {
        let input = o.input(&date.to_string(), *status, attendees);
        let next_day = date.succ_opt().unwrap().and_hms_opt(9, 0, 0).unwrap();
        let s = o.save(&input, next_day).unwrap().session;
        if *status == Status::Held {
            o.enter(&s.basics.id, *returned, &[&[], &[], aware])
                .unwrap();
        }
    }

    let f = lectures::figures(&o.conn, day(2024, 4, 1), day(2025, 3, 31)).unwrap();
    assert_eq!(
        (
            f.sessions_held,
            f.sessions_cancelled,
            f.participants,
            f.forms_returned
        ),
        (3, 1, 50, 44)
    );
    assert_eq!(f.response_rate, Some(44.0 / 50.0));
    let awareness = f.questions.iter().find(|q| q.awareness).unwrap();
    assert_eq!(awareness.answered, 44);
    assert_eq!(awareness.choices[0].share, Some(16.0 / 44.0));

    let query = IndicatorQuery {
        period: fiscal(2024),
        kind: String::new(),
        theme_id: String::new(),
    };
    let ind = lectures::indicator(&o.conn, &query).unwrap();
    let labels: Vec<&str> = ind.trend.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(labels[4..], ["令和6年度上期", "令和6年度下期"]);
    let shares: Vec<Option<f64>> = ind.trend.iter().map(|t| t.share).collect();
    assert_eq!(
        (shares[0], shares[4], shares[5]),
        (None, Some(0.25), Some(0.5))
    );
    assert_eq!(ind.by_theme.len(), 1);
    assert_eq!(ind.by_theme[0].sessions, 3);

    // Only the session with zero attendees: no rate, not NaN.
    let only_zero = lectures::figures(&o.conn, day(2024, 12, 1), day(2024, 12, 31)).unwrap();
    assert_eq!(
        (only_zero.sessions_held, only_zero.response_rate),
        (1, None)
    );
}

#[test]
fn booklets_handed_out_at_a_session_go_into_the_ledger_in_one_step() {
    let mut o = office();
    let edition = o.stocked_edition(50);
    let held = o.held("2025-03-20", "25");
    let s = o.hand_out(&held, &edition, "20").unwrap();
    assert_eq!(s.booklets_handed_out, 20);
    assert_eq!(booklets::stock(&o.conn, &edition).unwrap(), 30);
    let summary = booklets::summary(&o.conn, fiscal(2024)).unwrap();
    let channel = summary
        .channels
        .iter()
        .find(|c| c.name == "出前講座")
        .unwrap();
    assert_eq!(channel.quantity, 20);

    let e = o.hand_out(&held, &edition, "31").unwrap_err();
    assert!(
        matches!(e, Error::Invalid { .. } | Error::Conflict(_)),
        "{e:?}"
    );
    assert!(is_japanese(&e.to_string()));
    let s = lectures::session(&o.conn, &held).unwrap();
    assert_eq!(s.booklets_handed_out, 20);
    assert_eq!(
        query_i64(
            &o.conn,
            "SELECT count(*) FROM booklet_entries WHERE lecture_session_id IS NOT NULL"
        ),
        1
    );
}

#[test]
fn a_hand_out_is_counted_on_the_seeded_channel_of_its_kind_whatever_its_name() {
    let mut o = office();
    let edition = o.stocked_edition(100);
    // Staff rename 出前講座 in 設定 and hide イベント.
    let channels: Vec<ChannelInput> = booklets::channels(&o.conn)
        .unwrap()
        .into_iter()
        .map(|c| ChannelInput {
            active: c.name != "イベント",
            name: match c.id.as_str() {
                seeded_channel::OUTREACH_LECTURE => "地域への出張講座".into(),
                _ => c.name,
            },
            id: Some(c.id),
        })
        .collect();
    booklets::save_channels(&mut o.conn, &channels).unwrap();
    let table = [
        (
            SessionKind::Outreach,
            seeded_channel::OUTREACH_LECTURE,
            "地域への出張講座",
        ),
        (
            SessionKind::PublicLecture,
            seeded_channel::PUBLIC_LECTURE,
            "市民公開講座",
        ),
        // イベント is hidden: the hand-out falls back to その他.
        (SessionKind::Training, seeded_channel::OTHER, "その他"),
    ];
    for (kind, channel, shown) in table {
        let mut input = o.input("2025-03-20", Status::Held, "25");
        input.kind = kind.to_string();
        let saved = o.save(&input, at(9, 0)).unwrap().session;
        // The session screen names the channel by its current name.
        assert_eq!(saved.handout_channel, shown, "{kind}");
        let held = saved.basics.id;
        o.hand_out(&held, &edition, "5").unwrap();
        let stored: String = o
            .conn
            .query_row(
                "SELECT channel_id FROM booklet_entries WHERE lecture_session_id = ?1",
                [&held],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(stored, channel, "{kind}");
    }
}

#[test]
fn demo_lectures_and_csv_export() {
    let dir = temp_dir();
    let (_p, mut conn) = new_db(dir.path());
    let now = evening(2025, 11, 24);
    let summary = demo::fill_with_cases(&mut conn, now, 0).unwrap();
    assert_eq!(summary.lecture_themes, 24);
    assert!(summary.lecture_sessions >= 40, "{summary:?}");
    let upcoming = lectures::upcoming(&conn, now.date()).unwrap();
    assert!(!upcoming.is_empty());
    let f = lectures::figures(&conn, day(2024, 4, 1), day(2025, 3, 31)).unwrap();
    assert!(f.sessions_held >= 15, "{f:?}");
    let rate = f.response_rate.unwrap();
    assert!((0.6..=1.0).contains(&rate), "{rate}");
    // Every stored tally is consistent with its forms.
    let inconsistent = [
        "SELECT count(*) FROM (SELECT s.id, q.id, sum(t.count) AS n, s.forms_returned AS r
           FROM lecture_tallies t JOIN lecture_sessions s ON s.id = t.session_id
           JOIN questionnaire_choices c ON c.id = t.choice_id
           JOIN questionnaire_questions q ON q.id = c.question_id
          GROUP BY s.id, q.id) WHERE n > r",
        "SELECT count(*) FROM lecture_sessions WHERE forms_returned > attendees",
    ];
    for sql in inconsistent {
        assert_eq!(query_i64(&conn, sql), 0, "{sql}");
    }

    let csv = lectures::export_csv(&conn, None, now.date()).unwrap();
    let text = String::from_utf8(csv.bytes).unwrap();
    assert!(text.starts_with("\u{FEFF}開催ID,種別,テーマ番号"));
    let header = text.lines().next().unwrap();
    assert!(header.contains("理解度：よく分かった"), "{header}");
    // Comments may hold line breaks (LF, quoted); records end in CRLF.
    let sessions = query_i64(&conn, "SELECT count(*) FROM lecture_sessions");
    assert_eq!(csv.rows as i64, sessions);
    assert_eq!(text.matches("\r\n").count() as i64, 1 + sessions);
    let filtered =
        lectures::export_csv(&conn, Some(&PastFilter::fiscal(2024)), now.date()).unwrap();
    assert!(filtered.rows < csv.rows);
    let text = String::from_utf8(filtered.bytes).unwrap();
    assert_eq!(text.matches("\r\n").count(), 1 + filtered.rows);
}
