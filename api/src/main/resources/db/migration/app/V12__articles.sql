-- Health education: articles staff write (Markdown kept as written, sanitised HTML rendered once on write so reads
-- are cheap), what patients declare an interest in, what they read, and campaigns that push an article to a
-- segment of patients through the notifications outbox.
--
-- An article is aimed through its tags: condition codes (ICD-10 prefixes, e.g. E11 matches E11.9; O matches every
-- pregnancy code), departments, free topic tags (matched with patients' declared interests), and an age range and
-- sex that exclude everybody outside them.
create table app.articles (
    id              uuid primary key,
    title           text not null check (char_length(title) between 1 and 200),
    summary         text check (char_length(summary) <= 1000),
    body_markdown   text not null,
    body_html       text not null,
    cover_url       text check (cover_url like 'https://%'),
    tags            text[] not null default '{}',
    condition_codes text[] not null default '{}',
    department_ids  uuid[] not null default '{}',
    age_min         int check (age_min between 0 and 150),
    age_max         int check (age_max between 0 and 150),
    sex             text check (sex in ('male', 'female')),
    status          text not null check (status in ('DRAFT', 'PUBLISHED', 'UNPUBLISHED')),
    -- Bumped by every change (edit, publish, unpublish): an edit must name the version it was made on.
    version         int not null default 1,
    -- Set on the first publication and kept: freshness counts from when patients could first read it.
    published_at    timestamptz,
    created_by      text not null,
    updated_by      text not null,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint articles_age_range check (age_min is null or age_max is null or age_min <= age_max),
    constraint articles_published_has_time check (status = 'DRAFT' or published_at is not null)
);
create index articles_published on app.articles (published_at desc, id desc) where status = 'PUBLISHED';
create index articles_staff_list on app.articles (updated_at desc, id desc);
create index articles_tags on app.articles using gin (tags);

-- Topics and condition prefixes a patient asked to hear about (GET/PUT /api/v1/me/interests).
create table app.patient_interests (
    patient_id uuid not null references app.patients (id),
    tag        text not null,
    created_at timestamptz not null default now(),
    primary key (patient_id, tag)
);

-- One row per patient and article: the first read (POST /api/v1/articles/{id}/read is idempotent).
create table app.article_reads (
    article_id uuid not null references app.articles (id),
    patient_id uuid not null references app.patients (id),
    read_at    timestamptz not null default now(),
    primary key (patient_id, article_id)
);
create index article_reads_article on app.article_reads (article_id, read_at);

-- A push of an article to a segment. The recipients are the campaign's outbox messages (subject_id = campaign id,
-- topic campaign.article); targeted and skipped are counted when the campaign is created.
create table app.campaigns (
    id         uuid primary key,
    article_id uuid not null references app.articles (id),
    category   text not null check (category in ('health_education', 'marketing')),
    segment    jsonb not null,
    targeted   int not null,
    skipped    jsonb not null,
    created_by text not null,
    created_at timestamptz not null default now()
);
create index campaigns_article on app.campaigns (article_id);

-- Who a campaign reached for (one row per targeted patient, written with its outbox message): what "read" counts.
create table app.campaign_recipients (
    campaign_id uuid not null references app.campaigns (id),
    patient_id  uuid not null references app.patients (id),
    primary key (campaign_id, patient_id)
);
create index campaign_recipients_patient on app.campaign_recipients (patient_id);
