-- Satisfaction surveys. A survey keeps its id and code; every edit stores a new numbered version (questions, trigger,
-- limits), and an invitation stays on the version it was created from, so its questions never change under the
-- patient. Answers are one row per question (scores and choices queryable in SQL for NPS/CSAT).
create table app.surveys (
    id          uuid primary key,
    code        text not null unique check (code ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    version     int not null check (version >= 1),
    active      boolean not null,
    created_by  text,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);

create table app.survey_versions (
    survey_id             uuid not null references app.surveys (id),
    version               int not null check (version >= 1),
    title                 text not null,
    questions             jsonb not null,
    trigger_event         text not null check (trigger_event in ('appointment.completed')),
    trigger_department_id uuid references app.departments (id),
    delay_minutes         int not null check (delay_minutes between 0 and 43200),
    recontact_days        int not null check (recontact_days between 0 and 3650),
    valid_days            int not null check (valid_days between 1 and 365),
    created_by            text,
    created_at            timestamptz not null default now(),
    primary key (survey_id, version)
);

-- One invitation per survey and visit, whatever the retries. patient_id and appointment_id become null when the
-- patient's data is erased (the scores stay, anonymous, for the statistics).
create table app.survey_invitations (
    id             uuid primary key,
    survey_id      uuid not null references app.surveys (id),
    survey_version int not null,
    patient_id     uuid references app.patients (id),
    appointment_id uuid references app.appointments (id),
    department_id  uuid references app.departments (id),
    doctor_id      uuid references app.doctors (id),
    completed_at   timestamptz not null,
    due_at         timestamptz not null,
    expires_at     timestamptz not null,
    submitted_at   timestamptz,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    foreign key (survey_id, survey_version) references app.survey_versions (survey_id, version),
    constraint survey_invitations_one_per_visit unique (survey_id, appointment_id),
    constraint survey_invitations_expire_after_due check (expires_at > due_at)
);
-- The patient's invitations (pending list, recontact check, export, erasure).
create index survey_invitations_patient on app.survey_invitations (patient_id, due_at);
-- Analytics read submitted invitations by submission time, grouped by department or doctor.
create index survey_invitations_submitted on app.survey_invitations (submitted_at)
    include (department_id, doctor_id) where submitted_at is not null;

create table app.survey_answers (
    invitation_id uuid not null references app.survey_invitations (id) on delete cascade,
    question_id   text not null,
    type          text not null check (type in ('nps', 'rating', 'single_choice', 'multiple_choice', 'text')),
    score         int check (score between 0 and 10),
    choices       text[],
    text          text check (length(text) <= 2000),
    updated_at    timestamptz not null default now(),
    primary key (invitation_id, question_id)
);
-- NPS and CSAT read the scores of one type per invitation.
create index survey_answers_scores on app.survey_answers (type, invitation_id) include (score)
    where type in ('nps', 'rating');
