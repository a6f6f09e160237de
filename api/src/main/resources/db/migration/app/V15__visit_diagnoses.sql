-- The diagnoses the hospital records for a completed visit (ICD-10 codes), as its HIS reports the outcome: what the
-- health-education feed matches articles against, beside care plans' conditions. Kept with the appointment, as part
-- of the record of care.
alter table appointments add column diagnosis_codes text[] not null default '{}';
