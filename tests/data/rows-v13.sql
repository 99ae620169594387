-- Version 13: credentials and roles. 山田 花子 (rows-v4.sql) became 管理者
-- by the migration; 佐藤 次郎 joins as 職員 with a password that a 管理者
-- set for him ('fixture-password-13'), to be changed at his next sign-in.
INSERT INTO case_list_items (id, kind, name, sort_order) VALUES
    ('05af0000-0000-4000-8000-000000000002', 'staff', '佐藤 次郎', 1);
INSERT INTO staff_roles (staff_id, role) VALUES
    ('05af0000-0000-4000-8000-000000000002', 'staff');
INSERT INTO staff_pins (staff_id, pin_hash, updated_at, kind, must_change) VALUES
    ('05af0000-0000-4000-8000-000000000002',
     '$argon2id$v=19$m=19456,t=2,p=1$Zml4dHVyZXNhbHQy$ijp9UbJ0lkq8FQN2iLU2UKu0bJ8EYDBDyKvAdeBchBw',
     '2025-07-01T09:00:00', 'password', 1);
