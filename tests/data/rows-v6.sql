-- Version 6: the change record (see rows-v1.sql).
INSERT INTO audit_log (seq, at, actor, table_name, action, row_id, old_values, new_values) VALUES
    (1, '2025-04-01T09:10:00', '山田 花子', 'cities', 'insert', '0c170000-0000-4000-8000-000000000002',
        NULL, '{"name":"鶴ヶ島市","sort_order":1}');
