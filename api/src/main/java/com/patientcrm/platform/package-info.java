/**
 * What every feature stands on: the database (embedded PostgreSQL for the zero-setup run, or an external one),
 * each module's Flyway migrations, RFC 9457 problem responses for every error, the bound on requests in flight that
 * sheds overload, and the start-up report.
 */
package com.patientcrm.platform;
