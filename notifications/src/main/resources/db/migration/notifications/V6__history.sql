-- Staff read a patient's notification history and resend dead letters (#5).

-- Every resend, kept: who asked for it (the staff token's subject, as the audit trail names actors), when, and the
-- reason the message had died with, which the resend clears from the message so that its reason is about the new
-- attempts. No foreign key: like deliveries, a row names a message, nothing about the person.
create table resends (
    id             bigint generated always as identity primary key,
    outbox_id      uuid not null,
    resent_by      text not null,
    resent_at      timestamptz not null default clock_timestamp(),
    previous_error text
);
create index resends_outbox on resends (outbox_id, id);

-- The staff list pages newest first by (created_at, id), either for one patient or for one status across patients
-- (every dead letter). Only patients' messages are listed, so webhooks and other patient-less rows stay out of both.
create index outbox_patient on outbox (patient_id, created_at desc, id desc) where patient_id is not null;
create index outbox_patient_status on outbox (status, created_at desc, id desc) where patient_id is not null;
