//! 療養支援ベッド as the scheme runs it: 事前登録 with expiry warnings, the
//! 輪番表 filled a month at a time and printed, stays with their refusals
//! (unregistered, overlapping, bad dates) and the 14-day flag, and the
//! yearly figures against a hand count.

use chrono::{NaiveDate, NaiveDateTime};
use zaitaku_core::beds::{
    self, registrations::Validity, RegistrationFilter, RegistrationInput, RotaFill, StayFilter,
    StayInput,
};
use zaitaku_core::cases::lists::{self, ListKind};
use zaitaku_core::cases::{self, CaseInput, PersonInput};
use zaitaku_core::period::ReportPeriod;
use zaitaku_core::print::{self, PrintJob};
use zaitaku_core::registries::{self, DoctorInput, SupportBedInput};
use zaitaku_core::store::{self, Connection};
use zaitaku_core::{demo, office, report, Error};

use super::util::{pdftotext, query_i64};

/// The clock of every save: 令和8年5月1日.
fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 5, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

struct Office {
    conn: Connection,
    _dir: tempfile::TempDir,
    /// 坂戸中央病院, 鶴ヶ島総合病院, 入西病院 (by name order: 入西, 坂戸, 鶴ヶ島).
    central: String,
    general: String,
    nissai: String,
    doctor: String,
    /// Persons: 坂戸 一子 (坂戸市) and 鶴島 二郎 (鶴ヶ島市), each with a case.
    ichiko: String,
    jiro: String,
    ichiko_case: String,
    jiro_case: String,
}

fn hospital(conn: &mut Connection, name: &str, phone: &str) -> String {
    registries::save_bed(
        conn,
        &SupportBedInput {
            hospital: name.into(),
            phone: phone.into(),
            beds: "1".into(),
            ..Default::default()
        },
        now(),
    )
    .unwrap()
    .id
}

fn person_with_case(conn: &mut Connection, name: &str, city: &str) -> (String, String) {
    let item = |kind| lists::list(conn, kind).unwrap().items[0].id.clone();
    let staff = item(ListKind::Staff);
    let input = CaseInput {
        received_date: "2025-04-01".into(),
        received_time: "10:00".into(),
        intake_method_id: item(ListKind::IntakeMethod),
        consulter_type_id: item(ListKind::ConsulterType),
        new_person: true,
        person: PersonInput {
            name: name.into(),
            city_id: city.into(),
            ..Default::default()
        },
        category_ids: vec![item(ListKind::Category)],
        staff_id: staff.clone(),
        status: "対応中".into(),
        ..Default::default()
    };
    let d = cases::create(conn, &input, &staff, now()).unwrap();
    (d.person.expect("a case with a person").id, d.id)
}

fn setup() -> Office {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = store::open(&dir.path().join("office.db")).unwrap();
    office::save(&mut conn, &demo::office_input(), now()).unwrap();
    demo::cases::seed_lists(&mut conn, now()).unwrap();
    let o = office::load(&conn).unwrap();
    let central = hospital(&mut conn, "坂戸中央病院", "049-281-1100");
    let general = hospital(&mut conn, "鶴ヶ島総合病院", "049-282-1100");
    let nissai = hospital(&mut conn, "入西病院", "049-283-1100");
    let doctor = registries::save_doctor(
        &mut conn,
        &DoctorInput {
            name: "若葉 太郎".into(),
            clinic: "若葉台クリニック".into(),
            ..Default::default()
        },
        now(),
    )
    .unwrap()
    .id;
    let (ichiko, ichiko_case) = person_with_case(&mut conn, "坂戸 一子", &o.cities[0].id);
    let (jiro, jiro_case) = person_with_case(&mut conn, "鶴島 二郎", &o.cities[1].id);
    Office {
        conn,
        _dir: dir,
        central,
        general,
        nissai,
        doctor,
        ichiko,
        jiro,
        ichiko_case,
        jiro_case,
    }
}

fn register(o: &mut Office, person: &str, consent: &str, until: &str) -> beds::Registration {
    beds::save_registration(
        &mut o.conn,
        &RegistrationInput {
            person_id: person.into(),
            consent_on: consent.into(),
            valid_until: until.into(),
            doctor_id: o.doctor.clone(),
            care_manager: "居宅さかど 佐藤".into(),
            ..Default::default()
        },
        now(),
    )
    .unwrap()
}

fn reason(conn: &Connection, name: &str) -> String {
    beds::reasons(conn)
        .unwrap()
        .into_iter()
        .find(|r| r.name == name)
        .unwrap()
        .id
}

fn stay_input(o: &Office, person: &str, bed: &str, admitted: &str, discharged: &str) -> StayInput {
    StayInput {
        person_id: person.into(),
        bed_id: bed.into(),
        admitted_on: admitted.into(),
        discharged_on: discharged.into(),
        reason_id: reason(&o.conn, "急変時"),
        ..Default::default()
    }
}

fn stay(o: &mut Office, person: &str, bed: &str, admitted: &str, discharged: &str) -> beds::Stay {
    let input = stay_input(o, person, bed, admitted, discharged);
    beds::save_stay(&mut o.conn, &input, now()).unwrap()
}

/// The field and message of a refusal.
fn refused<T: std::fmt::Debug>(result: zaitaku_core::Result<T>) -> (String, String) {
    match result {
        Err(Error::Invalid { field, message }) => (field, message),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

// ------------------------------------------------------------ 事前登録

#[test]
fn a_registration_keeps_its_dates_doctor_and_care_manager_and_warns_before_expiry() {
    let mut o = setup();
    let ichiko = o.ichiko.clone();
    let g = register(&mut o, &ichiko, "令和7年6月1日", "R8.5.20");
    assert_eq!(g.person_name, "坂戸 一子");
    assert_eq!(g.consent_on, "2025-06-01");
    assert_eq!(g.consent_label, "令和7年6月1日");
    assert_eq!(g.valid_until_label, "令和8年5月20日");
    assert_eq!(g.doctor_label, "若葉 太郎（若葉台クリニック）");
    assert_eq!(g.care_manager, "居宅さかど 佐藤");
    // 19 days before the end: a warning, not yet expired.
    assert_eq!(g.validity, Validity::Expiring);
    assert_eq!(g.validity_label, "期限まであと19日");
    let jiro = o.jiro.clone();
    let old = register(&mut o, &jiro, "2025-01-10", "2026-01-09");
    assert_eq!(old.validity, Validity::Expired);
    assert_eq!(old.validity_label, "期限切れ");

    let list = |o: &Office, validity: &str| -> Vec<String> {
        let filter = RegistrationFilter {
            validity: validity.into(),
            ..Default::default()
        };
        beds::registrations(&o.conn, &filter, now().date())
            .unwrap()
            .into_iter()
            .map(|g| g.person_name)
            .collect()
    };
    assert_eq!(list(&o, ""), ["坂戸 一子", "鶴島 二郎"]);
    assert_eq!(list(&o, "expired"), ["鶴島 二郎"]);
    assert_eq!(list(&o, "expiring"), ["坂戸 一子"]);
    let by_name = RegistrationFilter {
        query: "ツルシマ".into(),
        ..Default::default()
    };
    // The person has no ふりがな: a kana query finds nobody, the kanji does.
    assert!(beds::registrations(&o.conn, &by_name, now().date())
        .unwrap()
        .is_empty());
    let by_kanji = RegistrationFilter {
        query: "鶴島".into(),
        ..Default::default()
    };
    assert_eq!(
        beds::registrations(&o.conn, &by_kanji, now().date())
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_registration_form_with_bad_input_is_refused_on_the_field() {
    let mut o = setup();
    let good = RegistrationInput {
        person_id: o.ichiko.clone(),
        consent_on: "2025-06-01".into(),
        valid_until: "2026-05-31".into(),
        ..Default::default()
    };
    let cases: Vec<(RegistrationInput, &str, &str)> = vec![
        (
            RegistrationInput {
                person_id: String::new(),
                ..good.clone()
            },
            "person_id",
            "対象者を選んで",
        ),
        (
            RegistrationInput {
                person_id: "00000000-0000-4000-8000-000000000000".into(),
                ..good.clone()
            },
            "person_id",
            "見つかりません",
        ),
        (
            RegistrationInput {
                consent_on: String::new(),
                ..good.clone()
            },
            "consent_on",
            "同意書の日付",
        ),
        (
            RegistrationInput {
                consent_on: "令和7年13月1日".into(),
                ..good.clone()
            },
            "consent_on",
            "読み取れません",
        ),
        (
            RegistrationInput {
                consent_on: "2026-05-02".into(),
                ..good.clone()
            },
            "consent_on",
            "未来",
        ),
        (
            RegistrationInput {
                valid_until: "2025-05-31".into(),
                ..good.clone()
            },
            "valid_until",
            "同意書の日付と同じか後",
        ),
        (
            RegistrationInput {
                doctor_id: "x".into(),
                ..good.clone()
            },
            "doctor_id",
            "",
        ),
        (
            RegistrationInput {
                care_manager: "a\u{202E}b".into(),
                ..good.clone()
            },
            "care_manager",
            "",
        ),
    ];
    for (input, field, words) in cases {
        let (f, message) = refused(beds::save_registration(&mut o.conn, &input, now()));
        assert_eq!(f, field, "{message}");
        assert!(message.contains(words), "{message}");
    }
    assert_eq!(
        query_i64(&o.conn, "SELECT count(*) FROM bed_registrations"),
        0
    );
}

// ------------------------------------------------------------ 輪番表

#[test]
fn a_month_of_rota_is_filled_from_a_weekly_pattern_then_single_days_change() {
    let mut o = setup();
    // 月〜金 坂戸中央, 土 鶴ヶ島総合, 日 none.
    let c = o.central.clone();
    let mut pattern = vec![c.clone(); 5];
    pattern.extend([o.general.clone(), String::new()]);
    let month = beds::fill_month(
        &mut o.conn,
        &RotaFill {
            month: "2025-04".into(),
            pattern,
        },
        now(),
    )
    .unwrap();
    assert_eq!(month.label, "令和7年4月");
    assert_eq!(month.days.len(), 30);
    // 2025-04-01 is a Tuesday; the 5th a Saturday, the 6th a Sunday.
    assert_eq!(month.days[0].weekday, 1);
    assert_eq!(month.days[0].hospital, "坂戸中央病院");
    assert_eq!(month.days[0].phone, "049-281-1100");
    assert_eq!(month.days[4].hospital, "鶴ヶ島総合病院");
    assert_eq!(month.days[5].bed_id, None);
    // April 2025: 22 weekdays, 4 Saturdays, 4 Sundays.
    let days_of = |m: &beds::RotaMonth, name: &str| {
        m.hospitals
            .iter()
            .find(|h| h.hospital == name)
            .map_or(0, |h| h.days)
    };
    assert_eq!(days_of(&month, "坂戸中央病院"), 22);
    assert_eq!(days_of(&month, "鶴ヶ島総合病院"), 4);
    assert_eq!(month.open_days, 4);

    let day = beds::set_rota_day(&o.conn, "令和7年4月6日", &o.nissai, now()).unwrap();
    assert_eq!(day.hospital, "入西病院");
    beds::set_rota_day(&o.conn, "2025-04-01", "", now()).unwrap();
    let month = beds::rota_month(&o.conn, "2025-04").unwrap();
    assert_eq!(month.days[0].bed_id, None);
    assert_eq!(month.days[5].hospital, "入西病院");
    assert_eq!(month.open_days, 4);
    let holder = beds::rota::holder_on(&o.conn, NaiveDate::from_ymd_opt(2025, 4, 7).unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(holder.hospital, "坂戸中央病院");
    // Every day of the rota is in the change record.
    assert!(
        query_i64(
            &o.conn,
            "SELECT count(*) FROM audit_log WHERE table_name = 'bed_rota'"
        ) >= 26
    );
}

#[test]
fn a_rota_fill_with_a_bad_hospital_changes_nothing() {
    let mut o = setup();
    let fill = |bed: &str| RotaFill {
        month: "2025-05".into(),
        pattern: vec![bed.to_string(); 7],
    };
    let central = o.central.clone();
    beds::fill_month(&mut o.conn, &fill(&central), now()).unwrap();
    let before = beds::rota_month(&o.conn, "2025-05").unwrap();
    // The last weekday names an unknown hospital: the month stays as it was.
    let mut bad = fill(&o.general);
    bad.pattern[6] = "00000000-0000-4000-8000-000000000000".into();
    let (field, message) = refused(beds::fill_month(&mut o.conn, &bad, now()));
    assert_eq!(field, "pattern.6");
    assert!(message.contains("病院が見つかりません"), "{message}");
    assert_eq!(beds::rota_month(&o.conn, "2025-05").unwrap(), before);
    // A retired hospital cannot take turns.
    let mut retired = registries::bed(&o.conn, &o.nissai).unwrap();
    retired.retired = true;
    registries::save_bed(
        &o.conn,
        &SupportBedInput {
            id: Some(retired.id.clone()),
            hospital: retired.hospital.clone(),
            beds: "1".into(),
            retired: true,
            ..Default::default()
        },
        now(),
    )
    .unwrap();
    let (field, message) = refused(beds::fill_month(&mut o.conn, &fill(&retired.id), now()));
    assert_eq!(field, "pattern.0");
    assert!(message.contains("登録終了"), "{message}");
    for (fill, field) in [
        (
            RotaFill {
                month: "2025-13".into(),
                pattern: vec![central.clone(); 7],
            },
            "month",
        ),
        (
            RotaFill {
                month: "2025-05".into(),
                pattern: vec![central.clone(); 6],
            },
            "pattern",
        ),
        (
            RotaFill {
                month: "2025-05".into(),
                pattern: vec![String::new(); 7],
            },
            "pattern.0",
        ),
    ] {
        assert_eq!(
            refused(beds::fill_month(&mut o.conn, &fill, now())).0,
            field
        );
    }
    assert_eq!(beds::rota_month(&o.conn, "2025-05").unwrap(), before);
}

#[test]
fn the_rota_prints_each_day_with_its_hospital_and_phone() {
    let mut o = setup();
    let pattern = vec![
        o.central.clone(),
        o.general.clone(),
        o.nissai.clone(),
        o.central.clone(),
        o.general.clone(),
        o.nissai.clone(),
        o.central.clone(),
    ];
    for month in ["2025-04", "2025-05"] {
        let fill = RotaFill {
            month: month.into(),
            pattern: pattern.clone(),
        };
        beds::fill_month(&mut o.conn, &fill, now()).unwrap();
    }
    let job = PrintJob::BedRota {
        month: "2025-04".into(),
        months: 2,
    };
    let printed = print::render(&o.conn, &job, now().date()).unwrap();
    let pdf = print::pdf::write(&printed);
    if let Some(out) = std::env::var_os("ZD_KEEP_PDF") {
        std::fs::write(out, &pdf).unwrap();
    }
    let text = pdftotext(&pdf);
    assert_eq!(printed.pages.len(), 2, "one page per month");
    for words in [
        "療養支援ベッド 輪番表（令和7年4月〜令和7年5月）",
        "令和7年4月の輪番",
        "令和7年5月の輪番",
        "坂戸中央病院",
        "鶴ヶ島総合病院",
        "入西病院",
        "049-283-1100",
        "30日",
        "31日",
    ] {
        assert!(text.contains(words), "missing {words}:\n{text}");
    }
    let bad = PrintJob::BedRota {
        month: "2025-04".into(),
        months: 13,
    };
    assert!(print::render(&o.conn, &bad, now().date()).is_err());
}

// ------------------------------------------------------------ 利用記録

#[test]
fn a_stay_counts_admission_and_discharge_days_and_is_flagged_past_fourteen() {
    let mut o = setup();
    let ichiko = o.ichiko.clone();
    let central = o.central.clone();
    register(&mut o, &ichiko, "2025-04-01", "2026-03-31");
    let short = stay(&mut o, &ichiko, &central, "令和7年4月1日", "R7.4.3");
    assert_eq!(short.days, 3, "入院日 and 退院日 both count");
    assert!(!short.long && short.warning.is_none());
    assert_eq!(short.hospital, "坂戸中央病院");
    assert_eq!(short.admitted_label, "令和7年4月1日（火）");
    // 5/1 to 5/15 is 15 days: saved, with a warning.
    let long = stay(&mut o, &ichiko, &central, "2025-05-01", "2025-05-15");
    assert_eq!(long.days, 15);
    assert!(long.long);
    assert!(long
        .warning
        .as_deref()
        .unwrap()
        .contains("14日を超えています（15日）"));
    // 14 days exactly is the norm, not flagged.
    let norm = stay(&mut o, &ichiko, &central, "2025-06-01", "2025-06-14");
    assert_eq!(norm.days, 14);
    assert!(!norm.long);
    // Still in hospital: counted up to today (2026-04-25 … 2026-05-01 is 7 days)
    // — but the registration ended 3/31, so this one is refused.
    let late = stay_input(&o, &ichiko, &central, "2026-04-25", "");
    assert!(beds::save_stay(&mut o.conn, &late, now()).is_err());
    let in_hospital = stay(&mut o, &ichiko, &central, "2026-03-25", "");
    assert!(in_hospital.in_hospital);
    assert_eq!(in_hospital.days, 38);
    assert_eq!(in_hospital.discharged_label, "");
}

#[test]
fn a_stay_without_a_registration_valid_on_the_admission_day_is_refused() {
    let mut o = setup();
    let (jiro, central) = (o.jiro.clone(), o.central.clone());
    let input = stay_input(&o, &jiro, &central, "2025-07-01", "2025-07-03");
    let (field, message) = refused(beds::save_stay(&mut o.conn, &input, now()));
    assert_eq!(field, "person_id");
    assert!(
        message.contains("鶴島 二郎さんには入院日（令和7年7月1日）に有効な事前登録がありません"),
        "{message}"
    );
    // Registered from 7/2: the 1st is still outside, the 2nd is fine.
    register(&mut o, &jiro, "2025-07-02", "2025-12-31");
    assert_eq!(
        refused(beds::save_stay(&mut o.conn, &input, now())).0,
        "person_id"
    );
    let after_end = stay_input(&o, &jiro, &central, "2026-01-01", "2026-01-02");
    assert_eq!(
        refused(beds::save_stay(&mut o.conn, &after_end, now())).0,
        "person_id"
    );
    stay(&mut o, &jiro, &central, "2025-07-02", "2025-07-03");
    assert_eq!(query_i64(&o.conn, "SELECT count(*) FROM bed_stays"), 1);
}

#[test]
fn a_stay_overlapping_another_of_the_same_person_is_refused() {
    let mut o = setup();
    let (ichiko, jiro, central, general) = (
        o.ichiko.clone(),
        o.jiro.clone(),
        o.central.clone(),
        o.general.clone(),
    );
    register(&mut o, &ichiko, "2025-04-01", "2026-03-31");
    register(&mut o, &jiro, "2025-04-01", "2026-03-31");
    let first = stay(&mut o, &ichiko, &central, "2025-08-10", "2025-08-20");
    for (admitted, discharged) in [
        ("2025-08-05", "2025-08-10"), // ends on the first's 入院日
        ("2025-08-20", "2025-08-22"), // begins on its 退院日
        ("2025-08-12", "2025-08-15"), // inside
        ("2025-08-01", "2025-08-31"), // around
        ("2025-08-01", ""),           // still in hospital since before
    ] {
        let input = stay_input(&o, &ichiko, &general, admitted, discharged);
        let (field, message) = refused(beds::save_stay(&mut o.conn, &input, now()));
        assert_eq!(field, "admitted_on", "{admitted}");
        assert!(
            message.contains(
                "令和7年8月10日（日）〜令和7年8月20日（水）、坂戸中央病院）と期間が重なっています"
            ),
            "{message}"
        );
    }
    // Another person the same days, and the same person the day after: fine.
    stay(&mut o, &jiro, &central, "2025-08-12", "2025-08-15");
    stay(&mut o, &ichiko, &general, "2025-08-21", "2025-08-22");
    // A stay still in hospital blocks everything after it.
    stay(&mut o, &ichiko, &general, "2025-10-01", "");
    let later = stay_input(&o, &ichiko, &central, "2025-12-01", "2025-12-02");
    let (_, message) = refused(beds::save_stay(&mut o.conn, &later, now()));
    assert!(message.contains("入院中"), "{message}");
    // Editing a stay does not collide with itself.
    let mut edit = stay_input(&o, &ichiko, &central, "2025-08-10", "2025-08-19");
    edit.id = Some(first.id.clone());
    assert_eq!(beds::save_stay(&mut o.conn, &edit, now()).unwrap().days, 10);
}

#[test]
fn a_stay_form_with_bad_input_is_refused_on_the_field_and_nothing_is_saved() {
    let mut o = setup();
    let (ichiko, central) = (o.ichiko.clone(), o.central.clone());
    register(&mut o, &ichiko, "2025-04-01", "2026-03-31");
    let good = stay_input(&o, &ichiko, &central, "2025-09-01", "2025-09-05");
    let cases: Vec<(StayInput, &str, &str)> = vec![
        (
            StayInput {
                discharged_on: "2025-08-31".into(),
                ..good.clone()
            },
            "discharged_on",
            "退院日は入院日と同じか後",
        ),
        (
            StayInput {
                admitted_on: String::new(),
                ..good.clone()
            },
            "admitted_on",
            "入院日",
        ),
        (
            StayInput {
                admitted_on: "2025-02-30".into(),
                ..good.clone()
            },
            "admitted_on",
            "読み取れません",
        ),
        (
            StayInput {
                discharged_on: "あした".into(),
                ..good.clone()
            },
            "discharged_on",
            "読み取れません",
        ),
        (
            StayInput {
                bed_id: String::new(),
                ..good.clone()
            },
            "bed_id",
            "病院を選んで",
        ),
        (
            StayInput {
                person_id: String::new(),
                ..good.clone()
            },
            "person_id",
            "選んで",
        ),
        (
            StayInput {
                reason_id: String::new(),
                ..good.clone()
            },
            "reason_id",
            "利用理由",
        ),
        (
            StayInput {
                outcome: "escaped".into(),
                ..good.clone()
            },
            "outcome",
            "転帰",
        ),
        (
            StayInput {
                outcome: "home".into(),
                discharged_on: String::new(),
                ..good.clone()
            },
            "discharged_on",
            "転帰が「自宅へ退院」のときは退院日",
        ),
        (
            StayInput {
                case_id: o.jiro_case.clone(),
                ..good.clone()
            },
            "case_id",
            "別の対象者",
        ),
        (
            StayInput {
                notes: "x".repeat(2001),
                ..good.clone()
            },
            "notes",
            "",
        ),
    ];
    for (input, field, words) in cases {
        let (f, message) = refused(beds::save_stay(&mut o.conn, &input, now()));
        assert_eq!(f, field, "{message}");
        assert!(message.contains(words), "{message}");
    }
    assert_eq!(query_i64(&o.conn, "SELECT count(*) FROM bed_stays"), 0);
    // The same form, right: linked to her own case, with an outcome.
    let saved = beds::save_stay(
        &mut o.conn,
        &StayInput {
            case_id: o.ichiko_case.clone(),
            outcome: "home".into(),
            ..good
        },
        now(),
    )
    .unwrap();
    assert_eq!(saved.outcome_label, "自宅へ退院");
    assert!(saved.case_label.starts_with("相談記録 No."));
}

#[test]
fn a_registration_a_stay_relies_on_cannot_be_shortened_or_deleted() {
    let mut o = setup();
    let (ichiko, central) = (o.ichiko.clone(), o.central.clone());
    let g = register(&mut o, &ichiko, "2025-04-01", "2026-03-31");
    let s = stay(&mut o, &ichiko, &central, "2025-10-01", "2025-10-03");
    let shorter = RegistrationInput {
        id: Some(g.id.clone()),
        person_id: ichiko.clone(),
        consent_on: "2025-04-01".into(),
        valid_until: "2025-09-30".into(),
        ..Default::default()
    };
    let (field, message) = refused(beds::save_registration(&mut o.conn, &shorter, now()));
    assert_eq!(field, "valid_until");
    assert!(
        message.contains("令和7年10月1日入院の利用記録"),
        "{message}"
    );
    assert_eq!(
        beds::registrations(&o.conn, &RegistrationFilter::default(), now().date()).unwrap()[0]
            .valid_until,
        "2026-03-31",
        "nothing half-saved"
    );
    let err = beds::delete_registration(&mut o.conn, &g.id).unwrap_err();
    assert!(err.to_string().contains("削除できません"), "{err}");
    beds::delete_stay(&o.conn, &s.id).unwrap();
    beds::delete_registration(&mut o.conn, &g.id).unwrap();
    assert_eq!(
        query_i64(&o.conn, "SELECT count(*) FROM bed_registrations"),
        0
    );
    let deleted = query_i64(
        &o.conn,
        "SELECT count(*) FROM audit_log WHERE table_name IN ('bed_stays', 'bed_registrations') AND action = 'delete'",
    );
    assert_eq!(deleted, 2, "deletes are in the change record");
}

#[test]
fn the_stay_form_defaults_to_the_days_rota_holder_and_offers_registered_persons() {
    let mut o = setup();
    let ichiko = o.ichiko.clone();
    register(&mut o, &ichiko, "2025-04-01", "2026-03-31");
    let fill = RotaFill {
        month: "2025-06".into(),
        pattern: vec![o.general.clone(); 7],
    };
    beds::fill_month(&mut o.conn, &fill, now()).unwrap();
    let form = beds::stay_form(&o.conn, "令和7年6月3日", now().date()).unwrap();
    assert_eq!(form.default_bed_id.as_deref(), Some(o.general.as_str()));
    assert_eq!(form.day, "2025-06-03");
    let names: Vec<&str> = form.persons.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["坂戸 一子"], "only registered persons");
    assert_eq!(form.persons[0].cases.len(), 1);
    assert_eq!(form.outcomes.len(), 5);
    let reasons: Vec<&str> = form.reasons.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(reasons, ["急変時", "レスパイト", "その他"]);
    // A day without a holder: no default.
    let july = beds::stay_form(&o.conn, "2025-07-01", now().date()).unwrap();
    assert_eq!(july.default_bed_id, None);
    let today = beds::today_holder(&o.conn, NaiveDate::from_ymd_opt(2025, 6, 10).unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(
        (today.hospital.as_str(), today.phone.as_str()),
        ("鶴ヶ島総合病院", "049-282-1100")
    );
}

#[test]
fn the_reasons_are_an_editable_list_that_never_loses_an_entry() {
    let mut o = setup();
    let list = beds::reasons(&o.conn).unwrap();
    let mut input: Vec<beds::ReasonInput> = list
        .iter()
        .map(|r| beds::ReasonInput {
            id: Some(r.id.clone()),
            name: r.name.clone(),
            retired: false,
        })
        .collect();
    // Swap two names, retire その他, add 家族の急病.
    input[0].name = "レスパイト".into();
    input[1].name = "急変時".into();
    input[2].retired = true;
    input.push(beds::ReasonInput {
        id: None,
        name: "家族の急病".into(),
        retired: false,
    });
    let saved = beds::save_reasons(&mut o.conn, &input).unwrap();
    let names: Vec<(&str, bool)> = saved.iter().map(|r| (r.name.as_str(), r.retired)).collect();
    assert_eq!(
        names,
        [
            ("レスパイト", false),
            ("急変時", false),
            ("その他", true),
            ("家族の急病", false)
        ]
    );
    let mut twice = input.clone();
    twice[3].name = "急変時".into();
    assert_eq!(
        refused(beds::save_reasons(&mut o.conn, &twice)).0,
        "items.3.name"
    );
    let err = beds::save_reasons(&mut o.conn, &input[1..]).unwrap_err();
    assert!(err.to_string().contains("削除できません"), "{err}");
    assert_eq!(beds::reasons(&o.conn).unwrap(), saved, "nothing half-saved");
}

// ------------------------------------------------------------ figures

/// The hand count. Registrations (同意書 → 有効期限):
/// - 一子 (坂戸市): 2025-03-01 → 2026-02-28, renewed 2026-03-01 → 2027-02-28
/// - 二郎 (鶴ヶ島市): 2025-06-01 → 2026-03-30 (not valid on 3/31)
///
/// Stays:
/// | who  | hospital | reason     | 入院       | 退院       | FY2025 件/日 |
/// |------|----------|------------|------------|------------|--------------|
/// | 一子 | 坂戸中央 | 急変時     | 2025-03-28 | 2025-04-03 | 0 / 3 (Apr)  |
/// | 一子 | 鶴ヶ島   | レスパイト | 2025-05-30 | 2025-06-02 | 1 / 4 (May 2, Jun 2) |
/// | 二郎 | 坂戸中央 | 急変時     | 2025-07-01 | 2025-07-16 | 1 / 16 (long) |
/// | 一子 | 坂戸中央 | レスパイト | 2026-03-29 | 2026-04-04 | 1 / 3 (Mar)  |
/// | 二郎 | 入西     | その他     | 2026-03-01 | 2026-03-01 | 1 / 1 (Mar)  |
///
/// FY2025: 4 件, 27 日; FY2024: 1 件 (3/28), 4 日.
fn figures_office() -> Office {
    let mut o = setup();
    let (ichiko, jiro) = (o.ichiko.clone(), o.jiro.clone());
    let (central, general, nissai) = (o.central.clone(), o.general.clone(), o.nissai.clone());
    register(&mut o, &ichiko, "2025-03-01", "2026-02-28");
    register(&mut o, &ichiko, "2026-03-01", "2027-02-28");
    register(&mut o, &jiro, "2025-06-01", "2026-03-30");
    let with_reason =
        |o: &mut Office, who: &str, bed: &str, a: &str, d: &str, reason_name: &str| {
            let mut input = stay_input(o, who, bed, a, d);
            input.reason_id = reason(&o.conn, reason_name);
            beds::save_stay(&mut o.conn, &input, now()).unwrap();
        };
    with_reason(
        &mut o,
        &ichiko,
        &central,
        "2025-03-28",
        "2025-04-03",
        "急変時",
    );
    with_reason(
        &mut o,
        &ichiko,
        &general,
        "2025-05-30",
        "2025-06-02",
        "レスパイト",
    );
    with_reason(
        &mut o,
        &jiro,
        &central,
        "2025-07-01",
        "2025-07-16",
        "急変時",
    );
    with_reason(
        &mut o,
        &ichiko,
        &central,
        "2026-03-29",
        "2026-04-04",
        "レスパイト",
    );
    with_reason(&mut o, &jiro, &nissai, "2026-03-01", "2026-03-01", "その他");
    o
}

fn tallies(t: &[beds::BedTally]) -> Vec<(&str, i64, i64)> {
    t.iter()
        .map(|t| (t.name.as_str(), t.stays, t.days))
        .collect()
}

#[test]
fn the_yearly_figures_match_the_hand_count_and_split_a_stay_across_years() {
    let o = figures_office();
    let f = beds::figures(&o.conn, &ReportPeriod::Fiscal { year: 2025 }, now().date()).unwrap();
    assert_eq!(f.label, "令和7年度");
    assert_eq!((f.stays, f.days, f.long_stays), (4, 27, 1));
    // 一子's first registration was in FY2024; 二郎's in FY2025.
    assert_eq!(f.new_registrants, 1);
    // On 2026-03-31: 一子 (renewed) yes, 二郎 (ended 3/30) no.
    assert_eq!(f.registrants_at_end, 1);
    assert_eq!(f.end_label, "令和8年3月31日");
    assert_eq!(
        tallies(&f.by_reason),
        [
            ("急変時", 1, 3 + 16),
            ("レスパイト", 2, 4 + 3),
            ("その他", 1, 1)
        ]
    );
    assert_eq!(
        tallies(&f.by_hospital),
        [
            ("入西病院", 1, 1),
            ("坂戸中央病院", 2, 3 + 16 + 3),
            ("鶴ヶ島総合病院", 1, 4)
        ]
    );
    let months = tallies(&f.by_month);
    assert_eq!(months.len(), 12);
    assert_eq!(months[0], ("令和7年4月", 0, 3));
    assert_eq!(months[1], ("令和7年5月", 1, 2));
    assert_eq!(months[2], ("令和7年6月", 0, 2));
    assert_eq!(months[3], ("令和7年7月", 1, 16));
    assert_eq!(months[11], ("令和8年3月", 2, 3 + 1));
    assert_eq!(months.iter().map(|m| m.2).sum::<i64>(), f.days);
    assert_eq!(months.iter().map(|m| m.1).sum::<i64>(), f.stays);

    let before =
        beds::figures(&o.conn, &ReportPeriod::Fiscal { year: 2024 }, now().date()).unwrap();
    assert_eq!(
        (before.stays, before.days, before.new_registrants),
        (1, 4, 1)
    );
    let after = beds::figures(&o.conn, &ReportPeriod::Fiscal { year: 2026 }, now().date()).unwrap();
    assert_eq!(
        (after.stays, after.days),
        (0, 4),
        "4/1〜4/4 of the stay from 3/29"
    );
}

#[test]
fn the_report_carries_the_bed_section_for_the_whole_office_and_per_city() {
    let o = figures_office();
    let period = ReportPeriod::Fiscal { year: 2025 };
    let r = report::build(&o.conn, &period, now().date()).unwrap();
    assert_eq!((r.beds.stays, r.beds.days), (4, 27));
    let text = String::from_utf8(report::to_csv(&r)).unwrap();
    let s = report::beds::SECTION_BEDS;
    for line in [
        format!("{s},利用,合計,延べ利用日数,27"),
        format!("{s},利用理由別,急変時,延べ利用日数,19"),
        format!("{s},病院別,坂戸中央病院,利用件数,2"),
        format!("{s},月別,令和8年3月,利用件数,2"),
        format!("{s},登録者数,期間末（令和8年3月31日）の登録者数,人数,1"),
    ] {
        assert!(text.contains(&line), "missing {line}");
    }
    assert!(
        text.find(s).unwrap() < text.find("定義,実人数").unwrap(),
        "before the definitions"
    );
    assert!(text.contains("年度をまたぐ利用は日数を各年度に分けて数えます"));
    // 鶴ヶ島市 counts 二郎's stays only.
    let tsuru = report::city_by_name(&o.conn, "鶴ヶ島市").unwrap();
    let r = report::build_for(&o.conn, &period, Some(&tsuru), now().date()).unwrap();
    assert_eq!(
        (r.beds.stays, r.beds.days, r.beds.new_registrants),
        (2, 17, 1)
    );
    // The PDF prints the section.
    let job = PrintJob::YearReport {
        period,
        city_id: String::new(),
    };
    let text = pdftotext(&print::pdf::write(
        &print::render(&o.conn, &job, now().date()).unwrap(),
    ));
    assert!(text.contains("療養支援ベッド 利用理由別"), "{text}");
    assert!(text.contains("4 件・延べ 27 日"), "{text}");
}

#[test]
fn the_stays_and_figures_export_as_csv() {
    let o = figures_office();
    let csv = beds::stays_csv(&o.conn, &StayFilter::default(), now().date()).unwrap();
    assert_eq!(csv.rows, 5);
    let text = String::from_utf8(csv.bytes).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{FEFF}').split("\r\n").collect();
    assert_eq!(
        lines[0],
        "入院日,退院日,日数,14日超,氏名,ふりがな,病院,利用理由,転帰,相談記録,備考"
    );
    assert!(lines.contains(
        &"令和7年7月1日（火）,令和7年7月16日（水）,16,○,鶴島 二郎,,坂戸中央病院,急変時,,,"
    ));
    let filtered = StayFilter {
        from: "2026-03-01".into(),
        query: "にゅうさい".into(),
        ..Default::default()
    };
    assert_eq!(
        beds::stays(&o.conn, &filtered, now().date()).unwrap().len(),
        0
    );
    let filtered = StayFilter {
        from: "2026-03-01".into(),
        ..Default::default()
    };
    assert_eq!(
        beds::stays(&o.conn, &filtered, now().date()).unwrap().len(),
        2
    );
    let f = beds::figures(&o.conn, &ReportPeriod::Fiscal { year: 2025 }, now().date()).unwrap();
    let text = String::from_utf8(beds::figures_csv(&f).bytes).unwrap();
    assert!(text.starts_with("\u{FEFF}表,区分,指標,値\r\n"));
    assert!(text.contains("月別,令和7年7月,延べ利用日数,16\r\n"));
    assert!(text.contains("登録者数,新規登録者数,人数,1\r\n"));
}

#[test]
fn the_demo_office_has_a_year_of_rota_and_a_dozen_stays() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = store::open(&dir.path().join("office.db")).unwrap();
    let summary = demo::fill(&mut conn, now()).unwrap();
    assert_eq!((summary.bed_registrations, summary.bed_stays), (12, 12));
    // 令和8年度: April 2026 to March 2027, every day held.
    assert_eq!(
        query_i64(
            &conn,
            "SELECT count(*) FROM bed_rota WHERE day BETWEEN '2026-04-01' AND '2027-03-31'"
        ),
        365
    );
    let regs = beds::registrations(&conn, &RegistrationFilter::default(), now().date()).unwrap();
    assert!(regs.iter().any(|g| g.validity == Validity::Expired));
    assert!(regs.iter().any(|g| g.validity == Validity::Expiring));
    let stays = beds::stays(&conn, &StayFilter::default(), now().date()).unwrap();
    assert!(stays.iter().any(|s| s.long));
    assert!(stays.iter().any(|s| s.in_hospital));
    assert!(beds::today_holder(&conn, now().date()).unwrap().is_some());
}
