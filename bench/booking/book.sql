-- PostgreSQL's own ceiling for one booking: the statements the service runs per POST /api/v1/appointments,
-- in one transaction, without HTTP, JSON, tokens or the JVM.
\set n random(1, :nslots)
\set p random(1, :npatients)
BEGIN;
INSERT INTO app.idempotency_keys (account_id, key, request_hash) VALUES (gen_random_uuid(), md5(random()::text), '\x00') ON CONFLICT DO NOTHING;
SELECT id AS patient FROM bench.patient_ids WHERE n = :p \gset
SELECT s.id AS slot, s.doctor_id AS doctor, s.local_date AS day, s.starts_at AS starts, (s.status = 'open' AND d.active AND dep.active) AS open, s.starts_at < now() + make_interval(mins => dep.min_notice_minutes) AS soon, s.starts_at >= now() + make_interval(days => dep.booking_horizon_days) AS far FROM app.slots s JOIN app.doctors d ON d.id = s.doctor_id JOIN app.departments dep ON dep.id = d.department_id WHERE s.id = (SELECT id FROM bench.slot_ids WHERE n = :n) \gset
SELECT coalesce(national_id_hash, ''::bytea) AS hash FROM app.patients WHERE id = ':patient';
SELECT md5(random()::text) AS personkey \gset
SELECT pg_advisory_xact_lock(hashtextextended(':personkey', 42));
SELECT exists (SELECT 1 FROM app.appointments WHERE person_key = decode(':personkey', 'hex') AND doctor_id = ':doctor' AND local_date = ':day' AND status IN ('BOOKED', 'CHECKED_IN'));
SELECT count(*) FROM app.appointments WHERE person_key = decode(':personkey', 'hex') AND status = 'BOOKED' AND starts_at > now();
UPDATE app.slots SET booked = booked + 1, updated_at = now() WHERE id = ':slot' AND status = 'open' AND booked < capacity;
SELECT gen_random_uuid() AS appt \gset
INSERT INTO app.appointments (id, slot_id, doctor_id, patient_id, booked_by, person_key, local_date, starts_at, status) VALUES (':appt', ':slot', ':doctor', ':patient', gen_random_uuid(), decode(':personkey', 'hex'), ':day', ':starts', 'BOOKED');
INSERT INTO app.appointment_status_history (appointment_id, status, actor_kind, actor_id) VALUES (':appt', 'BOOKED', 'patient', 'bench');
INSERT INTO notifications.outbox (id, topic, dedupe_key, patient_id, subject_id, payload, due_at) VALUES (gen_random_uuid(), 'appointment.reminder', 'r:' || ':appt', ':patient', ':appt', '{}'::jsonb, now());
INSERT INTO notifications.outbox (id, topic, dedupe_key, subject_id, payload, due_at) VALUES (gen_random_uuid(), 'webhook.appointment.booked', 'w:' || ':appt', ':appt', '{}'::jsonb, now());
SELECT a.id, a.slot_id, a.patient_id, a.doctor_id, d.department_id, s.starts_at, s.ends_at, s.time_zone, a.status, a.created_at FROM app.appointments a JOIN app.slots s ON s.id = a.slot_id JOIN app.doctors d ON d.id = a.doctor_id WHERE a.id = ':appt';
COMMIT;
