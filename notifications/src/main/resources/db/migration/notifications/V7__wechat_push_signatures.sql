-- In plain mode WeChat's push signature covers the Token, timestamp and nonce, not the body: a signed URL captured in
-- transit could carry another body for as long as its timestamp is accepted (5 minutes). Each signature is bound to
-- the message it first carried; another message under it is refused. Rows older than the window are dropped.
create table wechat_push_signatures (
    signature  text primary key,
    dedupe_key text not null,
    seen_at    timestamptz not null default now()
);
create index wechat_push_signatures_seen on wechat_push_signatures (seen_at);
