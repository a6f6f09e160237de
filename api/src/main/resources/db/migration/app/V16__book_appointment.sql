-- A booking in one statement, so one round trip and its own transaction. Bookings calls it after reading the
-- person and the slot (and checking the booking window); it
--   1. claims the Idempotency-Key: a concurrent holder of the key is waited for by the unique index, and a key
--      held already answers null, for the caller to answer as a repeat;
--   2. takes the per-person lock (the same lock as AppointmentStore.lockPerson) and checks the person's rules,
--      each query with a fresh snapshot (a volatile function's statements see what committed before the lock);
--   3. takes a place only while one is left and the slot still starts where the caller read it;
--   4. stores the appointment, its first history row and its outbox messages, and completes the key.
-- A rule that fails raises its own SQLSTATE, which undoes the whole statement, key claim included:
--   PB001 the person already has a live appointment with this doctor on this day
--   PB002 the person holds p_max_upcoming upcoming appointments already
--   PB003 no place left in the slot
--   PB004 the slot is closed, or was moved, since the caller read it
create function app.book_appointment(p_account uuid, p_key text, p_request_hash bytea, p_appointment uuid,
                                     p_slot uuid, p_starts_at timestamptz, p_doctor uuid, p_day date,
                                     p_patient uuid, p_person_key bytea, p_max_upcoming bigint, p_messages jsonb)
returns timestamptz
language plpgsql as $$
declare
    created timestamptz;
begin
    insert into app.idempotency_keys (account_id, key, request_hash) values (p_account, p_key, p_request_hash)
    on conflict do nothing;
    if not found then
        return null;
    end if;
    perform pg_advisory_xact_lock(hashtextextended(encode(p_person_key, 'hex'), 42));
    if exists (select 1 from app.appointments where person_key = p_person_key and doctor_id = p_doctor
               and local_date = p_day and status in ('BOOKED', 'CHECKED_IN')) then
        raise exception 'same doctor, same day' using errcode = 'PB001';
    end if;
    if (select count(*) from app.appointments where person_key = p_person_key and status = 'BOOKED'
        and starts_at > now()) >= p_max_upcoming then
        raise exception 'too many upcoming appointments' using errcode = 'PB002';
    end if;
    update app.slots set booked = booked + 1, updated_at = now()
    where id = p_slot and status = 'open' and booked < capacity and starts_at = p_starts_at and doctor_id = p_doctor;
    if not found then
        if exists (select 1 from app.slots where id = p_slot and status = 'open' and starts_at = p_starts_at
                   and doctor_id = p_doctor) then
            raise exception 'slot full' using errcode = 'PB003';
        end if;
        raise exception 'slot changed' using errcode = 'PB004';
    end if;
    insert into app.appointments (id, slot_id, doctor_id, patient_id, booked_by, person_key, local_date, starts_at,
                                  status)
    values (p_appointment, p_slot, p_doctor, p_patient, p_account, p_person_key, p_day, p_starts_at, 'BOOKED')
    returning created_at into created;
    insert into app.appointment_status_history (appointment_id, status, actor_kind, actor_id)
    values (p_appointment, 'BOOKED', 'patient', p_account::text);
    perform notifications.enqueue(p_messages);
    update app.idempotency_keys set appointment_id = p_appointment where account_id = p_account and key = p_key;
    return created;
end
$$;
