-- Webhook endpoints registered by the hospital's integration clients, and every delivery attempt to them.
-- Secrets are Standard Webhooks secrets (whsec_...), stored encrypted (AES-GCM, FieldCrypto); after a rotation the
-- previous secret keeps signing alongside the new one until previous_secret_expires_at, so receivers can switch
-- over without dropping a message.
create table app.webhook_endpoints (
    id                         uuid primary key,
    client_id                  text not null,
    url                        text not null,
    description                text,
    event_types                text[] not null,
    secret                     bytea not null,
    previous_secret            bytea,
    previous_secret_expires_at timestamptz,
    active                     boolean not null default true,
    disabled_reason            text,
    created_at                 timestamptz not null default now(),
    updated_at                 timestamptz not null default now()
);
create index webhook_endpoints_client on app.webhook_endpoints (client_id, created_at);

-- One row per HTTP attempt. A message is delivered to an endpoint once it has a succeeded row here; the partial
-- unique index keeps that to one row even if a message is ever sent twice (a lease that ran out mid-send).
create table app.webhook_attempts (
    id           bigint generated always as identity primary key,
    message_id   uuid not null,
    endpoint_id  uuid not null references app.webhook_endpoints (id) on delete cascade,
    event_type   text not null,
    attempt      int not null,
    succeeded    boolean not null,
    status_code  int,
    error        text,
    duration_ms  int not null,
    attempted_at timestamptz not null default now()
);
create index webhook_attempts_endpoint on app.webhook_attempts (endpoint_id, id desc);
create unique index webhook_attempts_delivered on app.webhook_attempts (message_id, endpoint_id) where succeeded;
