-- Version 17: 療養支援ベッド as the scheme runs it. 山田 太郎 is registered
-- (同意書 2025-04-01, with 高橋 誠 as かかりつけ医), 坂戸中央病院 holds the
-- bed on two days, and one stay (急変時, linked to his first case) ended
-- at home after 3 days. A fourth reason was added to the list.
INSERT INTO bed_stay_reasons (id, name, sort_order, retired) VALUES
    ('0b5e0000-0000-4000-8000-000000000004', '家族の急病', 3, 0);
INSERT INTO bed_registrations (id, person_id, consent_on, valid_until, doctor_id, care_manager,
        notes, created_at, updated_at) VALUES
    ('0b5e0000-0000-4000-8000-000000000010', '0e050000-0000-4000-8000-000000000001',
        '2025-04-01', '2026-03-31', '0d000000-0000-4000-8000-000000000001',
        '居宅さかど 佐藤', '', '2025-04-01T10:00:00', '2025-04-01T10:00:00');
INSERT INTO bed_rota (day, bed_id, updated_at) VALUES
    ('2025-06-10', '0bed0000-0000-4000-8000-000000000001', '2025-05-20T10:00:00'),
    ('2025-06-11', '0bed0000-0000-4000-8000-000000000001', '2025-05-20T10:00:00');
INSERT INTO bed_stays (id, person_id, bed_id, admitted_on, discharged_on, reason_id, outcome,
        case_id, notes, created_at, updated_at) VALUES
    ('0b5e0000-0000-4000-8000-000000000020', '0e050000-0000-4000-8000-000000000001',
        '0bed0000-0000-4000-8000-000000000001', '2025-06-10', '2025-06-12',
        'b3d5a7e0-0000-4000-8000-000000000001', 'home',
        '0ca50000-0000-4000-8000-000000000001', '', '2025-06-12T17:00:00', '2025-06-12T17:00:00');
