-- Follow-up care plans: the hospital pushes them (by its own plan id, newest version wins) or staff apply a template.
-- A plan recurs every interval_days from starts_on, or lists explicit due dates; it stops at ends_on or when ended.
-- Its reminders are not stored here: each occurrence is an outbox message that, when handled, writes the patient's
-- reminder and schedules the next occurrence (so an open-ended plan never needs its whole future written down).
-- source_version is the hospital's (newer wins); generation is ours (see below).
create table app.care_plan_templates (
    code            text primary key check (code ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name            text not null,
    condition_code  text not null check (condition_code ~ '^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$'),
    interval_days   int check (interval_days between 1 and 3650),
    offsets_days    int[] check (cardinality(offsets_days) between 1 and 50),
    duration_days   int check (duration_days between 1 and 36500),
    created_by      text,
    created_at      timestamptz not null default now(),
    constraint care_plan_templates_one_schedule check (num_nulls(interval_days, offsets_days) = 1)
);

insert into app.care_plan_templates (code, name, condition_code, interval_days, offsets_days, duration_days, created_by)
values ('diabetes-review', 'Type 2 diabetes review every 90 days', 'E11', 90, null, null, 'system'),
       ('post-surgery', 'Post-surgery checks on day 7 and day 30', 'Z48', null, '{7,30}', 60, 'system');

create table app.care_plans (
    id             uuid primary key,
    external_id    text unique,
    patient_id     uuid not null references app.patients (id),
    condition_code text not null,
    department_id  uuid references app.departments (id),
    title          text,
    status         text not null check (status in ('ACTIVE', 'ENDED', 'CANCELLED')),
    starts_on      date not null,
    ends_on        date,
    interval_days  int check (interval_days between 1 and 3650),
    due_dates      date[] check (cardinality(due_dates) between 1 and 100),
    time_zone      text not null,
    source         text not null check (source in ('hospital', 'staff')),
    template_code  text references app.care_plan_templates (code),
    created_by     text,
    source_version bigint not null,
    -- Bumped by every change that reschedules the plan: occurrences scheduled under an older generation are void.
    generation     int not null default 0,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    constraint care_plans_one_schedule check (num_nulls(interval_days, due_dates) = 1),
    constraint care_plans_ends_after_start check (ends_on is null or ends_on >= starts_on)
);
create index care_plans_patient on app.care_plans (patient_id);
create index care_plans_active on app.care_plans (department_id) where status = 'ACTIVE';
