/**
 * The patient's side of the notifications module over HTTP: the in-app inbox, the app installations FCM reaches,
 * and the WeChat subscribe-message acceptances that allow WeChat messages. Every route acts for the signed-in
 * account's own patient record, which receives the messages of the family members it acts for.
 */
package com.patientcrm.inbox;
