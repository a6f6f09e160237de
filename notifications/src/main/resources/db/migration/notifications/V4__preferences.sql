-- Patients' contact settings. Only explicit choices are stored: a null column, or an opt-in key that is absent,
-- means "the default", so a changed default reaches everyone who never chose. opt_ins is a flat object with one
-- "category.channel" key per choice, so that a PATCH merges with || in a single upsert (no read-modify-write race
-- between two devices). Quiet hours are stored whole or not at all. No foreign key to the patients table: the
-- notifications module does not know the application's schema; erasure deletes the row through the facade.
create table contact_preferences (
    patient_id        uuid primary key,
    opt_ins           jsonb not null default '{}' check (jsonb_typeof(opt_ins) = 'object'),
    quiet_enabled     boolean,
    quiet_start       time,
    quiet_end         time,
    quiet_zone        text,
    language          text check (language in ('zh-CN', 'en')),
    visit_time        text check (visit_time in ('any', 'morning', 'afternoon', 'evening')),
    preferred_doctors uuid[] check (cardinality(preferred_doctors) <= 20),
    updated_at        timestamptz not null default now(),
    constraint contact_preferences_quiet_whole check (num_nulls(quiet_enabled, quiet_start, quiet_end, quiet_zone) in (0, 4))
);
