-- The audit trail and the consent ledger. Both are append-only: the database itself refuses to change or delete
-- their rows, whatever the application asks (HIPAA 164.312(b); PIPL Art. 14 proof of consent).

create function refuse_change() returns trigger language plpgsql as $$
begin
    raise exception '% is append-only', tg_table_name using errcode = 'insufficient_privilege';
end $$;

create table audit_events (
    id          bigint generated always as identity primary key,
    occurred_at timestamptz not null default clock_timestamp(),
    actor_kind  text not null check (actor_kind in ('patient', 'staff', 'client', 'anonymous', 'system')),
    actor_id    text,
    patient_id  uuid,
    resource    text not null,
    resource_id text,
    action      text not null,
    outcome     text not null check (outcome in ('allowed', 'denied', 'not_found')),
    request_id  text
);
create index audit_events_patient on audit_events (patient_id, id desc) where patient_id is not null;
create index audit_events_actor on audit_events (actor_id, id desc) where actor_id is not null;
create index audit_events_time on audit_events (occurred_at);

create trigger audit_events_append_only before update or delete on audit_events
    for each row execute function refuse_change();
create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function refuse_change();

-- Consent documents: one live document per kind, each with numbered versions. A version's text never changes
-- once stored; a change is a new version.
create table consent_documents (
    id         uuid primary key,
    kind       text not null check (kind in ('privacy_policy', 'sensitive_health_data', 'marketing', 'research',
                                             'third_party_sharing')),
    title_zh   text not null,
    title_en   text not null,
    retired_at timestamptz,
    created_at timestamptz not null default now()
);
create unique index consent_documents_live_kind on consent_documents (kind) where retired_at is null;

create table consent_versions (
    document_id  uuid not null references consent_documents (id),
    version      int not null check (version > 0),
    text_zh      text not null,
    text_en      text not null,
    effective_at timestamptz not null,
    required     boolean not null,
    created_by   text,
    created_at   timestamptz not null default now(),
    primary key (document_id, version)
);
create trigger consent_versions_immutable before update or delete on consent_versions
    for each row execute function refuse_change();

-- The ledger: a grant or a withdrawal is a new row, never an update. Only erasure may blank the row's personal
-- details (address and user agent); everything else stays as proof of what was agreed.
create table consent_records (
    id          bigint generated always as identity primary key,
    patient_id  uuid not null,
    document_id uuid not null,
    version     int not null,
    granted     boolean not null,
    recorded_at timestamptz not null default clock_timestamp(),
    channel     text not null check (channel in ('app', 'mini_program', 'web')),
    client_ip   text,
    user_agent  text,
    foreign key (document_id, version) references consent_versions (document_id, version)
);
create index consent_records_latest on consent_records (patient_id, document_id, id desc);

create function consent_records_guard() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' and new.client_ip is null and new.user_agent is null
            and (new.id, new.patient_id, new.document_id, new.version, new.granted, new.recorded_at, new.channel)
                is not distinct from
                (old.id, old.patient_id, old.document_id, old.version, old.granted, old.recorded_at, old.channel) then
        return new;
    end if;
    raise exception 'consent_records is append-only' using errcode = 'insufficient_privilege';
end $$;
create trigger consent_records_append_only before update or delete on consent_records
    for each row execute function consent_records_guard();
create trigger consent_records_no_truncate before truncate on consent_records
    for each statement execute function refuse_change();
