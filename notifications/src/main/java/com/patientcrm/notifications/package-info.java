/**
 * Reaching patients: the outbox that every module writes in its own transaction, the dispatcher that claims due
 * rows across instances, the channels (WeChat subscribe messages, FCM, in-app), per-patient preferences and
 * devices, and inbound WeChat messages. It never imports the api module: what it needs from the application
 * (may we contact this patient now? whose WeChat account is this?) it declares as an interface the application
 * implements. What patients write in the mini-program's chat reaches the feedback CRM the same way in reverse: as
 * outbox messages of topic {@code wechat.inbound}, which the CRM consumes with an {@link
 * com.patientcrm.notifications.OutboxHandler} and reads through {@link com.patientcrm.notifications.InboundMessage}.
 */
package com.patientcrm.notifications;
