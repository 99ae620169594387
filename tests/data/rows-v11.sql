-- Version 11: a case keeps the 市・圏域 of its 受付 — the person of case 1
-- has moved to 鶴ヶ島市 since, and a new case records the new place while
-- case 1 keeps the old one (see rows-v1.sql).
UPDATE persons SET city_id = '0c170000-0000-4000-8000-000000000002',
        area_id = '0a1e0000-0000-4000-8000-000000000003', updated_at = '2025-06-10T14:00:00'
  WHERE id = '0e050000-0000-4000-8000-000000000001';
INSERT INTO cases (id, case_no, sort_key, person_id, received_at, intake_method_id,
        consulter_type_id, is_new, content, staff_id, status, created_at, updated_at,
        city_id, area_id) VALUES
    ('0ca50000-0000-4000-8000-000000000003', 3, 224501296005123,
        '0e050000-0000-4000-8000-000000000001', '2025-06-10T14:00:00',
        '7a2e4c30-5d1f-4e2b-8c47-010000000001', '7a2e4c30-5d1f-4e2b-8c47-020000000002',
        0, '転居後の訪問看護', '05af0000-0000-4000-8000-000000000001', '対応中',
        '2025-06-10T14:00:00', '2025-06-10T14:00:00',
        '0c170000-0000-4000-8000-000000000002', '0a1e0000-0000-4000-8000-000000000003');
INSERT INTO case_categories (case_id, item_id, sort_key) VALUES
    ('0ca50000-0000-4000-8000-000000000003', '7a2e4c30-5d1f-4e2b-8c47-030000000003', 224501296005123);
INSERT INTO case_search_tri (rowid, body) VALUES
    (224501296005123, '山田太郎' || char(57344) || 'やまだたろう' || char(57344));
INSERT INTO case_search_chr (rowid, body) VALUES
    (224501296005123, '山 田 太 郎 ' || char(57344) || ' や ま だ た ろ う ' || char(57344) || ' ');
