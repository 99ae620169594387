-- Version 15: 市外. 田中 三郎 lives in a neighbouring town (市外, the fixed
-- row the migration adds); 鈴木 一 (rows-v4.sql) still has no 市.
INSERT INTO persons (id, name, kana, sex, birth_date, city_id, area_id, care_level,
        family_doctor, name_key, kana_key, created_at, updated_at) VALUES
    ('0e050000-0000-4000-8000-000000000003', '田中 三郎', 'タナカ サブロウ', '男', '1938-02-03',
        '0c17ffff-0000-4000-8000-000000000000', NULL,
        '', '', '田中三郎', 'たなかさぶろう', '2025-09-01T10:00:00', '2025-09-01T10:00:00');
