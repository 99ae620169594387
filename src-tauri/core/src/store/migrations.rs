//! Numbered schema migrations. Entry N brings `user_version` from N-1 to N.
//! Never edit or remove a released entry; add a new one, with its rows and
//! fixture database (see tests/core/upgrade.rs).

use rusqlite::config::DbConfig;
use rusqlite::{params, Connection, TransactionBehavior};

use super::APPLICATION_ID;
use crate::Result;

const MIGRATIONS: &[&str] = &[
    // 1: office settings, cities and their 日常生活圏域.
    r#"
    CREATE TABLE office (
        id             INTEGER PRIMARY KEY CHECK (id = 1),
        name           TEXT NOT NULL DEFAULT '',
        postal_code    TEXT NOT NULL DEFAULT '',
        address        TEXT NOT NULL DEFAULT '',
        phone          TEXT NOT NULL DEFAULT '',
        fax            TEXT NOT NULL DEFAULT '',
        contact_person TEXT NOT NULL DEFAULT '',
        updated_at     TEXT
    ) STRICT;
    INSERT INTO office (id) VALUES (1);

    CREATE TABLE cities (
        id         TEXT PRIMARY KEY CHECK (length(id) = 36),
        name       TEXT NOT NULL CHECK (name <> ''),
        sort_order INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE areas (
        id         TEXT PRIMARY KEY CHECK (length(id) = 36),
        city_id    TEXT NOT NULL REFERENCES cities(id) ON DELETE CASCADE,
        name       TEXT NOT NULL CHECK (name <> ''),
        sort_order INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX areas_by_city ON areas(city_id, sort_order);
    "#,
    // 2: app settings as key/value (backup folder, generations, …).
    r#"
    CREATE TABLE app_settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT;
    "#,
    // 3: 私の意志表示帳 — editions, distribution channels, and the stock
    //    ledger (receipts and issues) with its change history. Stock is
    //    always summed from the ledger, never stored.
    r#"
    CREATE TABLE booklet_editions (
        id                  TEXT PRIMARY KEY CHECK (length(id) = 36),
        title               TEXT NOT NULL CHECK (title <> ''),
        edition             TEXT NOT NULL CHECK (edition <> ''),
        publisher           TEXT NOT NULL DEFAULT '',
        notes               TEXT NOT NULL DEFAULT '',
        low_stock_threshold INTEGER NOT NULL DEFAULT 0 CHECK (low_stock_threshold >= 0),
        sort_order          INTEGER NOT NULL,
        created_at          TEXT NOT NULL,
        updated_at          TEXT NOT NULL,
        UNIQUE (title, edition)
    ) STRICT;

    CREATE TABLE booklet_channels (
        id         TEXT PRIMARY KEY CHECK (length(id) = 36),
        name       TEXT NOT NULL UNIQUE CHECK (name <> ''),
        sort_order INTEGER NOT NULL,
        active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
    ) STRICT;
    INSERT INTO booklet_channels (id, name, sort_order) VALUES
        ('6f1c2a10-3b1e-4c3a-9d51-0a0000000001', '相談窓口', 0),
        ('6f1c2a10-3b1e-4c3a-9d51-0a0000000002', '出前講座', 1),
        ('6f1c2a10-3b1e-4c3a-9d51-0a0000000003', '市民公開講座', 2),
        ('6f1c2a10-3b1e-4c3a-9d51-0a0000000004', '医療機関', 3),
        ('6f1c2a10-3b1e-4c3a-9d51-0a0000000005', '介護事業所', 4),
        ('6f1c2a10-3b1e-4c3a-9d51-0a0000000006', '地域包括支援センター', 5),
        ('6f1c2a10-3b1e-4c3a-9d51-0a0000000007', 'イベント', 6),
        ('6f1c2a10-3b1e-4c3a-9d51-0a0000000008', 'その他', 7);

    CREATE TABLE booklet_entries (
        id             TEXT PRIMARY KEY CHECK (length(id) = 36),
        kind           TEXT NOT NULL CHECK (kind IN ('receipt', 'issue')),
        entry_date     TEXT NOT NULL CHECK (entry_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        edition_id     TEXT NOT NULL REFERENCES booklet_editions(id),
        quantity       INTEGER NOT NULL CHECK (quantity > 0),
        source         TEXT CHECK (source IN ('print', 'gift', 'other')),
        channel_id     TEXT REFERENCES booklet_channels(id),
        recipient_type TEXT NOT NULL DEFAULT '',
        recipient_name TEXT NOT NULL DEFAULT '',
        city_id        TEXT REFERENCES cities(id),
        note           TEXT NOT NULL DEFAULT '',
        voided_at      TEXT,
        void_reason    TEXT NOT NULL DEFAULT '',
        created_at     TEXT NOT NULL,
        created_by     TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        CHECK ((kind = 'receipt' AND source IS NOT NULL AND channel_id IS NULL)
            OR (kind = 'issue' AND source IS NULL AND channel_id IS NOT NULL))
    ) STRICT;
    CREATE INDEX booklet_entries_by_edition ON booklet_entries(edition_id, entry_date);
    CREATE INDEX booklet_entries_by_date ON booklet_entries(entry_date);
    CREATE INDEX booklet_entries_by_channel ON booklet_entries(channel_id);
    CREATE INDEX booklet_entries_by_city ON booklet_entries(city_id);

    CREATE TABLE booklet_entry_changes (
        seq        INTEGER PRIMARY KEY,
        entry_id   TEXT NOT NULL REFERENCES booklet_entries(id),
        changed_at TEXT NOT NULL,
        changed_by TEXT NOT NULL,
        action     TEXT NOT NULL CHECK (action IN ('登録', '訂正', '取消')),
        field      TEXT NOT NULL DEFAULT '',
        old_value  TEXT NOT NULL DEFAULT '',
        new_value  TEXT NOT NULL DEFAULT ''
    ) STRICT;
    CREATE INDEX booklet_entry_changes_by_entry ON booklet_entry_changes(entry_id, seq);
    "#,
    // 4: 相談記録 — editable lists, persons (対象者), cases with their
    //    multi-select links, timeline entries (経過記録), change history, and
    //    two contentless FTS5 indexes over folded text (trigram for queries
    //    of 3+ characters, one token per character for 1–2). The FTS rowid
    //    is cases.sort_key (受付日時 in minutes << 24 | case_no), so a search
    //    streams newest first and stops at the page size.
    r#"
    CREATE TABLE case_list_items (
        id         TEXT PRIMARY KEY CHECK (length(id) = 36),
        kind       TEXT NOT NULL CHECK (kind IN ('consulter_type', 'intake_method',
                       'category', 'response', 'outcome', 'staff')),
        name       TEXT NOT NULL CHECK (name <> ''),
        sort_order INTEGER NOT NULL,
        retired    INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
        UNIQUE (kind, name)
    ) STRICT;
    CREATE INDEX case_list_items_by_kind ON case_list_items(kind, sort_order);
    -- The default lists of DESIGN.md §1; the office edits them in 設定.
    INSERT INTO case_list_items (id, kind, name, sort_order) VALUES
        ('7a2e4c30-5d1f-4e2b-8c47-010000000001', 'intake_method', '電話', 0),
        ('7a2e4c30-5d1f-4e2b-8c47-010000000002', 'intake_method', '来所', 1),
        ('7a2e4c30-5d1f-4e2b-8c47-010000000003', 'intake_method', '訪問', 2),
        ('7a2e4c30-5d1f-4e2b-8c47-010000000004', 'intake_method', 'FAX', 3),
        ('7a2e4c30-5d1f-4e2b-8c47-010000000005', 'intake_method', 'メール', 4),
        ('7a2e4c30-5d1f-4e2b-8c47-010000000006', 'intake_method', 'MCS', 5),
        ('7a2e4c30-5d1f-4e2b-8c47-020000000001', 'consulter_type', '本人', 0),
        ('7a2e4c30-5d1f-4e2b-8c47-020000000002', 'consulter_type', '家族・親族', 1),
        ('7a2e4c30-5d1f-4e2b-8c47-020000000003', 'consulter_type', 'ケアマネジャー', 2),
        ('7a2e4c30-5d1f-4e2b-8c47-020000000004', 'consulter_type', '地域包括支援センター', 3),
        ('7a2e4c30-5d1f-4e2b-8c47-020000000005', 'consulter_type', '病院（MSW・入退院支援）', 4),
        ('7a2e4c30-5d1f-4e2b-8c47-020000000006', 'consulter_type', '診療所', 5),
        ('7a2e4c30-5d1f-4e2b-8c47-020000000007', 'consulter_type', '訪問看護ステーション', 6),
        ('7a2e4c30-5d1f-4e2b-8c47-020000000008', 'consulter_type', '介護サービス事業所', 7),
        ('7a2e4c30-5d1f-4e2b-8c47-020000000009', 'consulter_type', '行政', 8),
        ('7a2e4c30-5d1f-4e2b-8c47-020000000010', 'consulter_type', 'その他', 9),
        ('7a2e4c30-5d1f-4e2b-8c47-030000000001', 'category', '往診医・訪問診療の紹介', 0),
        ('7a2e4c30-5d1f-4e2b-8c47-030000000002', 'category', '入退院支援', 1),
        ('7a2e4c30-5d1f-4e2b-8c47-030000000003', 'category', '訪問看護', 2),
        ('7a2e4c30-5d1f-4e2b-8c47-030000000004', 'category', '医療処置', 3),
        ('7a2e4c30-5d1f-4e2b-8c47-030000000005', 'category', '介護保険サービス', 4),
        ('7a2e4c30-5d1f-4e2b-8c47-030000000006', 'category', '療養支援ベッド', 5),
        ('7a2e4c30-5d1f-4e2b-8c47-030000000007', 'category', '認知症', 6),
        ('7a2e4c30-5d1f-4e2b-8c47-030000000008', 'category', 'ACP・看取り', 7),
        ('7a2e4c30-5d1f-4e2b-8c47-030000000009', 'category', '制度・費用', 8),
        ('7a2e4c30-5d1f-4e2b-8c47-030000000010', 'category', 'その他', 9),
        ('7a2e4c30-5d1f-4e2b-8c47-040000000001', 'response', '情報提供', 0),
        ('7a2e4c30-5d1f-4e2b-8c47-040000000002', 'response', '医療機関紹介', 1),
        ('7a2e4c30-5d1f-4e2b-8c47-040000000003', 'response', '関係機関との連絡調整', 2),
        ('7a2e4c30-5d1f-4e2b-8c47-040000000004', 'response', '同行訪問', 3),
        ('7a2e4c30-5d1f-4e2b-8c47-040000000005', 'response', '会議', 4),
        ('7a2e4c30-5d1f-4e2b-8c47-050000000001', 'outcome', '在宅療養開始', 0),
        ('7a2e4c30-5d1f-4e2b-8c47-050000000002', 'outcome', '在宅療養継続', 1),
        ('7a2e4c30-5d1f-4e2b-8c47-050000000003', 'outcome', '入院・入所', 2),
        ('7a2e4c30-5d1f-4e2b-8c47-050000000004', 'outcome', '他機関へ引継ぎ', 3),
        ('7a2e4c30-5d1f-4e2b-8c47-050000000005', 'outcome', '死亡', 4),
        ('7a2e4c30-5d1f-4e2b-8c47-050000000006', 'outcome', '情報提供のみで終了', 5),
        ('7a2e4c30-5d1f-4e2b-8c47-050000000007', 'outcome', 'その他', 6);

    CREATE TABLE persons (
        id            TEXT PRIMARY KEY CHECK (length(id) = 36),
        name          TEXT NOT NULL CHECK (name <> ''),
        kana          TEXT NOT NULL DEFAULT '',
        sex           TEXT NOT NULL DEFAULT '',
        birth_date    TEXT CHECK (birth_date IS NULL OR birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        city_id       TEXT REFERENCES cities(id),
        area_id       TEXT REFERENCES areas(id),
        care_level    TEXT NOT NULL DEFAULT '',
        family_doctor TEXT NOT NULL DEFAULT '',
        name_key      TEXT NOT NULL,
        kana_key      TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    ) STRICT;
    CREATE INDEX persons_by_name_key ON persons(name_key);
    CREATE INDEX persons_by_kana_key ON persons(kana_key);
    CREATE INDEX persons_by_city ON persons(city_id);
    CREATE INDEX persons_by_area ON persons(area_id);

    CREATE TABLE cases (
        id                    TEXT PRIMARY KEY CHECK (length(id) = 36),
        case_no               INTEGER NOT NULL UNIQUE CHECK (case_no > 0),
        sort_key              INTEGER NOT NULL UNIQUE,
        person_id             TEXT NOT NULL REFERENCES persons(id),
        received_at           TEXT NOT NULL,
        intake_method_id      TEXT NOT NULL REFERENCES case_list_items(id),
        consulter_type_id     TEXT NOT NULL REFERENCES case_list_items(id),
        consulter_affiliation TEXT NOT NULL DEFAULT '',
        consulter_name        TEXT NOT NULL DEFAULT '',
        info_source           TEXT NOT NULL DEFAULT '',
        is_new                INTEGER NOT NULL CHECK (is_new IN (0, 1)),
        content               TEXT NOT NULL DEFAULT '',
        referral_to           TEXT NOT NULL DEFAULT '',
        minutes               INTEGER CHECK (minutes IS NULL OR minutes >= 0),
        staff_id              TEXT NOT NULL REFERENCES case_list_items(id),
        status                TEXT NOT NULL CHECK (status IN ('受付', '対応中', '終結')),
        outcome_id            TEXT REFERENCES case_list_items(id),
        version               INTEGER NOT NULL DEFAULT 1,
        created_at            TEXT NOT NULL,
        updated_at            TEXT NOT NULL
    ) STRICT;
    CREATE INDEX cases_by_person ON cases(person_id);
    CREATE INDEX cases_by_status ON cases(status, sort_key);
    CREATE INDEX cases_by_consulter_type ON cases(consulter_type_id, sort_key);
    CREATE INDEX cases_by_staff ON cases(staff_id, sort_key);
    CREATE INDEX cases_by_intake_method ON cases(intake_method_id);
    CREATE INDEX cases_by_outcome ON cases(outcome_id);

    -- sort_key is the case's, so a category filter walks newest first.
    CREATE TABLE case_categories (
        case_id  TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        item_id  TEXT NOT NULL REFERENCES case_list_items(id),
        sort_key INTEGER NOT NULL,
        PRIMARY KEY (case_id, item_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX case_categories_by_item ON case_categories(item_id, sort_key);

    CREATE TABLE case_responses (
        case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        item_id TEXT NOT NULL REFERENCES case_list_items(id),
        PRIMARY KEY (case_id, item_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX case_responses_by_item ON case_responses(item_id, case_id);

    CREATE TABLE case_entries (
        id          TEXT PRIMARY KEY CHECK (length(id) = 36),
        case_id     TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        entry_date  TEXT NOT NULL CHECK (entry_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        staff_id    TEXT NOT NULL REFERENCES case_list_items(id),
        response_id TEXT REFERENCES case_list_items(id),
        note        TEXT NOT NULL DEFAULT '',
        minutes     INTEGER CHECK (minutes IS NULL OR minutes >= 0),
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    ) STRICT;
    CREATE INDEX case_entries_by_case ON case_entries(case_id, entry_date);
    CREATE INDEX case_entries_by_staff ON case_entries(staff_id);
    CREATE INDEX case_entries_by_response ON case_entries(response_id);

    -- Kept when a case is deleted: the deletion itself is recorded here.
    CREATE TABLE case_changes (
        seq        INTEGER PRIMARY KEY,
        case_id    TEXT NOT NULL,
        record     TEXT NOT NULL CHECK (record IN ('case', 'person', 'entry')),
        record_id  TEXT NOT NULL,
        action     TEXT NOT NULL CHECK (action IN ('登録', '変更', '削除')),
        changed_at TEXT NOT NULL,
        changed_by TEXT NOT NULL,
        old_json   TEXT NOT NULL DEFAULT '{}',
        new_json   TEXT NOT NULL DEFAULT '{}'
    ) STRICT;
    CREATE INDEX case_changes_by_case ON case_changes(case_id, seq);

    CREATE VIRTUAL TABLE case_search_tri USING fts5(
        body, content = '', contentless_delete = 1, tokenize = 'trigram'
    );
    CREATE VIRTUAL TABLE case_search_chr USING fts5(
        body, content = '', contentless_delete = 1, tokenize = 'ascii'
    );
    "#,
    // 5: access record — an optional PIN per staff member (the 担当者 list),
    //    stored only as a salted Argon2id hash.
    r#"
    CREATE TABLE staff_pins (
        staff_id   TEXT PRIMARY KEY REFERENCES case_list_items(id) ON DELETE CASCADE,
        pin_hash   TEXT NOT NULL CHECK (pin_hash LIKE '$argon2id$%'),
        updated_at TEXT NOT NULL
    ) STRICT;
    "#,
    // 6: access record for the settings-like tables (office, cities, lists,
    //    editions, channels, app settings, PINs). Rows are written by TEMP
    //    triggers that store::open installs on every connection, inside the
    //    transaction of the change itself (see store/audit.rs).
    r#"
    CREATE TABLE audit_log (
        seq        INTEGER PRIMARY KEY,
        at         TEXT NOT NULL,
        actor      TEXT NOT NULL,
        table_name TEXT NOT NULL,
        action     TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
        row_id     TEXT NOT NULL,
        old_values TEXT,
        new_values TEXT
    ) STRICT;
    "#,
    // 7: 関係機関 — the organisations the office works with (hospitals'
    //    医療相談室, 地域包括支援センター, care offices, clinics, professional
    //    associations). Shared by the registries, lecture providers and, as
    //    suggestions, a case's 所属/紹介先. `kind` is free text picked from
    //    suggestions, so the office can add its own kinds.
    r#"
    CREATE TABLE organisations (
        id             TEXT PRIMARY KEY CHECK (length(id) = 36),
        kind           TEXT NOT NULL DEFAULT '',
        name           TEXT NOT NULL CHECK (name <> ''),
        department     TEXT NOT NULL DEFAULT '',
        postal_code    TEXT NOT NULL DEFAULT '',
        address        TEXT NOT NULL DEFAULT '',
        phone          TEXT NOT NULL DEFAULT '',
        fax            TEXT NOT NULL DEFAULT '',
        email          TEXT NOT NULL DEFAULT '',
        contact_person TEXT NOT NULL DEFAULT '',
        city_id        TEXT REFERENCES cities(id),
        notes          TEXT NOT NULL DEFAULT '',
        retired        INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        UNIQUE (name, department)
    ) STRICT;
    CREATE INDEX organisations_by_kind ON organisations(kind, name);
    CREATE INDEX organisations_by_city ON organisations(city_id);
    "#,
    // 8: 出前講座・市民公開講座 — venues, the lecture catalogue (themes with
    //    their providing organisation), questionnaire templates kept as
    //    versions (a version that has answers is never changed: editing it
    //    makes a new version), sessions, the per-session tallies (count per
    //    answer choice) and typed free comments. A booklet issue may name
    //    the session it was handed out at.
    r#"
    CREATE TABLE lecture_venues (
        id         TEXT PRIMARY KEY CHECK (length(id) = 36),
        name       TEXT NOT NULL UNIQUE CHECK (name <> ''),
        address    TEXT NOT NULL DEFAULT '',
        city_id    TEXT REFERENCES cities(id),
        retired    INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX lecture_venues_by_city ON lecture_venues(city_id);

    CREATE TABLE lecture_themes (
        id               TEXT PRIMARY KEY CHECK (length(id) = 36),
        number           INTEGER NOT NULL UNIQUE CHECK (number > 0),
        title            TEXT NOT NULL CHECK (title <> ''),
        organisation_id  TEXT REFERENCES organisations(id),
        summary          TEXT NOT NULL DEFAULT '',
        duration_minutes INTEGER CHECK (duration_minutes IS NULL OR duration_minutes > 0),
        audience         TEXT NOT NULL DEFAULT '',
        retired          INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL
    ) STRICT;
    CREATE INDEX lecture_themes_by_organisation ON lecture_themes(organisation_id);

    CREATE TABLE questionnaires (
        id            TEXT PRIMARY KEY CHECK (length(id) = 36),
        name          TEXT NOT NULL CHECK (name <> ''),
        version       INTEGER NOT NULL CHECK (version > 0),
        superseded_at TEXT,
        created_at    TEXT NOT NULL,
        UNIQUE (name, version)
    ) STRICT;

    CREATE TABLE questionnaire_questions (
        id               TEXT PRIMARY KEY CHECK (length(id) = 36),
        questionnaire_id TEXT NOT NULL REFERENCES questionnaires(id) ON DELETE CASCADE,
        position         INTEGER NOT NULL,
        text             TEXT NOT NULL CHECK (text <> ''),
        awareness        INTEGER NOT NULL DEFAULT 0 CHECK (awareness IN (0, 1)),
        UNIQUE (questionnaire_id, position)
    ) STRICT;

    CREATE TABLE questionnaire_choices (
        id          TEXT PRIMARY KEY CHECK (length(id) = 36),
        question_id TEXT NOT NULL REFERENCES questionnaire_questions(id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        label       TEXT NOT NULL CHECK (label <> ''),
        UNIQUE (question_id, position)
    ) STRICT;

    CREATE TABLE lecture_sessions (
        id               TEXT PRIMARY KEY CHECK (length(id) = 36),
        kind             TEXT NOT NULL CHECK (kind IN ('出前講座', '市民公開講座', '研修会', '施設見学ツアー', 'その他')),
        theme_id         TEXT REFERENCES lecture_themes(id),
        title            TEXT NOT NULL CHECK (title <> ''),
        session_date     TEXT NOT NULL CHECK (session_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        start_time       TEXT NOT NULL CHECK (start_time GLOB '[0-2][0-9]:[0-5][0-9]'),
        end_time         TEXT NOT NULL CHECK (end_time GLOB '[0-2][0-9]:[0-5][0-9]' AND end_time > start_time),
        venue_id         TEXT REFERENCES lecture_venues(id),
        requesting_group TEXT NOT NULL DEFAULT '',
        lecturers        TEXT NOT NULL DEFAULT '',
        capacity         INTEGER CHECK (capacity IS NULL OR capacity >= 0),
        applicants       INTEGER CHECK (applicants IS NULL OR applicants >= 0),
        attendees        INTEGER CHECK (attendees IS NULL OR attendees >= 0),
        city_id          TEXT REFERENCES cities(id),
        status           TEXT NOT NULL CHECK (status IN ('予定', '実施済', '中止')),
        notes            TEXT NOT NULL DEFAULT '',
        questionnaire_id TEXT REFERENCES questionnaires(id),
        forms_returned   INTEGER CHECK (forms_returned IS NULL OR forms_returned >= 0),
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL
    ) STRICT;
    CREATE INDEX lecture_sessions_by_date ON lecture_sessions(session_date, start_time);
    CREATE INDEX lecture_sessions_by_theme ON lecture_sessions(theme_id);
    CREATE INDEX lecture_sessions_by_venue ON lecture_sessions(venue_id);
    CREATE INDEX lecture_sessions_by_city ON lecture_sessions(city_id);
    CREATE INDEX lecture_sessions_by_questionnaire ON lecture_sessions(questionnaire_id);

    CREATE TABLE lecture_tallies (
        session_id TEXT NOT NULL REFERENCES lecture_sessions(id) ON DELETE CASCADE,
        choice_id  TEXT NOT NULL REFERENCES questionnaire_choices(id),
        count      INTEGER NOT NULL CHECK (count >= 0),
        PRIMARY KEY (session_id, choice_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX lecture_tallies_by_choice ON lecture_tallies(choice_id);

    CREATE TABLE lecture_comments (
        id         TEXT PRIMARY KEY CHECK (length(id) = 36),
        session_id TEXT NOT NULL REFERENCES lecture_sessions(id) ON DELETE CASCADE,
        position   INTEGER NOT NULL,
        text       TEXT NOT NULL CHECK (text <> ''),
        UNIQUE (session_id, position)
    ) STRICT;

    ALTER TABLE booklet_entries ADD COLUMN lecture_session_id TEXT REFERENCES lecture_sessions(id);
    CREATE INDEX booklet_entries_by_lecture_session ON booklet_entries(lecture_session_id);
    "#,
    // 9: 私の意志表示帳 as printed: the cover (one row) and the sections the
    //    office edits, in order. Until the office saves its own text the
    //    built-in template is used (booklet_template::load), so both start
    //    empty.
    r#"
    CREATE TABLE booklet_template (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        title      TEXT NOT NULL,
        subtitle   TEXT NOT NULL,
        edition    TEXT NOT NULL,
        cover_note TEXT NOT NULL,
        updated_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE booklet_template_sections (
        position    INTEGER PRIMARY KEY CHECK (position >= 0),
        title       TEXT NOT NULL CHECK (title <> ''),
        body        TEXT NOT NULL,
        blank_lines INTEGER NOT NULL CHECK (blank_lines BETWEEN 0 AND 40)
    ) STRICT;
    "#,
    // 10: 名簿 and 集計: 往診登録医 (with the もの忘れ相談医 flag and the 圏域 each
    //    doctor covers), 療養支援ベッド with dated availability updates, and
    //    indexes on the dates the yearly report ranges over.
    r#"
    CREATE TABLE doctors (
        id               TEXT PRIMARY KEY CHECK (length(id) = 36),
        name             TEXT NOT NULL CHECK (name <> ''),
        kana             TEXT NOT NULL DEFAULT '',
        clinic           TEXT NOT NULL DEFAULT '',
        postal_code      TEXT NOT NULL DEFAULT '',
        address          TEXT NOT NULL DEFAULT '',
        phone            TEXT NOT NULL DEFAULT '',
        fax              TEXT NOT NULL DEFAULT '',
        city_id          TEXT REFERENCES cities(id),
        home_visits      INTEGER NOT NULL DEFAULT 0 CHECK (home_visits IN (0, 1)),
        regular_visits   INTEGER NOT NULL DEFAULT 0 CHECK (regular_visits IN (0, 1)),
        end_of_life      INTEGER NOT NULL DEFAULT 0 CHECK (end_of_life IN (0, 1)),
        round_the_clock  INTEGER NOT NULL DEFAULT 0 CHECK (round_the_clock IN (0, 1)),
        dementia_consult INTEGER NOT NULL DEFAULT 0 CHECK (dementia_consult IN (0, 1)),
        sheet_updated_on TEXT CHECK (sheet_updated_on IS NULL OR sheet_updated_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        notes            TEXT NOT NULL DEFAULT '',
        retired          INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL,
        UNIQUE (name, clinic)
    ) STRICT;
    CREATE INDEX doctors_by_city ON doctors(city_id);

    CREATE TABLE doctor_areas (
        doctor_id TEXT NOT NULL REFERENCES doctors(id) ON DELETE CASCADE,
        area_id   TEXT NOT NULL REFERENCES areas(id) ON DELETE CASCADE,
        PRIMARY KEY (doctor_id, area_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX doctor_areas_by_area ON doctor_areas(area_id);

    CREATE TABLE support_beds (
        id         TEXT PRIMARY KEY CHECK (length(id) = 36),
        hospital   TEXT NOT NULL UNIQUE CHECK (hospital <> ''),
        city_id    TEXT REFERENCES cities(id),
        phone      TEXT NOT NULL DEFAULT '',
        beds       INTEGER NOT NULL CHECK (beds >= 0),
        notes      TEXT NOT NULL DEFAULT '',
        retired    INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE support_bed_updates (
        id         TEXT PRIMARY KEY CHECK (length(id) = 36),
        bed_id     TEXT NOT NULL REFERENCES support_beds(id) ON DELETE CASCADE,
        checked_on TEXT NOT NULL CHECK (checked_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        free_beds  INTEGER NOT NULL CHECK (free_beds >= 0),
        note       TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX support_bed_updates_by_bed ON support_bed_updates(bed_id, checked_on);

    -- Covering indexes: the report reads a year of cases, persons and
    -- entries from these alone, without visiting the (wide) rows.
    CREATE INDEX cases_for_report ON cases(received_at, id, person_id,
        consulter_type_id, intake_method_id, minutes, is_new);
    CREATE INDEX persons_for_report ON persons(id, city_id, area_id);
    CREATE INDEX case_entries_for_report ON case_entries(entry_date, case_id, minutes);
    "#,
    // 11: the person's 市・圏域 as recorded at 受付, kept on the case: the
    //    report counts a year by these without joining persons (10k lookups
    //    by TEXT id cost ~20 ms), and a person who moves later leaves past
    //    years as they were reported. sort_key joins the covering index so
    //    categories map to cases by integer; persons_for_report is unused.
    r#"
    ALTER TABLE cases ADD COLUMN city_id TEXT REFERENCES cities(id);
    ALTER TABLE cases ADD COLUMN area_id TEXT REFERENCES areas(id);
    UPDATE cases SET
        city_id = (SELECT p.city_id FROM persons p WHERE p.id = cases.person_id),
        area_id = (SELECT p.area_id FROM persons p WHERE p.id = cases.person_id);
    CREATE INDEX cases_by_city ON cases(city_id);
    CREATE INDEX cases_by_area ON cases(area_id);
    DROP INDEX persons_for_report;
    DROP INDEX cases_for_report;
    CREATE INDEX cases_for_report ON cases(received_at, id, sort_key, person_id,
        consulter_type_id, intake_method_id, minutes, is_new, city_id, area_id);
    "#,
    // 12: wrong PINs in a row, per member, kept across restarts: after the
    //    fifth a sign-in waits (access::sign_in). A success deletes the row.
    r#"
    CREATE TABLE sign_in_failures (
        staff_id       TEXT PRIMARY KEY REFERENCES case_list_items(id) ON DELETE CASCADE,
        failures       INTEGER NOT NULL CHECK (failures > 0),
        last_failed_at TEXT NOT NULL
    ) STRICT;
    "#,
    // 13: credentials and roles. A member's credential is a PIN (4–8 digits)
    //    or a password (`kind`; the hash column keeps its old name). One set
    //    by a 管理者 for someone else must be changed at their next sign-in
    //    (`must_change`). Each member is 管理者 ('admin') or 職員 ('staff');
    //    the first active member of the 担当者 list becomes 管理者, so an
    //    office that upgrades keeps someone who may manage staff.
    r#"
    ALTER TABLE staff_pins ADD COLUMN kind TEXT NOT NULL DEFAULT 'pin'
        CHECK (kind IN ('pin', 'password'));
    ALTER TABLE staff_pins ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0
        CHECK (must_change IN (0, 1));
    CREATE TABLE staff_roles (
        staff_id TEXT PRIMARY KEY REFERENCES case_list_items(id) ON DELETE CASCADE,
        role     TEXT NOT NULL CHECK (role IN ('admin', 'staff'))
    ) STRICT;
    INSERT INTO staff_roles (staff_id, role)
    SELECT id, CASE WHEN id = (SELECT first.id FROM case_list_items first
                                WHERE first.kind = 'staff' AND first.retired = 0
                                ORDER BY first.sort_order, first.name LIMIT 1)
                    THEN 'admin' ELSE 'staff' END
      FROM case_list_items WHERE kind = 'staff';
    "#,
    // 14: 閲覧・出力記録 and tamper evidence. access_log records who opened
    //    or output what (record ids, never patient data); `id` names a row
    //    across PCs, `seq` is this PC's order. Every history table gets a
    //    `chain` column and history_heads each chain's length and head
    //    (store/history.rs); the existing rows are chained by the step
    //    after this SQL ([`STEPS`]).
    r#"
    CREATE TABLE access_log (
        seq        INTEGER PRIMARY KEY,
        id         TEXT NOT NULL UNIQUE CHECK (length(id) = 36),
        at         TEXT NOT NULL,
        staff_id   TEXT NOT NULL DEFAULT '',
        staff_name TEXT NOT NULL DEFAULT '',
        kind       TEXT NOT NULL CHECK (kind <> ''),
        target     TEXT NOT NULL DEFAULT '',
        detail     TEXT NOT NULL DEFAULT '',
        chain      TEXT
    ) STRICT;
    CREATE INDEX access_log_by_at ON access_log(at);
    CREATE INDEX access_log_by_staff ON access_log(staff_id, at);
    ALTER TABLE booklet_entry_changes ADD COLUMN chain TEXT;
    ALTER TABLE case_changes ADD COLUMN chain TEXT;
    ALTER TABLE audit_log ADD COLUMN chain TEXT;
    CREATE TABLE history_heads (
        table_name TEXT PRIMARY KEY,
        rows       INTEGER NOT NULL CHECK (rows >= 0),
        head       TEXT
    ) STRICT;
    "#,
    // 15: 市外, the fixed 市 of persons living in neighbouring towns
    //    (office::OUTSIDE_CITY_ID); persons without a 市 keep none.
    r#"
    INSERT INTO cities (id, name, sort_order)
    VALUES ('0c17ffff-0000-4000-8000-000000000000', '市外', 1000);
    "#,
    // 16: a past year's report counts the 名簿 as of its 3月31日, so each
    //    entry keeps the day it was registered and the day it ended (the
    //    retired flag stays: it is what the lists filter on). Before this,
    //    only the stamps were kept: the day of creation, and for a retired
    //    entry its last change, the best known day of its retirement.
    //    Editions get what they are: 私の意志表示帳 or another printed
    //    material handed out (counted as its own title, never added in).
    //    The report's own settings, shared by the office.
    r#"
    ALTER TABLE doctors ADD COLUMN registered_on TEXT
        CHECK (registered_on IS NULL OR registered_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
    ALTER TABLE doctors ADD COLUMN retired_on TEXT
        CHECK (retired_on IS NULL OR retired_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
    UPDATE doctors SET registered_on = substr(created_at, 1, 10),
        retired_on = CASE WHEN retired = 1 THEN substr(updated_at, 1, 10) END;
    ALTER TABLE support_beds ADD COLUMN registered_on TEXT
        CHECK (registered_on IS NULL OR registered_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
    ALTER TABLE support_beds ADD COLUMN retired_on TEXT
        CHECK (retired_on IS NULL OR retired_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
    UPDATE support_beds SET registered_on = substr(created_at, 1, 10),
        retired_on = CASE WHEN retired = 1 THEN substr(updated_at, 1, 10) END;
    ALTER TABLE organisations ADD COLUMN registered_on TEXT
        CHECK (registered_on IS NULL OR registered_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
    ALTER TABLE organisations ADD COLUMN retired_on TEXT
        CHECK (retired_on IS NULL OR retired_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
    UPDATE organisations SET registered_on = substr(created_at, 1, 10),
        retired_on = CASE WHEN retired = 1 THEN substr(updated_at, 1, 10) END;
    ALTER TABLE booklet_editions ADD COLUMN is_booklet INTEGER NOT NULL DEFAULT 1
        CHECK (is_booklet IN (0, 1));
    UPDATE booklet_editions SET is_booklet = 0 WHERE instr(title, '意志表示帳') = 0;

    -- How the office's yearly report is made (the 浸透度 definition, the
    -- city's wording): the same on every PC, unlike app_settings.
    CREATE TABLE report_settings (
        key   TEXT PRIMARY KEY CHECK (key <> ''),
        value TEXT NOT NULL
    ) STRICT;
    "#,
    // 17: 療養支援ベッド as the Saitama scheme runs it (beds::): the reasons
    //    of a stay (an editable list), 事前登録 of patients with their
    //    個人情報使用同意書, the 輪番表 (which hospital holds the reserved bed
    //    on a day; no row is no holder) and the stays (利用記録). A stay's
    //    discharge may be unknown while the patient is in hospital.
    r#"
    CREATE TABLE bed_stay_reasons (
        id         TEXT PRIMARY KEY CHECK (length(id) = 36),
        name       TEXT NOT NULL UNIQUE CHECK (name <> ''),
        sort_order INTEGER NOT NULL,
        retired    INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1))
    ) STRICT;
    INSERT INTO bed_stay_reasons (id, name, sort_order) VALUES
        ('b3d5a7e0-0000-4000-8000-000000000001', '急変時', 0),
        ('b3d5a7e0-0000-4000-8000-000000000002', 'レスパイト', 1),
        ('b3d5a7e0-0000-4000-8000-000000000003', 'その他', 2);

    CREATE TABLE bed_registrations (
        id           TEXT PRIMARY KEY CHECK (length(id) = 36),
        person_id    TEXT NOT NULL REFERENCES persons(id),
        consent_on   TEXT NOT NULL CHECK (consent_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        valid_until  TEXT NOT NULL CHECK (valid_until GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        doctor_id    TEXT REFERENCES doctors(id),
        care_manager TEXT NOT NULL DEFAULT '',
        notes        TEXT NOT NULL DEFAULT '',
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        CHECK (valid_until >= consent_on)
    ) STRICT;
    CREATE INDEX bed_registrations_by_person ON bed_registrations(person_id, consent_on);

    CREATE TABLE bed_rota (
        day        TEXT PRIMARY KEY CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        bed_id     TEXT NOT NULL REFERENCES support_beds(id),
        updated_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE bed_stays (
        id            TEXT PRIMARY KEY CHECK (length(id) = 36),
        person_id     TEXT NOT NULL REFERENCES persons(id),
        bed_id        TEXT NOT NULL REFERENCES support_beds(id),
        admitted_on   TEXT NOT NULL CHECK (admitted_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        discharged_on TEXT CHECK (discharged_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        reason_id     TEXT NOT NULL REFERENCES bed_stay_reasons(id),
        outcome       TEXT NOT NULL DEFAULT ''
                      CHECK (outcome IN ('', 'home', 'continuing', 'facility', 'death', 'other')),
        case_id       TEXT REFERENCES cases(id) ON DELETE SET NULL,
        notes         TEXT NOT NULL DEFAULT '',
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        CHECK (discharged_on IS NULL OR discharged_on >= admitted_on)
    ) STRICT;
    CREATE INDEX bed_stays_by_person ON bed_stays(person_id, admitted_on);
    CREATE INDEX bed_stays_by_admission ON bed_stays(admitted_on);
    CREATE INDEX bed_stays_by_case ON bed_stays(case_id);
    "#,
    // 18: consultations as they come in. Each 経過記録 gets its 手段 (an item
    //    of the 受付方法 list), its 相手 (a new list) and whether it was a
    //    contact (連絡・対応) or a memo; a case gets the 手引き's 4つの場面
    //    (a new list, several per case, in case_scenes). 対応 links get the
    //    case's sort_key, as categories have, so the report reads a year of
    //    them as a range. The report's covering indexes gain the new
    //    columns. Dropping cases.person_id's NOT NULL (an enquiry without a
    //    patient) and widening case_list_items.kind are done by the step
    //    after this SQL ([`relax_for_enquiries`]), which also seeds the new
    //    lists. Old entries are contacts with no 手段 of their own (the
    //    report counts them under the case's 受付方法).
    r#"
    ALTER TABLE case_entries ADD COLUMN contact INTEGER NOT NULL DEFAULT 1
        CHECK (contact IN (0, 1));
    ALTER TABLE case_entries ADD COLUMN method_id TEXT REFERENCES case_list_items(id);
    ALTER TABLE case_entries ADD COLUMN party_id TEXT REFERENCES case_list_items(id);
    CREATE INDEX case_entries_by_method ON case_entries(method_id);
    CREATE INDEX case_entries_by_party ON case_entries(party_id);

    CREATE TABLE case_scenes (
        case_id  TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
        item_id  TEXT NOT NULL REFERENCES case_list_items(id),
        sort_key INTEGER NOT NULL,
        PRIMARY KEY (case_id, item_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX case_scenes_by_item ON case_scenes(item_id, sort_key);

    ALTER TABLE case_responses ADD COLUMN sort_key INTEGER NOT NULL DEFAULT 0;
    UPDATE case_responses SET
        sort_key = (SELECT c.sort_key FROM cases c WHERE c.id = case_responses.case_id);
    CREATE INDEX case_responses_by_sort_key ON case_responses(item_id, sort_key);

    DROP INDEX cases_for_report;
    CREATE INDEX cases_for_report ON cases(received_at, id, sort_key, person_id,
        consulter_type_id, intake_method_id, minutes, is_new, city_id, area_id, outcome_id);
    DROP INDEX case_entries_for_report;
    CREATE INDEX case_entries_for_report ON case_entries(entry_date, case_id, minutes,
        contact, method_id, party_id, response_id);
    "#,
    // 19: 会議・研修 (items イ〜ク of the 在宅医療・介護連携推進事業) and the
    //    dated MCS figures. Kinds and 職種 are editable lists (never deleted,
    //    only retired); each kind names the programme item it is reported
    //    under. A training may have a 講座の開催 (研修会) that carries its
    //    questionnaire tallies. Attendance and tasks go with their meeting.
    r#"
    CREATE TABLE meeting_kinds (
        id         TEXT PRIMARY KEY CHECK (length(id) = 36),
        name       TEXT NOT NULL UNIQUE CHECK (name <> ''),
        item       TEXT NOT NULL CHECK (item IN ('ア', 'イ', 'ウ', 'エ', 'オ', 'カ', 'キ', 'ク')),
        sort_order INTEGER NOT NULL,
        retired    INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1))
    ) STRICT;
    INSERT INTO meeting_kinds (id, name, item, sort_order) VALUES
        ('3ee70000-0000-4000-8000-000000000001', '推進協議会', 'イ', 0),
        ('3ee70000-0000-4000-8000-000000000002', '部会', 'イ', 1),
        ('3ee70000-0000-4000-8000-000000000003', '地域ケア会議', 'イ', 2),
        ('3ee70000-0000-4000-8000-000000000004', 'ワーキンググループ', 'ウ', 3),
        ('3ee70000-0000-4000-8000-000000000005', '入退院支援ルールWG', 'エ', 4),
        ('3ee70000-0000-4000-8000-000000000006', '多職種連携研修会', 'カ', 5),
        ('3ee70000-0000-4000-8000-000000000007', '看護連携懇話会', 'カ', 6),
        ('3ee70000-0000-4000-8000-000000000008', '市町・保健所との打合せ', 'ク', 7);
    CREATE TABLE meeting_occupations (
        id         TEXT PRIMARY KEY CHECK (length(id) = 36),
        name       TEXT NOT NULL UNIQUE CHECK (name <> ''),
        sort_order INTEGER NOT NULL,
        retired    INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1))
    ) STRICT;
    INSERT INTO meeting_occupations (id, name, sort_order) VALUES
        ('3ee70001-0000-4000-8000-000000000001', '医師', 0),
        ('3ee70001-0000-4000-8000-000000000002', '歯科医師', 1),
        ('3ee70001-0000-4000-8000-000000000003', '薬剤師', 2),
        ('3ee70001-0000-4000-8000-000000000004', '看護師', 3),
        ('3ee70001-0000-4000-8000-000000000005', '介護支援専門員', 4),
        ('3ee70001-0000-4000-8000-000000000006', 'MSW', 5),
        ('3ee70001-0000-4000-8000-000000000007', '介護職', 6),
        ('3ee70001-0000-4000-8000-000000000008', 'リハビリ職', 7),
        ('3ee70001-0000-4000-8000-000000000009', '行政', 8),
        ('3ee70001-0000-4000-8000-00000000000a', '住民', 9),
        ('3ee70001-0000-4000-8000-00000000000b', 'その他', 10);
    CREATE TABLE meetings (
        id                 TEXT PRIMARY KEY CHECK (length(id) = 36),
        kind_id            TEXT NOT NULL REFERENCES meeting_kinds(id),
        title              TEXT NOT NULL CHECK (title <> ''),
        meeting_date       TEXT NOT NULL CHECK (meeting_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        start_time         TEXT NOT NULL CHECK (start_time GLOB '[0-2][0-9]:[0-5][0-9]'),
        end_time           TEXT NOT NULL CHECK (end_time GLOB '[0-2][0-9]:[0-5][0-9]' AND end_time > start_time),
        venue              TEXT NOT NULL DEFAULT '',
        -- '' when the office (当室) organises it.
        organiser          TEXT NOT NULL DEFAULT '',
        agenda             TEXT NOT NULL DEFAULT '',
        decisions          TEXT NOT NULL DEFAULT '',
        minutes            TEXT NOT NULL DEFAULT '',
        lecture_session_id TEXT UNIQUE REFERENCES lecture_sessions(id),
        created_at         TEXT NOT NULL,
        updated_at         TEXT NOT NULL
    ) STRICT;
    CREATE INDEX meetings_by_date ON meetings(meeting_date, start_time);
    CREATE INDEX meetings_by_kind ON meetings(kind_id);
    CREATE TABLE meeting_organisations (
        meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
        position   INTEGER NOT NULL CHECK (position >= 0),
        name       TEXT NOT NULL CHECK (name <> ''),
        attendees  INTEGER NOT NULL CHECK (attendees >= 0),
        PRIMARY KEY (meeting_id, position)
    ) STRICT;
    CREATE TABLE meeting_attendance (
        meeting_id    TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
        occupation_id TEXT NOT NULL REFERENCES meeting_occupations(id),
        attendees     INTEGER NOT NULL CHECK (attendees > 0),
        PRIMARY KEY (meeting_id, occupation_id)
    ) STRICT;
    CREATE INDEX meeting_attendance_by_occupation ON meeting_attendance(occupation_id);
    CREATE TABLE meeting_tasks (
        id         TEXT PRIMARY KEY CHECK (length(id) = 36),
        meeting_id TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
        position   INTEGER NOT NULL CHECK (position >= 0),
        task       TEXT NOT NULL CHECK (task <> ''),
        owner      TEXT NOT NULL DEFAULT '',
        due_on     TEXT CHECK (due_on IS NULL OR due_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        done       INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1))
    ) STRICT;
    CREATE INDEX meeting_tasks_by_meeting ON meeting_tasks(meeting_id, position);
    CREATE TABLE mcs_figures (
        id         TEXT PRIMARY KEY CHECK (length(id) = 36),
        as_of      TEXT NOT NULL UNIQUE CHECK (as_of GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        offices    INTEGER NOT NULL CHECK (offices >= 0),
        members    INTEGER NOT NULL CHECK (members >= 0),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    ) STRICT;
    "#,
];

/// The schema edits of migration 18 that `ALTER TABLE` cannot make:
/// (table, text of its `CREATE TABLE`, replacement). Both only relax a
/// constraint every stored row already meets, so they are made with
/// SQLite's documented procedure for such changes (lang_altertable.html,
/// "Making other kinds of table schema changes", the simpler one) instead
/// of rebuilding `cases`, which other tables reference with ON DELETE
/// CASCADE. The new kinds come first in the list, so a later edit that
/// appends kinds after 'staff' still finds its text.
const RELAXED_18: [(&str, &str, &str); 2] = [
    (
        "cases",
        "person_id             TEXT NOT NULL REFERENCES persons(id)",
        "person_id             TEXT REFERENCES persons(id)",
    ),
    (
        "case_list_items",
        "CHECK (kind IN ('consulter_type', 'intake_method',",
        "CHECK (kind IN ('contact_party', 'scene', 'consulter_type', 'intake_method',",
    ),
];

/// The new lists of migration 18 (相手, 4つの場面) and 会議 as a 受付方法 /
/// 手段, seeded once the kinds are allowed. An office that already named a
/// 受付方法 「会議」 keeps its own.
const SEEDS_18: &str = r#"
    INSERT INTO case_list_items (id, kind, name, sort_order) VALUES
        ('7a2e4c30-5d1f-4e2b-8c47-060000000001', 'contact_party', '本人', 0),
        ('7a2e4c30-5d1f-4e2b-8c47-060000000002', 'contact_party', '家族', 1),
        ('7a2e4c30-5d1f-4e2b-8c47-060000000003', 'contact_party', 'ケアマネジャー', 2),
        ('7a2e4c30-5d1f-4e2b-8c47-060000000004', 'contact_party', '医療機関', 3),
        ('7a2e4c30-5d1f-4e2b-8c47-060000000005', 'contact_party', '地域包括支援センター', 4),
        ('7a2e4c30-5d1f-4e2b-8c47-060000000006', 'contact_party', '行政', 5),
        ('7a2e4c30-5d1f-4e2b-8c47-060000000007', 'contact_party', 'その他', 6),
        ('7a2e4c30-5d1f-4e2b-8c47-070000000001', 'scene', '日常の療養支援', 0),
        ('7a2e4c30-5d1f-4e2b-8c47-070000000002', 'scene', '入退院支援', 1),
        ('7a2e4c30-5d1f-4e2b-8c47-070000000003', 'scene', '急変時の対応', 2),
        ('7a2e4c30-5d1f-4e2b-8c47-070000000004', 'scene', '看取り', 3);
    INSERT OR IGNORE INTO case_list_items (id, kind, name, sort_order)
    SELECT '7a2e4c30-5d1f-4e2b-8c47-010000000007', 'intake_method', '会議',
           COALESCE(max(sort_order), -1) + 1
      FROM case_list_items WHERE kind = 'intake_method';
"#;

/// Step of migration 18: the edits of [`RELAXED_18`] in this transaction,
/// then [`SEEDS_18`]. A restore migrates its staged copy on a defensive
/// connection, where `writable_schema` is off; it is allowed for these two
/// edits only and set back whatever happens.
fn relax_for_enquiries(conn: &Connection) -> Result<()> {
    let defensive = conn.db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, false)?;
    let edited = edit_schema(conn, &RELAXED_18);
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, defensive)?;
    edited?;
    conn.execute_batch(SEEDS_18)?;
    Ok(())
}

/// Replaces text in the `CREATE TABLE` of tables, bumping the schema
/// version so every connection reads the schema again. A table whose text
/// is not found is refused (a schema this app did not make).
fn edit_schema(conn: &Connection, edits: &[(&str, &str, &str)]) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
    conn.pragma_update(None, "writable_schema", true)?;
    let result = (|| -> Result<()> {
        for (table, from, to) in edits {
            let changed = conn.execute(
                "UPDATE sqlite_master SET sql = replace(sql, ?2, ?3)
                  WHERE type = 'table' AND name = ?1 AND instr(sql, ?2) > 0",
                params![table, from, to],
            )?;
            if changed != 1 {
                return Err(crate::Error::Corrupt(format!(
                    "表「{table}」の定義がこのアプリの作ったものと異なるため、更新できません"
                )));
            }
        }
        conn.pragma_update(None, "schema_version", version + 1)?;
        Ok(())
    })();
    conn.pragma_update(None, "writable_schema", false)?;
    result
}

/// Work in Rust that a migration does after its SQL.
type Step = fn(&Connection) -> Result<()>;

/// What a migration does in Rust after its SQL, in the same transaction:
/// (version, step). Released steps are never changed either.
const STEPS: &[(i64, Step)] = &[
    // 14: chain the rows written before the chain existed.
    (14, super::history::link_all),
    // 18: enquiries without a patient, new list kinds.
    (18, relax_for_enquiries),
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Applies every migration after the current `user_version`, each in its own
/// exclusive transaction together with the version bump.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    migrate_to(conn, SCHEMA_VERSION)
}

/// Brings a database from its `user_version` up to version `target` (at most
/// [`SCHEMA_VERSION`]; never down), so that a test can put rows into the
/// schema of version N−1 and see what migration N makes of them.
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current < target {
        // The guards name the columns of the schema they were made for (a
        // restore may have put an older schema under this connection).
        super::history::uninstall(conn)?;
    }
    let steps = MIGRATIONS
        .iter()
        .enumerate()
        .take(target.max(0) as usize)
        .skip(current.max(0) as usize);
    for (index, sql) in steps {
        let version = index as i64 + 1;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        tx.execute_batch(sql)?;
        for (_, step) in STEPS.iter().filter(|(v, _)| *v == version) {
            step(&tx)?;
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    // A migrated connection writes history rows as the app does (chained,
    // append-only), the tests' plain connections included.
    super::history::install(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_is_harmless() -> Result<()> {
        let mut conn = Connection::open_in_memory()?;
        migrate(&mut conn)?;
        migrate(&mut conn)?;
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        assert_eq!(v, SCHEMA_VERSION);
        Ok(())
    }
}
