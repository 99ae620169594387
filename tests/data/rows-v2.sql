-- Version 2: app settings (see rows-v1.sql).
INSERT INTO app_settings (key, value) VALUES
    ('backup.keep_daily', '10'),
    ('backup.last_at', '2025-04-01T09:00:00');
