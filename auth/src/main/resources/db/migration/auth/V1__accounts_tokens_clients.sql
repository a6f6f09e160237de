-- Identities and credentials. Phone numbers appear only as keyed hashes here;
-- the readable (encrypted) phone lives with the patient profile in the app schema.

create table patient_accounts (
    id          uuid primary key,
    status      text not null default 'active' check (status in ('active', 'merged', 'erased')),
    merged_into uuid references patient_accounts (id),
    created_at  timestamptz not null default now()
);

create table wechat_identities (
    appid      text not null,
    openid     text not null,
    unionid    text,
    account_id uuid not null references patient_accounts (id),
    created_at timestamptz not null default now(),
    primary key (appid, openid)
);
create index wechat_identities_account on wechat_identities (account_id);
create index wechat_identities_unionid on wechat_identities (unionid) where unionid is not null;

-- One verified phone per account and one account per phone: this is what makes a WeChat account
-- and an app account that prove the same phone resolve to one patient.
create table phone_identities (
    phone_hash  bytea primary key,
    account_id  uuid not null unique references patient_accounts (id),
    verified_at timestamptz not null default now()
);

create table otp_challenges (
    id          uuid primary key,
    phone_hash  bytea not null,
    code_hash   bytea not null,
    expires_at  timestamptz not null,
    attempts    int not null default 0,
    consumed_at timestamptz,
    created_at  timestamptz not null default now()
);
create index otp_challenges_phone on otp_challenges (phone_hash, created_at desc);

create table staff_accounts (
    id            uuid primary key,
    username      text not null unique,
    password_hash text not null,
    display_name  text,
    roles         text[] not null,
    enabled       boolean not null default true,
    created_at    timestamptz not null default now()
);

create table clients (
    client_id   text primary key,
    secret_hash text not null,
    scopes      text[] not null,
    name        text,
    enabled     boolean not null default true,
    created_at  timestamptz not null default now()
);

-- Opaque refresh tokens, stored as SHA-256 hashes. Each use rotates the token; presenting a rotated
-- token again revokes the whole family (RFC 9700 section 4.14.2).
create table refresh_tokens (
    id           uuid primary key,
    family_id    uuid not null,
    subject_kind text not null check (subject_kind in ('patient', 'staff')),
    subject_id   uuid not null,
    token_hash   bytea not null unique,
    status       text not null default 'active' check (status in ('active', 'rotated', 'revoked')),
    expires_at   timestamptz not null,
    created_at   timestamptz not null default now(),
    used_at      timestamptz
);
create index refresh_tokens_family on refresh_tokens (family_id);
create index refresh_tokens_subject on refresh_tokens (subject_kind, subject_id);

-- Fixed-window counters shared by every instance (login, OTP and token endpoints).
-- Bucket names carry hashes, never a phone number or an IP address in clear.
create table rate_limit_windows (
    bucket       text not null,
    window_start timestamptz not null,
    hits         int not null,
    primary key (bucket, window_start)
);
