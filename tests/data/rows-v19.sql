-- Version 19: 会議・研修 and the MCS figures. A 推進協議会 with attendance by
-- organisation and by 職種 and two tasks (one done); the MCS figures the
-- seed reports (令和元年12月).
INSERT INTO meetings (id, kind_id, title, meeting_date, start_time, end_time, venue, organiser,
        agenda, decisions, minutes, lecture_session_id, created_at, updated_at) VALUES
    ('3ee70002-0000-4000-8000-000000000001', '3ee70000-0000-4000-8000-000000000001',
        '第1回 推進協議会', '2025-06-12', '14:00', '15:30', '坂戸市役所 会議室', '',
        '入退院支援ルールについて', 'WGで素案を作る', '出席36名。', NULL,
        '2025-06-12T16:00:00', '2025-06-12T16:00:00');
INSERT INTO meeting_organisations (meeting_id, position, name, attendees) VALUES
    ('3ee70002-0000-4000-8000-000000000001', 0, '坂戸鶴ヶ島医師会', 1),
    ('3ee70002-0000-4000-8000-000000000001', 1, '地域包括支援センター', 9);
INSERT INTO meeting_attendance (meeting_id, occupation_id, attendees) VALUES
    ('3ee70002-0000-4000-8000-000000000001', '3ee70001-0000-4000-8000-000000000001', 1),
    ('3ee70002-0000-4000-8000-000000000001', '3ee70001-0000-4000-8000-000000000005', 9);
INSERT INTO meeting_tasks (id, meeting_id, position, task, owner, due_on, done) VALUES
    ('3ee70003-0000-4000-8000-000000000001', '3ee70002-0000-4000-8000-000000000001', 0,
        '素案の配布', '相談室', '2025-07-31', 0),
    ('3ee70003-0000-4000-8000-000000000002', '3ee70002-0000-4000-8000-000000000001', 1,
        '会場の予約', '坂戸市', NULL, 1);
INSERT INTO mcs_figures (id, as_of, offices, members, created_at, updated_at) VALUES
    ('3ee70004-0000-4000-8000-000000000001', '2019-12-01', 80, 214,
        '2025-06-12T16:00:00', '2025-06-12T16:00:00');
