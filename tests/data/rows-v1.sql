-- Representative rows for the tables of schema version 1, as the app of
-- that version writes them. The fixture generator (tests/core/upgrade.rs,
-- `write_missing_fixtures`) takes an empty file through versions 1 … N and
-- writes rows-vK.sql at each version K; the migration tests use them too.
-- Never change a released file: add rows in the file of a new version.
UPDATE office SET name = '坂戸鶴ヶ島医師会 在宅医療相談室', postal_code = '350-0200',
    address = '埼玉県坂戸市千代田一丁目1番地', phone = '049-200-0000', fax = '049-200-0001',
    contact_person = '山田 花子', updated_at = '2025-04-01T09:00:00'
  WHERE id = 1;
INSERT INTO cities (id, name, sort_order) VALUES
    ('0c170000-0000-4000-8000-000000000001', '坂戸市', 0),
    ('0c170000-0000-4000-8000-000000000002', '鶴ヶ島市', 1);
INSERT INTO areas (id, city_id, name, sort_order) VALUES
    ('0a1e0000-0000-4000-8000-000000000001', '0c170000-0000-4000-8000-000000000001', '坂戸・三芳野圏域', 0),
    ('0a1e0000-0000-4000-8000-000000000002', '0c170000-0000-4000-8000-000000000001', '入西圏域', 1),
    ('0a1e0000-0000-4000-8000-000000000003', '0c170000-0000-4000-8000-000000000002', '北部圏域', 0);
