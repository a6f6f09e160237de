-- Erasure (PIPL Art. 47, GDPR Art. 17). A request waits out a grace period during which the patient may cancel it;
-- then one transaction anonymises the account's patients, drops its identities and stored choices, and cancels
-- what was still to happen. At most one request per account is waiting at a time. summary keeps the counts of what
-- was done (never personal data), as the proof a data-protection officer asks for.
create table app.erasure_requests (
    id           uuid primary key,
    account_id   uuid not null,
    status       text not null check (status in ('SCHEDULED', 'CANCELLED', 'COMPLETED')),
    requested_at timestamptz not null default now(),
    effective_at timestamptz not null,
    cancelled_at timestamptz,
    completed_at timestamptz,
    summary      jsonb
);
create unique index erasure_requests_one_waiting on app.erasure_requests (account_id) where status = 'SCHEDULED';
create index erasure_requests_account on app.erasure_requests (account_id, requested_at desc);

-- An erased patient row stays (appointments and reports the hospital must keep point at it) with every personal
-- column emptied; erased_at says when.
alter table app.patients add column erased_at timestamptz;
