/**
 * Who is calling: patient accounts (WeChat mini-program login, phone one-time codes), staff (built-in
 * accounts or the hospital's OIDC issuer) and hospital systems (OAuth2 client credentials). Issues our
 * RS256 access tokens and rotating refresh tokens, validates every bearer token, and holds the access
 * rules for the three path families. It knows nothing of patients' profiles: where it needs the
 * application, it declares a small interface ({@link com.patientcrm.auth.PatientAccountEvents}) that the
 * api module implements. {@link com.patientcrm.auth.FieldCrypto} encrypts and hashes sensitive
 * identifiers for every module.
 */
package com.patientcrm.auth;
