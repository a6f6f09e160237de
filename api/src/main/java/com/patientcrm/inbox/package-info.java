/**
 * The notifications module over HTTP. The patient's side: the in-app inbox, the app installations FCM reaches, and
 * the WeChat subscribe-message acceptances that allow WeChat messages; every such route acts for the signed-in
 * account's own patient record, which receives the messages of the family members it acts for. The staff side: each
 * patient's notification history with every channel attempt, and the resend of a dead letter. And WeChat's message
 * push ({@code /wechat/v1/messages}), which WeChat itself calls with what patients write in the mini-program's chat,
 * signed with the push Token instead of a bearer token.
 */
package com.patientcrm.inbox;
