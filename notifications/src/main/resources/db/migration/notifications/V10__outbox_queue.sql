-- The dispatch state of the messages still to be sent moves off the wide outbox row into a narrow queue (#3).
--
-- Before, claiming a message and recording its outcome were two updates of the outbox row: a wide row (its payload)
-- under seven indexes, with status in their predicates, so neither update could be HOT. At a few hundred bookings a
-- second that churn was ~40 % of PostgreSQL's CPU, and the outbox needed a 15 s vacuum every few seconds. Now a
-- message that is to be sent has a row here, and only here do claims and retries write: id, topic, when it is due,
-- its attempts and the claim's token. A claim moves due_at to the end of its lease, so a claim whose dispatcher
-- died is simply due again when the lease runs out. The outcome deletes the row (or, for a retry, makes it due
-- again) and writes the outbox row once.
--
-- A message is in the queue exactly while its outbox status is 'pending' (waiting, or claimed by a dispatcher: a
-- queue row with a claim token). The trigger below adds the queue row of every message inserted pending, whichever
-- way it is inserted (the Java Outbox, notifications.enqueue, a bench seed); withdrawing, finishing and resending a
-- message change both rows in one statement. No foreign key: its check would lock the fresh outbox row in every
-- booking; the dispatcher drops a queue row whose message is no longer pending instead.
create table outbox_queue (
    id          uuid primary key,
    topic       text not null,
    due_at      timestamptz not null,
    attempts    int not null default 0,
    claim_token uuid
);
create index outbox_queue_due on outbox_queue (due_at, topic);

create function notifications.queue_added() returns trigger
language plpgsql as $$
begin
    insert into notifications.outbox_queue (id, topic, due_at, attempts)
    select id, topic, due_at, attempts from added where status = 'pending';
    return null;
end
$$;
create trigger outbox_queued after insert on outbox referencing new table as added
    for each statement execute function notifications.queue_added();

-- What is in flight now: claimed messages keep their claim (a live dispatcher's outcome still lands) and are due
-- when their lease ends.
insert into outbox_queue (id, topic, due_at, attempts, claim_token)
select id, topic, case when status = 'claimed' then coalesce(lease_until, now()) else due_at end, attempts, claim_token
from outbox where status in ('pending', 'claimed');
update outbox set status = 'pending' where status = 'claimed';

drop index outbox_due;
drop index outbox_lease;
alter table outbox drop column claim_token;
alter table outbox drop column lease_until;
alter table outbox drop constraint outbox_status_check;
alter table outbox add constraint outbox_status_check
    check (status in ('pending', 'done', 'skipped', 'cancelled', 'dead'));
