-- A booking's four messages: two reminders for later, the patient's confirmation and the hospital's event now.
insert into obench.queue_outbox (id, topic, dedupe_key, patient_id, subject_id, payload, due_at)
select gen_random_uuid(), t, t || ':' || gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), '{"appointmentId": "6f1c2d3e-1111-2222-3333-444455556666", "slotStart": "2026-11-27T09:00:00+08:00", "doctorName": "Dr Li Wei", "department": "Cardiology", "location": "Building 2, Floor 3, Room 305", "zone": "Asia/Shanghai", "visitType": "IN_PERSON", "extra": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}'::jsonb, now() + d
from (values ('appointment.change', interval '0'), ('webhook.appointment.booked', interval '0'),
             ('appointment.reminder', interval '1 day'), ('appointment.reminder', interval '20 hours')) v(t, d);
