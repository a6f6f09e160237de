/**
 * Patients: the account holder's own profile and the family members they act for. Phone and national ID numbers
 * are encrypted at rest with keyed hashes for lookups. A patient reaches only self and own family members;
 * anyone else's id answers 404 exactly as a missing one does. {@link com.patientcrm.patients.Patients} is the
 * facade other features use to resolve "who may this account act for".
 */
package com.patientcrm.patients;
