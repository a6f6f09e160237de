-- A send looks up the credit its message took in an earlier attempt (to resume it rather than spend another):
-- without this index that was a scan of every credit ever granted, once per WeChat message.
create index wechat_credits_used_by on wechat_credits (used_by) where used_by is not null;
