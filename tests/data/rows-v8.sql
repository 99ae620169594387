-- Version 8: a lecture theme, venue, questionnaire, a held session with its
-- tallies and a comment, and the booklet issue handed out there (see
-- rows-v1.sql).
INSERT INTO lecture_venues (id, name, address, city_id, retired, created_at, updated_at) VALUES
    ('01e00000-0000-4000-8000-000000000001', '坂戸市文化会館', '坂戸市芦山町1',
        '0c170000-0000-4000-8000-000000000001', 0, '2025-04-01T09:00:00', '2025-04-01T09:00:00');
INSERT INTO lecture_themes (id, number, title, organisation_id, summary, duration_minutes,
        audience, retired, created_at, updated_at) VALUES
    ('01f00000-0000-4000-8000-000000000001', 1, '在宅医療ってなに？', '06a00000-0000-4000-8000-000000000002',
        '在宅医療の基本', 60, '市民', 0, '2025-04-01T09:00:00', '2025-04-01T09:00:00');
INSERT INTO questionnaires (id, name, version, superseded_at, created_at) VALUES
    ('0f000000-0000-4000-8000-000000000001', '講座アンケート', 1, NULL, '2025-04-01T09:00:00');
INSERT INTO questionnaire_questions (id, questionnaire_id, position, text, awareness) VALUES
    ('0f100000-0000-4000-8000-000000000001', '0f000000-0000-4000-8000-000000000001', 0,
        '在宅医療を知っていましたか', 1);
INSERT INTO questionnaire_choices (id, question_id, position, label) VALUES
    ('0f200000-0000-4000-8000-000000000001', '0f100000-0000-4000-8000-000000000001', 0, '知っていた'),
    ('0f200000-0000-4000-8000-000000000002', '0f100000-0000-4000-8000-000000000001', 1, '知らなかった');
INSERT INTO lecture_sessions (id, kind, theme_id, title, session_date, start_time, end_time,
        venue_id, requesting_group, lecturers, capacity, applicants, attendees, city_id, status,
        notes, questionnaire_id, forms_returned, created_at, updated_at) VALUES
    ('01500000-0000-4000-8000-000000000001', '出前講座', '01f00000-0000-4000-8000-000000000001',
        '在宅医療ってなに？', '2025-05-10', '14:00', '15:30', '01e00000-0000-4000-8000-000000000001',
        '千代田地区自治会', '山田 花子', 40, 35, 32, '0c170000-0000-4000-8000-000000000001', '実施済',
        '', '0f000000-0000-4000-8000-000000000001', 30, '2025-04-20T09:00:00', '2025-05-10T16:00:00');
INSERT INTO lecture_tallies (session_id, choice_id, count) VALUES
    ('01500000-0000-4000-8000-000000000001', '0f200000-0000-4000-8000-000000000001', 12),
    ('01500000-0000-4000-8000-000000000001', '0f200000-0000-4000-8000-000000000002', 18);
INSERT INTO lecture_comments (id, session_id, position, text) VALUES
    ('01c00000-0000-4000-8000-000000000001', '01500000-0000-4000-8000-000000000001', 0,
        '家族と話し合うきっかけになった');
INSERT INTO booklet_entries (id, kind, entry_date, edition_id, quantity, source, channel_id,
        recipient_type, recipient_name, city_id, note, created_at, created_by, updated_at,
        lecture_session_id) VALUES
    ('0b0e0000-0000-4000-8000-000000000003', 'issue', '2025-05-10',
        '0be00000-0000-4000-8000-000000000001', 30, NULL, '6f1c2a10-3b1e-4c3a-9d51-0a0000000002',
        '', '', '0c170000-0000-4000-8000-000000000001', '',
        '2025-05-10T16:00:00', '山田 花子', '2025-05-10T16:00:00',
        '01500000-0000-4000-8000-000000000001');
INSERT INTO booklet_entry_changes (seq, entry_id, changed_at, changed_by, action) VALUES
    (3, '0b0e0000-0000-4000-8000-000000000003', '2025-05-10T16:00:00', '山田 花子', '登録');
