-- The hospital's change feed is ordered by the transaction that last changed each appointment, not by updated_at.
-- updated_at is the transaction's start time, so a transaction that started earlier can commit after a poller has
-- read past its time and be missed. Ordered by the changing transaction's id, and showing only rows whose
-- transaction is older than every transaction still running (pg_snapshot_xmin), a page can never be overtaken by a
-- late commit: whatever commits later has a larger id than anything already served.
alter table app.appointments add column change_xid xid8 not null default pg_current_xact_id();

create function app.appointments_change_xid() returns trigger language plpgsql as $$
begin
    new.change_xid := pg_current_xact_id();
    return new;
end $$;

create trigger appointments_change_xid before update on app.appointments
    for each row execute function app.appointments_change_xid();

create index appointments_change on app.appointments (change_xid, id);
