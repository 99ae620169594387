-- Version 4: 相談記録 — a staff member, two persons (one without 市・圏域),
-- a case for each with categories, responses, an entry, history and the
-- search index rows the app writes (see rows-v1.sql). The lists of
-- intake methods etc. are seeded by the migration.
INSERT INTO case_list_items (id, kind, name, sort_order) VALUES
    ('05af0000-0000-4000-8000-000000000001', 'staff', '山田 花子', 0);
INSERT INTO persons (id, name, kana, sex, birth_date, city_id, area_id, care_level,
        family_doctor, name_key, kana_key, created_at, updated_at) VALUES
    ('0e050000-0000-4000-8000-000000000001', '山田 太郎', 'ヤマダ タロウ', '男', '1940-05-01',
        '0c170000-0000-4000-8000-000000000001', '0a1e0000-0000-4000-8000-000000000002',
        '要介護2', 'あり', '山田太郎', 'やまだたろう', '2025-04-01T09:30:00', '2025-04-01T09:30:00'),
    ('0e050000-0000-4000-8000-000000000002', '鈴木 一', '', '', NULL, NULL, NULL,
        '', '', '鈴木一', '', '2025-04-02T10:15:00', '2025-04-02T10:15:00');
INSERT INTO cases (id, case_no, sort_key, person_id, received_at, intake_method_id,
        consulter_type_id, consulter_affiliation, consulter_name, info_source, is_new, content,
        referral_to, minutes, staff_id, status, outcome_id, version, created_at, updated_at) VALUES
    ('0ca50000-0000-4000-8000-000000000001', 1, 222805622784001,
        '0e050000-0000-4000-8000-000000000001', '2025-04-01T09:30:00',
        '7a2e4c30-5d1f-4e2b-8c47-010000000001', '7a2e4c30-5d1f-4e2b-8c47-020000000002',
        '', '山田 花子', '広報紙', 1, '退院後の訪問診療を探している', '', 20,
        '05af0000-0000-4000-8000-000000000001', '終結', '7a2e4c30-5d1f-4e2b-8c47-050000000001',
        2, '2025-04-01T09:30:00', '2025-04-03T11:00:00'),
    ('0ca50000-0000-4000-8000-000000000002', 2, 222830536949762,
        '0e050000-0000-4000-8000-000000000002', '2025-04-02T10:15:00',
        '7a2e4c30-5d1f-4e2b-8c47-010000000002', '7a2e4c30-5d1f-4e2b-8c47-020000000003',
        '居宅介護支援事業所', '', '', 0, '認知症の相談先', '', NULL,
        '05af0000-0000-4000-8000-000000000001', '受付', NULL,
        1, '2025-04-02T10:15:00', '2025-04-02T10:15:00');
INSERT INTO case_categories (case_id, item_id, sort_key) VALUES
    ('0ca50000-0000-4000-8000-000000000001', '7a2e4c30-5d1f-4e2b-8c47-030000000001', 222805622784001),
    ('0ca50000-0000-4000-8000-000000000002', '7a2e4c30-5d1f-4e2b-8c47-030000000007', 222830536949762);
INSERT INTO case_responses (case_id, item_id) VALUES
    ('0ca50000-0000-4000-8000-000000000001', '7a2e4c30-5d1f-4e2b-8c47-040000000002');
INSERT INTO case_entries (id, case_id, entry_date, staff_id, response_id, note, minutes,
        created_at, updated_at) VALUES
    ('0ce00000-0000-4000-8000-000000000001', '0ca50000-0000-4000-8000-000000000001', '2025-04-03',
        '05af0000-0000-4000-8000-000000000001', '7a2e4c30-5d1f-4e2b-8c47-040000000003',
        '訪問診療医と調整した', 15, '2025-04-03T11:00:00', '2025-04-03T11:00:00');
INSERT INTO case_changes (seq, case_id, record, record_id, action, changed_at, changed_by,
        old_json, new_json) VALUES
    (1, '0ca50000-0000-4000-8000-000000000001', 'case', '0ca50000-0000-4000-8000-000000000001',
        '登録', '2025-04-01T09:30:00', '山田 花子', '{}', '{"status":"受付"}'),
    (2, '0ca50000-0000-4000-8000-000000000001', 'case', '0ca50000-0000-4000-8000-000000000001',
        '変更', '2025-04-03T11:00:00', '山田 花子', '{"status":"受付"}', '{"status":"終結"}');
-- The folded text (fields ended by U+E000), and the same one character at a time.
INSERT INTO case_search_tri (rowid, body) VALUES
    (222805622784001, '山田太郎' || char(57344) || 'やまだたろう' || char(57344) || '山田花子' || char(57344)),
    (222830536949762, '鈴木一' || char(57344) || '居宅介護支援事業所' || char(57344));
INSERT INTO case_search_chr (rowid, body) VALUES
    (222805622784001, '山 田 太 郎 ' || char(57344) || ' や ま だ た ろ う ' || char(57344) || ' 山 田 花 子 ' || char(57344) || ' '),
    (222830536949762, '鈴 木 一 ' || char(57344) || ' 居 宅 介 護 支 援 事 業 所 ' || char(57344) || ' ');
