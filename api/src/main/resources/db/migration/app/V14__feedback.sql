-- The staff feedback CRM: tickets opened from survey answers, patients' own feedback and WeChat customer-service
-- messages, with their full history. Free text is kept as written (staff search it); erasure blanks it.

create table feedback_tickets (
    id              uuid primary key,
    number          bigint generated always as identity unique,
    -- The patient it is about; null for an anonymous WeChat message (a sender without an account here).
    patient_id      uuid references patients (id),
    -- The account that wrote it through the app (sees it under GET /api/v1/feedback); null otherwise.
    account_id      uuid,
    source          text not null check (source in ('survey', 'patient', 'wechat')),
    -- What the source calls it, so a repeated delivery opens nothing new: the survey invitation, the outbox
    -- message of a WeChat message, or the account and Idempotency-Key of an app submission.
    source_ref      text not null,
    category        text not null check (category in ('complaint', 'praise', 'suggestion', 'survey', 'message')),
    priority        text not null check (priority in ('LOW', 'NORMAL', 'HIGH', 'URGENT')),
    negative        boolean not null,
    status          text not null default 'NEW'
                    check (status in ('NEW', 'ASSIGNED', 'IN_PROGRESS', 'RESOLVED', 'CLOSED')),
    assignee        text,
    subject         text not null,
    body            text not null,
    appointment_id  uuid,
    department_id   uuid,
    doctor_id       uuid,
    tags            text[] not null default '{}',
    sla_due_at      timestamptz not null,
    sla_breached_at timestamptz,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    resolved_at     timestamptz,
    version         integer not null default 0,
    unique (source, source_ref)
);

-- The staff list: newest (highest number) first, filtered by status, priority or assignee.
-- (number is unique, so the list by itself needs no index of its own.)
create index feedback_tickets_status on feedback_tickets (status, number desc);
create index feedback_tickets_assignee on feedback_tickets (assignee, number desc) where assignee is not null;
create index feedback_tickets_patient on feedback_tickets (patient_id, created_at desc);
create index feedback_tickets_account on feedback_tickets (account_id, created_at desc) where account_id is not null;
-- The SLA job looks only at open tickets not yet flagged.
create index feedback_tickets_sla on feedback_tickets (sla_due_at)
    where sla_breached_at is null and status in ('NEW', 'ASSIGNED', 'IN_PROGRESS');

-- Everything that happened to a ticket, in order. Notes are for staff; messages and replies the patient sees.
create table feedback_events (
    id          bigint generated always as identity primary key,
    ticket_id   uuid not null references feedback_tickets (id) on delete cascade,
    at          timestamptz not null default now(),
    actor_kind  text not null check (actor_kind in ('patient', 'staff', 'system')),
    actor_id    text,
    kind        text not null check (kind in ('created', 'message', 'assigned', 'status', 'note', 'reply', 'tags',
                                              'sla_breached')),
    from_status text,
    to_status   text,
    body        text,
    -- The outbox message a WeChat message arrived in, so a repeated delivery appends nothing.
    source_ref  text unique
);

create index feedback_events_ticket on feedback_events (ticket_id, id);
