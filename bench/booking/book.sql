-- PostgreSQL's own ceiling for one booking: the statements the service runs per POST /api/v1/appointments
-- (see Bookings.newBooking), in one transaction, without HTTP, JSON, tokens or the JVM.
\set n random(1, :nslots)
\set p random(1, :npatients)
BEGIN;
SELECT md5(random()::text) AS personkey, gen_random_uuid() AS appt, gen_random_uuid() AS account \gset
INSERT INTO app.idempotency_keys (account_id, key, request_hash) VALUES (':account', md5(random()::text), '\x00') ON CONFLICT DO NOTHING;
SELECT id AS patient FROM bench.patient_ids WHERE n = :p \gset
SELECT coalesce(p.national_id_hash, ''::bytea) AS hash FROM app.patients p WHERE p.id = ':patient' AND (p.account_id = ':account' OR EXISTS (SELECT 1 FROM app.family_links l JOIN app.patients o ON o.id = l.owner_patient_id WHERE o.account_id = ':account' AND l.member_id = p.id));
SELECT s.id AS slot, s.doctor_id AS doctor, d.department_id AS dep, s.local_date AS day, s.starts_at AS starts, s.ends_at AS ends, s.time_zone AS zone, (s.status = 'open' AND d.active AND dep.active) AS open, s.starts_at < now() + make_interval(mins => dep.min_notice_minutes) AS soon, s.starts_at >= now() + make_interval(days => dep.booking_horizon_days) AS far FROM app.slots s JOIN app.doctors d ON d.id = s.doctor_id JOIN app.departments dep ON dep.id = d.department_id WHERE s.id = (SELECT id FROM bench.slot_ids WHERE n = :n) \gset
SELECT pg_advisory_xact_lock(hashtextextended(':personkey', 42));
SELECT EXISTS (SELECT 1 FROM app.appointments WHERE person_key = decode(':personkey', 'hex') AND doctor_id = ':doctor' AND local_date = ':day' AND status IN ('BOOKED', 'CHECKED_IN')) AS same_day, (SELECT count(*) FROM app.appointments WHERE person_key = decode(':personkey', 'hex') AND status = 'BOOKED' AND starts_at > now()) AS upcoming;
UPDATE app.slots SET booked = booked + 1, updated_at = now() WHERE id = ':slot' AND status = 'open' AND booked < capacity;
WITH created AS (INSERT INTO app.appointments (id, slot_id, doctor_id, patient_id, booked_by, person_key, local_date, starts_at, status) VALUES (':appt', ':slot', ':doctor', ':patient', ':account', decode(':personkey', 'hex'), ':day', ':starts', 'BOOKED') RETURNING id, created_at), logged AS (INSERT INTO app.appointment_status_history (appointment_id, status, actor_kind, actor_id) SELECT id, 'BOOKED', 'patient', 'bench' FROM created) SELECT created_at FROM created;
INSERT INTO notifications.outbox (id, topic, dedupe_key, patient_id, subject_id, payload, due_at) VALUES (gen_random_uuid(), 'appointment.reminder', 'r:' || ':appt', ':patient', ':appt', '{"appointmentId":"x"}'::jsonb, now()), (gen_random_uuid(), 'webhook.appointment.booked', 'w:' || ':appt', NULL, ':appt', '{"event":"appointment.booked"}'::jsonb, now()) ON CONFLICT (dedupe_key) DO NOTHING;
UPDATE app.idempotency_keys SET appointment_id = ':appt' WHERE account_id = ':account' AND key = 'none';
COMMIT;
