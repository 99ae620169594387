-- Version 14: 閲覧・出力記録. 山田 花子 (rows-v4.sql) opened case 1 and
-- exported the case list; 佐藤 次郎 (rows-v13.sql) typed a wrong password.
-- Written without `chain`, as the app writes them: the triggers of a
-- migrated connection chain them (store/history.rs).
INSERT INTO access_log (id, at, staff_id, staff_name, kind, target, detail) VALUES
    ('0acc0000-0000-4000-8000-000000000001', '2025-08-01T09:00:00',
     '05af0000-0000-4000-8000-000000000001', '山田 花子', 'case_view',
     '0ca50000-0000-4000-8000-000000000001', ''),
    ('0acc0000-0000-4000-8000-000000000002', '2025-08-01T09:10:00',
     '05af0000-0000-4000-8000-000000000001', '山田 花子', 'csv_export',
     '相談記録_20250801-091000.csv', ''),
    ('0acc0000-0000-4000-8000-000000000003', '2025-08-01T09:20:00',
     '05af0000-0000-4000-8000-000000000002', '佐藤 次郎', 'sign_in_failed', '', '');
