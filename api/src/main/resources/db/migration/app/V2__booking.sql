-- Booking: what the hospital pushes (departments, doctors, slots) and what patients book (appointments).
-- The invariants live here, so that no code path, retry or extra instance can break them:
--   * a slot's booked count never exceeds its capacity (check constraint; bookings are conditional updates);
--   * one real person holds at most one live appointment per doctor per day (partial unique index on the
--     person key: the keyed hash of the national ID number, or the patient id when there is none).

create table departments (
    id                   uuid primary key,
    external_id          text not null unique,
    name                 text not null,
    description          text,
    time_zone            text not null,
    booking_horizon_days int not null check (booking_horizon_days between 1 and 365),
    min_notice_minutes   int not null check (min_notice_minutes between 0 and 10080),
    active               boolean not null default true,
    source_version       bigint not null,
    updated_at           timestamptz not null default now()
);

create table doctors (
    id             uuid primary key,
    external_id    text not null unique,
    department_id  uuid not null references departments (id),
    name           text not null,
    title          text,
    specialty      text,
    photo_url      text,
    bio            text,
    active         boolean not null default true,
    source_version bigint not null,
    updated_at     timestamptz not null default now()
);
create index doctors_department on doctors (department_id);

create table slots (
    id             uuid primary key,
    external_id    text not null unique,
    doctor_id      uuid not null references doctors (id),
    starts_at      timestamptz not null,
    ends_at        timestamptz not null,
    time_zone      text not null,
    local_date     date not null,
    capacity       int not null check (capacity >= 0),
    booked         int not null default 0,
    visit_type     text not null,
    fee_cents      bigint not null check (fee_cents >= 0),
    status         text not null default 'open' check (status in ('open', 'blocked')),
    source_version bigint not null,
    updated_at     timestamptz not null default now(),
    constraint slots_booked_within_capacity check (booked >= 0 and booked <= capacity),
    constraint slots_end_after_start check (ends_at > starts_at)
);
create index slots_doctor_day on slots (doctor_id, local_date, starts_at);

create table appointments (
    id             uuid primary key,
    slot_id        uuid not null references slots (id),
    doctor_id      uuid not null references doctors (id),
    patient_id     uuid not null references patients (id),
    booked_by      uuid not null,
    person_key     bytea not null,
    local_date     date not null,
    starts_at      timestamptz not null,
    status         text not null check (status in ('BOOKED', 'CANCELLED', 'CANCELLED_BY_HOSPITAL',
                                                   'CHECKED_IN', 'COMPLETED', 'NO_SHOW')),
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now()
);
create unique index appointments_one_per_person_doctor_day on appointments (person_key, doctor_id, local_date)
    where status in ('BOOKED', 'CHECKED_IN');
create index appointments_patient on appointments (patient_id, starts_at);
create index appointments_person_upcoming on appointments (person_key, starts_at) where status = 'BOOKED';
create index appointments_updated on appointments (updated_at, id);

-- Every status change, with who made it and when.
create table appointment_status_history (
    id             bigserial primary key,
    appointment_id uuid not null references appointments (id),
    status         text not null,
    actor_kind     text not null check (actor_kind in ('patient', 'hospital', 'staff', 'system')),
    actor_id       text not null,
    changed_at     timestamptz not null default now()
);
create index appointment_status_history_appointment on appointment_status_history (appointment_id, changed_at);

-- Idempotency-Key records for POST /api/v1/appointments: the first request with a key does the work; repeats
-- (also concurrent ones, which wait on this row's unique index) get the original result.
create table idempotency_keys (
    account_id     uuid not null,
    key            text not null,
    request_hash   bytea not null,
    appointment_id uuid references appointments (id),
    created_at     timestamptz not null default now(),
    primary key (account_id, key)
);
