-- MESSAGES due appointment reminders (psql -v n=...), due 20 s after the transaction commits: patients with an
-- app device each, half of them also WeChat users holding a subscription credit. Used by run.sh and
-- bench/faults/kill-dispatch.sh. Optional -v tag=...: a second seeding with another tag adds another MESSAGES
-- (run.sh seeds a warm-up round first).
\if :{?tag}
\else
\set tag b
\endif
begin;
insert into app.departments (id, external_id, name, time_zone, booking_horizon_days, min_notice_minutes, source_version)
values ('00000000-0000-0000-0000-00000000d001', 'bench-dep', 'Cardiology', 'Asia/Shanghai', 14, 0, 1)
on conflict do nothing;
insert into app.doctors (id, external_id, department_id, name, source_version)
values ('00000000-0000-0000-0000-00000000d002', 'bench-doc', '00000000-0000-0000-0000-00000000d001', 'Dr. Bench', 1)
on conflict do nothing;
create temp table b as select g as n, gen_random_uuid() as patient, gen_random_uuid() as account,
       gen_random_uuid() as appointment, ((g - 1) / 100) as slot_no from generate_series(1, :n) g;
insert into app.slots (id, external_id, doctor_id, starts_at, ends_at, time_zone, local_date, capacity, booked,
                       visit_type, fee_cents, source_version)
select md5(:'tag' || 'slot' || s)::uuid, 'bench-slot-' || :'tag' || s, '00000000-0000-0000-0000-00000000d002',
       now() + interval '3 days' + s * interval '1 second', now() + interval '3 days' + s * interval '1 second' + interval '10 minutes',
       'Asia/Shanghai', (now() + interval '3 days')::date, 100, 100, 'outpatient', 0, 1
from generate_series(0, (:n - 1) / 100) s;
insert into auth.patient_accounts (id) select account from b;
insert into app.patients (id, account_id, name) select patient, account, 'Bench ' || n from b;
insert into app.appointments (id, slot_id, doctor_id, patient_id, booked_by, person_key, local_date, starts_at, status)
select b.appointment, md5(:'tag' || 'slot' || b.slot_no)::uuid, '00000000-0000-0000-0000-00000000d002', b.patient, b.account,
       convert_to('bench:' || :'tag' || b.n, 'UTF8'), (now() + interval '3 days')::date,
       now() + interval '3 days' + b.slot_no * interval '1 second', 'BOOKED'
from b;
insert into notifications.contact_preferences (patient_id, quiet_enabled, quiet_start, quiet_end, quiet_zone)
select patient, false, '22:00', '08:00', 'Asia/Shanghai' from b;
insert into notifications.devices (id, recipient_id, token, platform) select gen_random_uuid(), patient, 'bench-' || :'tag' || n, 'android' from b;
insert into auth.wechat_identities (appid, openid, account_id) select 'wx-bench', 'o-bench-' || :'tag' || n, account from b where n % 2 = 0;
insert into notifications.wechat_credits (recipient_id, template_id) select patient, 'tmpl-reminder' from b where n % 2 = 0;
insert into notifications.outbox (id, topic, dedupe_key, patient_id, subject_id, payload, due_at)
select gen_random_uuid(), 'appointment.reminder', 'bench:' || :'tag' || ':' || n, patient, appointment,
       jsonb_build_object('appointmentId', appointment), now() + interval '20 seconds'
from b;
commit;
analyze;
