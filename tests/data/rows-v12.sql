-- Version 12: wrong PINs in a row, kept per member on this PC. 山田 花子
-- (see rows-v4.sql) has typed a wrong PIN twice; each attempt, and an
-- earlier sign-in, is in the change record under her name and id.
INSERT INTO sign_in_failures (staff_id, failures, last_failed_at) VALUES
    ('05af0000-0000-4000-8000-000000000001', 2, '2025-06-11T08:31:05');
INSERT INTO audit_log (at, actor, table_name, action, row_id, old_values, new_values) VALUES
    ('2025-06-10T08:30:00', '山田 花子', 'sign_in', 'update',
        '05af0000-0000-4000-8000-000000000001', NULL, '暗証番号を確認'),
    ('2025-06-11T08:31:00', '山田 花子', 'sign_in_failed', 'update',
        '05af0000-0000-4000-8000-000000000001', NULL, '暗証番号の誤り（1回続けて）'),
    ('2025-06-11T08:31:05', '山田 花子', 'sign_in_failed', 'update',
        '05af0000-0000-4000-8000-000000000001', NULL, '暗証番号の誤り（2回続けて）');
