-- Two instances on one database (bench/faults/two-instances.sh): the database against what both instances answered
-- (Load.java's files in @DIR@, which the script replaces) and the invariants that must hold whatever the concurrency
-- between them. Every line ends with the figure that must be 0, or the two figures that must be equal.
create temp table answered_appointments (id uuid primary key);
\copy answered_appointments from '@DIR@/appointments.txt'
create temp table answered_tickets (id uuid primary key);
\copy answered_tickets from '@DIR@/tickets.txt'
create temp table answered_cancels (id uuid primary key);
\copy answered_cancels from '@DIR@/cancelled.txt'
create temp table answered_moves (id uuid primary key, moves int);
\copy answered_moves from '@DIR@/moved.csv' with (format csv)
create temp table pushed (external_id text primary key, version bigint);
\copy pushed from '@DIR@/slots.csv' with (format csv)
create temp table ours as select a.* from app.appointments a join app.doctors d on d.id = a.doctor_id
  join app.departments dep on dep.id = d.department_id where dep.external_id like 'faults-%';

select '  bookings answered 2xx: ' || (select count(*) from answered_appointments) || ', in the database: ' || (select count(*) from ours)
  || '; answered but missing: ' || (select count(*) from answered_appointments a where not exists (select 1 from ours o where o.id = a.id))
  || ', stored but never answered: ' || (select count(*) from ours o where not exists (select 1 from answered_appointments a where a.id = o.id));
select '  slots booked beyond capacity: ' || count(*) filter (where booked > capacity)
  || ', slots whose booked count differs from their live appointments: '
  || count(*) filter (where booked <> (select count(*) from app.appointments a where a.slot_id = s.id and a.status in ('BOOKED', 'CHECKED_IN')))
  || ' (of ' || count(*) || ' slots; ' || (select count(*) from app.slots c join app.doctors d on d.id = c.doctor_id
     where d.external_id like 'faults-%-doc-21' and c.booked = c.capacity) || ' contended slots full)'
  from app.slots s;
select '  people with two live appointments with one doctor on one day: ' || count(*)
  from (select 1 from app.appointments where status in ('BOOKED', 'CHECKED_IN') group by person_key, doctor_id, local_date having count(*) > 1) x;
select '  Idempotency-Keys: ' || (select count(*) from app.idempotency_keys k join ours o on o.id = k.appointment_id)
  || ' name our appointments; appointments named by more than one key: '
  || (select count(*) from (select appointment_id from app.idempotency_keys where appointment_id is not null group by 1 having count(*) > 1) x)
  || ', by none: ' || (select count(*) from ours o where not exists (select 1 from app.idempotency_keys k where k.appointment_id = o.id))
  || ', keys left without an appointment: ' || (select count(*) from app.idempotency_keys where appointment_id is null);
select '  cancellations answered 200: ' || (select count(*) from answered_cancels) || ', cancelled in the database: '
  || (select count(*) from ours where status = 'CANCELLED') || '; answered but not cancelled: '
  || (select count(*) from answered_cancels c where not exists (select 1 from ours o where o.id = c.id and o.status = 'CANCELLED'))
  || ', cancelled but never answered: ' || (select count(*) from ours o where o.status = 'CANCELLED'
     and not exists (select 1 from answered_cancels c where c.id = o.id));
select '  moves answered 200: ' || coalesce((select sum(moves) from answered_moves), 0) || ' (of ' || (select count(*) from answered_moves)
  || ' appointments), recorded in the status history as moves: ' || (select count(*) from app.appointment_status_history h join ours o
     on o.id = h.appointment_id where h.status = 'RESCHEDULED');
-- Each booking writes one confirmation and one hospital event; each cancellation and each move one more of each.
select '  outbox per appointment: ' || count(*) filter (where c <> expected) || ' without exactly one confirmation per booking, '
  || 'cancellation and move, ' || count(*) filter (where w <> expected) || ' without exactly one hospital event per each ('
  || coalesce(sum(c), 0) || ' confirmations and ' || coalesce(sum(w), 0) || ' hospital events for ' || count(*) || ' appointments)'
  from (select o.id, 1 + (select count(*) from answered_cancels x where x.id = o.id) + coalesce((select moves from answered_moves m where m.id = o.id), 0) expected,
               (select count(*) from notifications.outbox x where x.subject_id = o.id and x.topic = 'appointment.change') c,
               (select count(*) from notifications.outbox x where x.subject_id = o.id and x.topic like 'webhook.appointment.%') w
        from ours o) per;
select '  tickets answered 2xx: ' || (select count(*) from answered_tickets) || ', in the database: ' || (select count(*) from app.feedback_tickets)
  || '; answered but missing: ' || (select count(*) from answered_tickets a where not exists (select 1 from app.feedback_tickets t where t.id = a.id))
  || ', stored but never answered: ' || (select count(*) from app.feedback_tickets t where not exists (select 1 from answered_tickets a where a.id = t.id));
select '  pushed slots: ' || count(*) || ', at the last version pushed: ' || count(*) filter (where s.source_version = p.version)
  || ', older: ' || count(*) filter (where s.source_version < p.version or s.id is null)
  from pushed p left join app.slots s on s.external_id = p.external_id;
