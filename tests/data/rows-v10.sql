-- Version 10: 名簿 — a doctor with the 圏域 covered, a support-bed hospital
-- with an availability update (see rows-v1.sql).
INSERT INTO doctors (id, name, kana, clinic, postal_code, address, phone, fax, city_id,
        home_visits, regular_visits, end_of_life, round_the_clock, dementia_consult,
        sheet_updated_on, notes, retired, created_at, updated_at) VALUES
    ('0d000000-0000-4000-8000-000000000001', '高橋 誠', 'たかはし まこと', '高橋内科クリニック',
        '350-0201', '坂戸市本町2-2', '049-200-3000', '049-200-3001',
        '0c170000-0000-4000-8000-000000000001', 1, 1, 1, 0, 1, '2025-03-01', '', 0,
        '2025-04-01T09:00:00', '2025-04-01T09:00:00');
INSERT INTO doctor_areas (doctor_id, area_id) VALUES
    ('0d000000-0000-4000-8000-000000000001', '0a1e0000-0000-4000-8000-000000000001'),
    ('0d000000-0000-4000-8000-000000000001', '0a1e0000-0000-4000-8000-000000000002');
INSERT INTO support_beds (id, hospital, city_id, phone, beds, notes, retired, created_at,
        updated_at) VALUES
    ('0bed0000-0000-4000-8000-000000000001', '坂戸中央病院', '0c170000-0000-4000-8000-000000000001',
        '049-200-2000', 2, '', 0, '2025-04-01T09:00:00', '2025-04-01T09:00:00');
INSERT INTO support_bed_updates (id, bed_id, checked_on, free_beds, note, created_at) VALUES
    ('0bed1000-0000-4000-8000-000000000001', '0bed0000-0000-4000-8000-000000000001', '2025-04-02',
        1, '', '2025-04-02T09:00:00');
