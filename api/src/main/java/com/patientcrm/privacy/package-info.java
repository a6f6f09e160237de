/**
 * Privacy: the consent documents and the append-only ledger of what each patient agreed to, the gate that holds
 * every other patient call until the required documents are accepted, the contact check the notifications module
 * asks before each send, and the audit trail of every read of health data and every refused request.
 */
package com.patientcrm.privacy;
