-- Patients: an account's own record (account_id set) and the family members it acts for (account_id null,
-- reached through family_links). Phone and national ID numbers are AES-GCM ciphertext plus a keyed hash for
-- lookups; neither is ever stored or indexed in clear.

create table patients (
    id                          uuid primary key,
    account_id                  uuid unique,
    name                        text,
    gender                      text check (gender in ('male', 'female', 'other', 'unknown')),
    birth_date                  date,
    phone_enc                   bytea,
    phone_hash                  bytea,
    national_id_enc             bytea,
    national_id_hash            bytea,
    address                     text,
    emergency_contact_name      text,
    emergency_contact_phone_enc bytea,
    emergency_contact_relation  text,
    created_at                  timestamptz not null default now(),
    updated_at                  timestamptz not null default now()
);
create index patients_phone_hash on patients (phone_hash);
-- The real person behind any number of accounts and family links: what booking limits count by.
create index patients_national_id_hash on patients (national_id_hash);

create table family_links (
    owner_patient_id uuid not null references patients (id) on delete cascade,
    member_id        uuid not null references patients (id) on delete cascade,
    relationship     text not null,
    created_at       timestamptz not null default now(),
    primary key (owner_patient_id, member_id)
);
create index family_links_member on family_links (member_id);
