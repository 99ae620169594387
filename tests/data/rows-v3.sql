-- Version 3: 私の意志表示帳 — an edition, a receipt and an issue (to 相談窓口,
-- seeded by the migration), and their history (see rows-v1.sql).
INSERT INTO booklet_editions (id, title, edition, publisher, notes, low_stock_threshold,
        sort_order, created_at, updated_at) VALUES
    ('0be00000-0000-4000-8000-000000000001', '私の意志表示帳', '第2版', '医師会', '', 50,
        0, '2025-04-01T09:00:00', '2025-04-01T09:00:00');
INSERT INTO booklet_entries (id, kind, entry_date, edition_id, quantity, source, channel_id,
        recipient_type, recipient_name, city_id, note, created_at, created_by, updated_at) VALUES
    ('0b0e0000-0000-4000-8000-000000000001', 'receipt', '2025-04-01',
        '0be00000-0000-4000-8000-000000000001', 500, 'print', NULL, '', '', NULL, '初回印刷',
        '2025-04-01T09:05:00', '山田 花子', '2025-04-01T09:05:00'),
    ('0b0e0000-0000-4000-8000-000000000002', 'issue', '2025-04-02',
        '0be00000-0000-4000-8000-000000000001', 3, NULL, '6f1c2a10-3b1e-4c3a-9d51-0a0000000001',
        '本人', '', '0c170000-0000-4000-8000-000000000001', '',
        '2025-04-02T10:00:00', '山田 花子', '2025-04-02T10:00:00');
INSERT INTO booklet_entry_changes (seq, entry_id, changed_at, changed_by, action, field,
        old_value, new_value) VALUES
    (1, '0b0e0000-0000-4000-8000-000000000001', '2025-04-01T09:05:00', '山田 花子', '登録', '', '', ''),
    (2, '0b0e0000-0000-4000-8000-000000000002', '2025-04-02T10:00:00', '山田 花子', '登録', '', '', '');
