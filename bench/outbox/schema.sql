set client_min_messages = warning;
-- The outbox as it was before V10 (wide_*: claim and outcome update the outbox row) and as it is (queue_*: claim and
-- retries update a narrow queue row, the outcome deletes it and updates the outbox row once), in a scratch schema.
drop schema if exists obench cascade;
create schema obench;
create table obench.wide_outbox (
    id uuid primary key, topic text not null, dedupe_key text not null unique, patient_id uuid, subject_id uuid,
    payload jsonb not null, due_at timestamptz not null, status text not null default 'pending',
    attempts int not null default 0, lease_until timestamptz, claim_token uuid, last_error text,
    created_at timestamptz not null default now(), updated_at timestamptz not null default now());
create index on obench.wide_outbox (due_at, topic) where status = 'pending';
create index on obench.wide_outbox (subject_id, topic) where status = 'pending';
create index on obench.wide_outbox (lease_until) where status = 'claimed';
create index on obench.wide_outbox (patient_id, created_at desc, id desc) where patient_id is not null;
create index on obench.wide_outbox (status, created_at desc, id desc) where patient_id is not null;

create table obench.queue_outbox (like obench.wide_outbox including defaults);
alter table obench.queue_outbox drop column lease_until, drop column claim_token;
alter table obench.queue_outbox add primary key (id), add unique (dedupe_key);
create index on obench.queue_outbox (subject_id, topic) where status = 'pending';
create index on obench.queue_outbox (patient_id, created_at desc, id desc) where patient_id is not null;
create index on obench.queue_outbox (status, created_at desc, id desc) where patient_id is not null;
create table obench.queue (id uuid primary key, topic text not null, due_at timestamptz not null,
    attempts int not null default 0, claim_token uuid);
create index on obench.queue (due_at, topic);
create function obench.queue_added() returns trigger language plpgsql as $$
begin
    insert into obench.queue (id, topic, due_at, attempts) select id, topic, due_at, attempts from added where status = 'pending';
    return null;
end $$;
create trigger queued after insert on obench.queue_outbox referencing new table as added
    for each statement execute function obench.queue_added();

-- A history of finished messages, as a hospital's outbox has.
insert into obench.wide_outbox (id, topic, dedupe_key, patient_id, subject_id, payload, due_at, status, attempts)
select gen_random_uuid(), 'appointment.change', 'old:' || g, gen_random_uuid(), gen_random_uuid(),
       jsonb_build_object('a', repeat('x', 380)), now() - interval '1 day', 'done', 1
from generate_series(1, :history) g;
insert into obench.queue_outbox select id, topic, dedupe_key, patient_id, subject_id, payload, due_at, status, attempts,
       last_error, created_at, updated_at from obench.wide_outbox;
vacuum analyze obench.wide_outbox, obench.queue_outbox, obench.queue;
