-- Version 9: the office's own booklet text (see rows-v1.sql).
INSERT INTO booklet_template (id, title, subtitle, edition, cover_note, updated_at) VALUES
    (1, '私の意志表示帳', 'もしものときのために', '第2版', '坂戸鶴ヶ島医師会', '2025-04-01T09:00:00');
INSERT INTO booklet_template_sections (position, title, body, blank_lines) VALUES
    (0, 'わたしのこと', '名前、生年月日、連絡先', 4),
    (1, '大切にしたいこと', '', 8);
