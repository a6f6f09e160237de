-- Outbox messages written from SQL, for a module that stores a change and its messages in one statement (a
-- booking is one call of app.book_appointment). The same insert as Outbox.enqueueAll, from the JSON array that
-- Outbox.json builds: [{topic, dedupeKey, patientId, subjectId, payload, dueAt}]; a dedupe key present already is
-- skipped.
create function notifications.enqueue(messages jsonb) returns void
language sql as $$
    insert into notifications.outbox (id, topic, dedupe_key, patient_id, subject_id, payload, due_at)
    select gen_random_uuid(), m ->> 'topic', m ->> 'dedupeKey', (m ->> 'patientId')::uuid, (m ->> 'subjectId')::uuid,
           m -> 'payload', (m ->> 'dueAt')::timestamptz
    from jsonb_array_elements(messages) as m
    on conflict (dedupe_key) do nothing
$$;
