-- Version 7: 関係機関 (see rows-v1.sql).
INSERT INTO organisations (id, kind, name, department, postal_code, address, phone, fax, email,
        contact_person, city_id, notes, retired, created_at, updated_at) VALUES
    ('06a00000-0000-4000-8000-000000000001', '地域包括支援センター', '坂戸市地域包括支援センター', '',
        '350-0200', '坂戸市千代田1-1', '049-200-1000', '', '', '', '0c170000-0000-4000-8000-000000000001',
        '', 0, '2025-04-01T09:00:00', '2025-04-01T09:00:00'),
    ('06a00000-0000-4000-8000-000000000002', '病院', '坂戸中央病院', '医療相談室',
        '', '', '049-200-2000', '', 'soudan@example.jp', '佐藤', NULL,
        '', 0, '2025-04-01T09:00:00', '2025-04-01T09:00:00');
