/**
 * Reaching patients: the outbox that every module writes in its own transaction, the dispatcher that claims due
 * rows across instances, the channels (WeChat subscribe messages, FCM, in-app), per-patient preferences and
 * devices, and inbound WeChat messages. It never imports the api module: what it needs from the application
 * (may we contact this patient now?) it declares as an interface the application implements.
 */
package com.patientcrm.notifications;
