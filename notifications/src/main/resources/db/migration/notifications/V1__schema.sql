-- The notifications module's schema. Its tables (outbox, deliveries, devices, preferences) arrive with the
-- notifications work; this first version only establishes the schema and its migration history.
comment on schema notifications is 'Outbox, deliveries, devices and preferences of the notifications module';
