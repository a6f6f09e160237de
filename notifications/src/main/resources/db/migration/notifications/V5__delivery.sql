-- Delivery: what the patient reads in the app, where pushes can reach them, and what happened on each channel.
-- Rows are keyed by the recipient: the patient record of the account that receives (a family member's messages go
-- to the account holder who acts for them). No foreign keys into the application's schema (see V4).

-- The in-app inbox: every notification delivered, readable in the app. One row per outbox message, so a message
-- attempted again (a crash, a deferral) never appears twice.
create table inbox (
    id           uuid primary key,
    outbox_id    uuid not null unique,
    recipient_id uuid not null,
    patient_id   uuid not null,
    category     text not null,
    title        text not null,
    body         text not null,
    deep_link    text,
    created_at   timestamptz not null default clock_timestamp(),
    read_at      timestamptz
);
create index inbox_recipient on inbox (recipient_id, created_at desc, id desc);
create index inbox_unread on inbox (recipient_id) where read_at is null;

-- App installations for FCM. A registration token belongs to one installation; registering it again (another
-- account signed in on the phone) moves it. UNREGISTERED or invalid tokens are deactivated at once.
create table devices (
    id            uuid primary key,
    recipient_id  uuid not null,
    token         text not null unique,
    platform      text not null check (platform in ('android', 'ios', 'web')),
    app_version   text,
    active        boolean not null default true,
    inactive_reason text,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    last_sent_at  timestamptz
);
create index devices_recipient on devices (recipient_id) where active;

-- WeChat subscribe-message credits: each "accept" the mini-program's requestSubscribeMessage returned allows one
-- message with that template. A send takes the oldest unused credit; no credit, no WeChat message.
create table wechat_credits (
    id           bigint generated always as identity primary key,
    recipient_id uuid not null,
    template_id  text not null,
    granted_at   timestamptz not null default now(),
    used_at      timestamptz,
    used_by      uuid
);
create index wechat_credits_unused on wechat_credits (recipient_id, template_id, id) where used_at is null;

-- Every attempt on a channel, for staff views, the integration engineers and the patient's export. The target is
-- a device id or the word 'openid', never a token or an openid.
create table deliveries (
    id           bigint generated always as identity primary key,
    outbox_id    uuid not null,
    channel      text not null check (channel in ('wechat', 'app_push', 'in_app')),
    target       text,
    status       text not null check (status in ('sent', 'failed', 'skipped', 'logged')),
    detail       text,
    provider_id  text,
    attempted_at timestamptz not null default clock_timestamp()
);
create index deliveries_outbox on deliveries (outbox_id, id);
-- At most one successful send per message, channel and target: a retry after a crash finds it and sends nothing.
create unique index deliveries_once on deliveries (outbox_id, channel, coalesce(target, '')) where status in ('sent', 'logged');
