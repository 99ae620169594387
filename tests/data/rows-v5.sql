-- Version 5: a staff member's PIN, as its Argon2id hash (see rows-v1.sql).
INSERT INTO staff_pins (staff_id, pin_hash, updated_at) VALUES
    ('05af0000-0000-4000-8000-000000000001',
     '$argon2id$v=19$m=19456,t=2,p=1$Zml4dHVyZXNhbHQ$WDeyJpGvHL9yInfdBDC4OT2gMlSgQ8tujHr3pWz3uKE',
     '2025-04-01T09:00:00');
