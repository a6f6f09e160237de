/**
 * Webhooks to the hospital's systems: integration clients register endpoints and the event types they want; each
 * event (appointment booked, cancelled, rescheduled) is written to the outbox in the transaction of the change
 * and delivered by the dispatcher, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature
 * with HMAC-SHA256), retried with exponential back-off, one circuit breaker per endpoint, and every attempt logged
 * for the client to read. {@link com.patientcrm.webhooks.Webhooks} is what other modules call.
 */
package com.patientcrm.webhooks;
