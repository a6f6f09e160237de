-- Lab (LIS) and imaging (PACS) reports the hospital pushes, by its own report id. A push applies only when its
-- version is newer than the stored one, so replays and out-of-order pushes never roll a report back. Every applied
-- version is kept whole (content as jsonb) in report_versions: the patient sees the latest and can read the history.
-- reports holds what lists and counts need (the latest version's metadata and its abnormal counts).
create table app.reports (
    id               uuid primary key,
    external_id      text not null unique,
    patient_id       uuid not null references app.patients (id),
    appointment_id   uuid references app.appointments (id),
    department_id    uuid references app.departments (id),
    kind             text not null check (kind in ('LAB', 'IMAGING')),
    title            text not null,
    status           text not null check (status in ('PRELIMINARY', 'FINAL', 'AMENDED', 'CANCELLED')),
    issued_at        timestamptz not null,
    source_version   bigint not null,
    abnormal_count   int not null default 0,
    critical         boolean not null default false,
    version_count    int not null default 1,
    -- When a version replaced one the patient could already read (FINAL or AMENDED); null while never amended.
    amended_at       timestamptz,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
-- The patient's list: newest issued first, keyed for cursor paging.
create index reports_patient on app.reports (patient_id, issued_at desc, id desc);

create table app.report_versions (
    report_id      uuid not null references app.reports (id) on delete cascade,
    source_version bigint not null,
    status         text not null,
    title          text not null,
    issued_at      timestamptz not null,
    -- {"items": [...]} for a lab report, {"imaging": {...}} for an imaging one: exactly what was pushed.
    content        jsonb not null,
    abnormal_count int not null,
    critical       boolean not null,
    received_at    timestamptz not null default now(),
    primary key (report_id, source_version)
);

-- One PDF per report (a new upload replaces it), tied to the report version current when it was uploaded.
create table app.report_pdfs (
    report_id      uuid primary key references app.reports (id) on delete cascade,
    source_version bigint not null,
    content        bytea not null,
    size_bytes     int not null,
    sha256         text not null,
    uploaded_at    timestamptz not null default now()
);
