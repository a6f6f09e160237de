-- The transactional outbox. Every module writes its messages here in the same transaction as the change that
-- causes them (a booking and its reminder commit together, or neither does). The dedupe key makes each effect
-- happen once however often the cause is replayed. Dispatchers claim due rows with FOR UPDATE SKIP LOCKED and a
-- lease (status 'claimed', lease_until), so any number of instances can share the work.
create table outbox (
    id          uuid primary key,
    topic       text not null,
    dedupe_key  text not null unique,
    patient_id  uuid,
    subject_id  uuid,
    payload     jsonb not null,
    due_at      timestamptz not null,
    status      text not null default 'pending' check (status in ('pending', 'claimed', 'done', 'cancelled', 'dead')),
    attempts    int not null default 0,
    lease_until timestamptz,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
create index outbox_due on outbox (due_at) where status = 'pending';
create index outbox_subject on outbox (subject_id, topic) where status = 'pending';
