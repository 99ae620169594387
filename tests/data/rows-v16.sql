-- Version 16: 名簿 dates, the kind of an edition and the report's settings.
-- A 関係機関 registered 2024-04-01 that ended 2025-12-01; the pamphlet
-- かかりつけ医の準備をしましょう as another printed material; 浸透度 counted
-- over the first two answers.
INSERT INTO organisations (id, kind, name, department, postal_code, address, phone, fax, email,
        contact_person, city_id, notes, retired, registered_on, retired_on, created_at,
        updated_at) VALUES
    ('06a00000-0000-4000-8000-000000000003', '居宅介護支援事業所', '鶴ヶ島ケアプランセンター', '',
        '', '', '049-200-5000', '', '', '', NULL, '', 1, '2024-04-01', '2025-12-01',
        '2025-10-01T09:00:00', '2025-12-01T09:00:00');
INSERT INTO booklet_editions (id, title, edition, publisher, notes, low_stock_threshold,
        is_booklet, sort_order, created_at, updated_at) VALUES
    ('0be00000-0000-4000-8000-000000000002', 'かかりつけ医の準備をしましょう', '令和5年版',
        '医療WG', '', 0, 0, 1, '2025-10-01T09:00:00', '2025-10-01T09:00:00');
INSERT INTO report_settings (key, value) VALUES ('awareness_rule', 'first_two');
