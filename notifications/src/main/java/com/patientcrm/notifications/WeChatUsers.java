package com.patientcrm.notifications;

import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * Finds the patient behind a WeChat user of the mini-program, for inbound messages; implemented by the application,
 * which owns accounts and their patient records. Empty when the openid belongs to no account here (never signed in,
 * or erased).
 */
public interface WeChatUsers {

    Mono<UUID> patientFor(String appid, String openid);
}
