package com.patientcrm.notifications;

import java.util.UUID;

/**
 * Who receives a patient's messages: the patient record of the account that acts for them (the patient themself,
 * or the account holder for a family member), and that account's WeChat openid for the mini-program, if any.
 */
public record Recipient(UUID patientId, String wechatOpenId) {}
