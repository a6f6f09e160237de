-- Finished messages are deleted after crm.outbox.retention (OutboxRetention). New row versions mostly land at the
-- end of the table, so a BRIN index on updated_at lets the hourly search for old ones skip most of the table; it adds
-- next to nothing to writes (one summary per 128 pages, which vacuum builds).
create index outbox_updated_brin on outbox using brin (updated_at);
