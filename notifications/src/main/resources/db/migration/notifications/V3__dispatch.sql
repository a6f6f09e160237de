-- What the dispatcher needs on each outbox row. claim_token fences a claim: a dispatcher whose lease ran out (and
-- whose row another instance has claimed since) cannot overwrite the newer claim's outcome. last_error keeps the
-- latest failure or skip reason for staff and for the integration engineers' delivery logs. 'skipped' is a
-- message that was not sent on purpose (no consent, nothing to send to), as distinct from 'dead' (gave up).
alter table outbox add column claim_token uuid;
alter table outbox add column last_error text;
alter table outbox drop constraint outbox_status_check;
alter table outbox add constraint outbox_status_check
    check (status in ('pending', 'claimed', 'done', 'skipped', 'cancelled', 'dead'));
-- Expired claims are found by lease; due rows by (topic, due_at) so that a dispatcher claims only what it handles.
create index outbox_lease on outbox (lease_until) where status = 'claimed';
drop index outbox_due;
create index outbox_due on outbox (due_at, topic) where status = 'pending';
