-- The database against what the service answered (bench/faults/Load.java's files in @DIR@, which the scripts
-- replace): every booking and ticket answered 2xx is stored once and nothing else is, slot counts match live
-- appointments, each booking has its outbox messages once, and each slot the hospital pushed is at the last version
-- it pushed. Used by the fault scripts.
create temp table answered_appointments (id uuid primary key);
\copy answered_appointments from '@DIR@/appointments.txt'
create temp table answered_tickets (id uuid primary key);
\copy answered_tickets from '@DIR@/tickets.txt'
create temp table pushed (external_id text primary key, version bigint);
\copy pushed from '@DIR@/slots.csv' with (format csv)
create temp table ours as select a.* from app.appointments a join app.doctors d on d.id = a.doctor_id
  join app.departments dep on dep.id = d.department_id where dep.external_id like 'faults-%';
select '  bookings answered 2xx: ' || (select count(*) from answered_appointments) || ', in the database: ' || (select count(*) from ours)
  || '; answered but missing: ' || (select count(*) from answered_appointments a where not exists (select 1 from ours o where o.id = a.id))
  || ', stored but never answered: ' || (select count(*) from ours o where not exists (select 1 from answered_appointments a where a.id = o.id));
select '  slots booked beyond capacity: ' || count(*) filter (where booked > capacity) || ', slots whose booked count differs from their live appointments: '
  || count(*) filter (where booked <> (select count(*) from app.appointments a where a.slot_id = s.id and a.status in ('BOOKED', 'CHECKED_IN')))
  from app.slots s;
select '  outbox per booking: ' || count(*) filter (where c <> 1) || ' without exactly one confirmation, ' || count(*) filter (where w <> 1)
  || ' without exactly one hospital event, ' || count(*) filter (where r = 0) || ' without a reminder (' || coalesce(sum(c + w + r), 0)
  || ' rows for ' || count(*) || ' bookings)'
  from (select o.id, (select count(*) from notifications.outbox x where x.subject_id = o.id and x.topic = 'appointment.change') c,
               (select count(*) from notifications.outbox x where x.subject_id = o.id and x.topic = 'webhook.appointment.booked') w,
               (select count(*) from notifications.outbox x where x.subject_id = o.id and x.topic = 'appointment.reminder') r
        from ours o) per;
select '  tickets answered 2xx: ' || (select count(*) from answered_tickets) || ', in the database: ' || (select count(*) from app.feedback_tickets)
  || '; answered but missing: ' || (select count(*) from answered_tickets a where not exists (select 1 from app.feedback_tickets t where t.id = a.id))
  || ', stored but never answered: ' || (select count(*) from app.feedback_tickets t where not exists (select 1 from answered_tickets a where a.id = t.id));
select '  pushed slots: ' || count(*) || ', at the last version pushed: ' || count(*) filter (where s.source_version = p.version)
  || ', older: ' || count(*) filter (where s.source_version < p.version or s.id is null)
  from pushed p left join app.slots s on s.external_id = p.external_id;
