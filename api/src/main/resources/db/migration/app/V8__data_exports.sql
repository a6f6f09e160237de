-- Data exports (PIPL Art. 45, GDPR Art. 15/20): a patient asks, a dispatcher job writes the JSON, the patient
-- downloads it until it expires, after which the content is dropped and only the request's dates remain.
create table app.data_exports (
    id           uuid primary key,
    account_id   uuid not null,
    status       text not null check (status in ('PENDING', 'READY', 'FAILED', 'EXPIRED')),
    requested_at timestamptz not null default now(),
    ready_at     timestamptz,
    expires_at   timestamptz,
    content      text,
    size_bytes   int,
    constraint data_exports_ready_has_content check (status <> 'READY' or content is not null)
);
create index data_exports_account on app.data_exports (account_id, requested_at desc);
create index data_exports_expiring on app.data_exports (expires_at) where status = 'READY';
