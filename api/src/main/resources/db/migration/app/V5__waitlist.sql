-- The waitlist of a full doctor-day. When a place frees (a cancellation, a move away, more capacity), the first
-- waiting person gets a hold: the place is taken for them (the slot's booked count includes it) until
-- hold_expires_at; they claim it as an appointment, or it passes to the next in line. One live entry per real
-- person (person key) per doctor per day.
create table app.waitlist_entries (
    id              uuid primary key,
    doctor_id       uuid not null references app.doctors (id),
    local_date      date not null,
    patient_id      uuid not null references app.patients (id),
    joined_by       uuid not null,
    person_key      bytea not null,
    status          text not null check (status in ('WAITING', 'OFFERED', 'BOOKED', 'EXPIRED', 'LEFT')),
    offered_slot_id uuid references app.slots (id),
    hold_expires_at timestamptz,
    appointment_id  uuid references app.appointments (id),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint waitlist_offer_has_slot check (status <> 'OFFERED' or (offered_slot_id is not null and hold_expires_at is not null))
);
create unique index waitlist_one_per_person_doctor_day on app.waitlist_entries (person_key, doctor_id, local_date)
    where status in ('WAITING', 'OFFERED');
create index waitlist_queue on app.waitlist_entries (doctor_id, local_date, created_at, id) where status = 'WAITING';
create index waitlist_patient on app.waitlist_entries (patient_id, created_at);
