-- JSON that PostgreSQL renders for the API (slot search): a timestamp as the wall-clock time with offset in an IANA
-- zone, written exactly as the API writes an OffsetDateTime (Java's DateTimeFormatter.ISO_OFFSET_DATE_TIME: seconds
-- always, a fraction only when it is not zero and without trailing zeros, "Z" for offset zero). Plain SQL
-- expressions, so that PostgreSQL inlines them into the query.
create function app.iso_offset(seconds int) returns text
language sql immutable parallel safe as $$
    select case when seconds = 0 then 'Z'
                else case when seconds < 0 then '-' else '+' end || lpad((abs(seconds) / 3600)::text, 2, '0') || ':'
                     || lpad((abs(seconds) % 3600 / 60)::text, 2, '0') end
$$;

create function app.iso_local(t timestamptz, zone text) returns text
language sql stable parallel safe as $$
    select to_char(t at time zone zone, 'YYYY-MM-DD"T"HH24:MI:SS')
           || coalesce('.' || nullif(rtrim(to_char(t at time zone zone, 'US'), '0'), ''), '')
           || app.iso_offset(extract(epoch from (t at time zone zone) - (t at time zone 'UTC'))::int)
$$;
