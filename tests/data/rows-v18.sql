-- Version 18: an enquiry without a patient (case 4: no person, no 市・圏域)
-- with a 4つの場面 and a 対応 (links carry the case's sort_key), a contact
-- entry with its 手段 (会議) and 相手 (ケアマネジャー), and a memo; case 1
-- gets its 場面 too. The 相手 and 場面 lists are seeded by the migration.
INSERT INTO cases (id, case_no, sort_key, person_id, received_at, intake_method_id,
        consulter_type_id, consulter_affiliation, is_new, content, staff_id, status,
        created_at, updated_at, city_id, area_id) VALUES
    ('0ca50000-0000-4000-8000-000000000004', 4, 227227258060804, NULL, '2025-10-01T10:00:00',
        '7a2e4c30-5d1f-4e2b-8c47-010000000001', '7a2e4c30-5d1f-4e2b-8c47-020000000003',
        '北部居宅介護支援事業所', 1, '夜間に往診できる診療所を知りたい',
        '05af0000-0000-4000-8000-000000000001', '対応中',
        '2025-10-01T10:00:00', '2025-10-01T10:00:00', NULL, NULL);
INSERT INTO case_categories (case_id, item_id, sort_key) VALUES
    ('0ca50000-0000-4000-8000-000000000004', '7a2e4c30-5d1f-4e2b-8c47-030000000001', 227227258060804);
INSERT INTO case_responses (case_id, item_id, sort_key) VALUES
    ('0ca50000-0000-4000-8000-000000000004', '7a2e4c30-5d1f-4e2b-8c47-040000000001', 227227258060804);
INSERT INTO case_scenes (case_id, item_id, sort_key) VALUES
    ('0ca50000-0000-4000-8000-000000000004', '7a2e4c30-5d1f-4e2b-8c47-070000000001', 227227258060804),
    ('0ca50000-0000-4000-8000-000000000001', '7a2e4c30-5d1f-4e2b-8c47-070000000002', 222805622784001);
INSERT INTO case_entries (id, case_id, entry_date, staff_id, response_id, note, minutes,
        contact, method_id, party_id, created_at, updated_at) VALUES
    ('0ce00000-0000-4000-8000-000000000002', '0ca50000-0000-4000-8000-000000000004', '2025-10-02',
        '05af0000-0000-4000-8000-000000000001', '7a2e4c30-5d1f-4e2b-8c47-040000000001',
        '地域ケア会議で診療所の一覧を渡した', 10, 1,
        '7a2e4c30-5d1f-4e2b-8c47-010000000007', '7a2e4c30-5d1f-4e2b-8c47-060000000003',
        '2025-10-02T15:00:00', '2025-10-02T15:00:00'),
    ('0ce00000-0000-4000-8000-000000000003', '0ca50000-0000-4000-8000-000000000004', '2025-10-03',
        '05af0000-0000-4000-8000-000000000001', NULL,
        '同じ問い合わせが続くので一覧を作る', NULL, 0, NULL, NULL,
        '2025-10-03T09:00:00', '2025-10-03T09:00:00');
INSERT INTO case_search_tri (rowid, body) VALUES
    (227227258060804, '北部居宅介護支援事業所' || char(57344) || '夜間に往診できる診療所を知りたい' || char(57344));
INSERT INTO case_search_chr (rowid, body) VALUES
    (227227258060804, '北 部 居 宅 介 護 支 援 事 業 所 ' || char(57344) || ' 夜 間 に 往 診 で き る 診 療 所 を 知 り た い ' || char(57344) || ' ');
