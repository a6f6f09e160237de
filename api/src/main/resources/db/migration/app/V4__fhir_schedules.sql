-- FHIR Schedules the hospital pushed: each is one doctor's calendar (Schedule.actor names the doctor by the
-- hospital's own id), optionally with the zone its slots are in. Slots pushed over FHIR reference a Schedule by the
-- hospital's id; this table maps it to the doctor. Our FHIR answers call a doctor's schedule Schedule/{doctor id}.
create table app.fhir_schedules (
    fhir_id        text primary key,
    doctor_id      uuid not null references app.doctors (id),
    time_zone      text,
    active         boolean not null default true,
    source_version bigint not null,
    updated_at     timestamptz not null default now()
);
create index fhir_schedules_doctor on app.fhir_schedules (doctor_id);
