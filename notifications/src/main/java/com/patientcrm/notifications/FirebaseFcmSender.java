package com.patientcrm.notifications;

import com.google.api.core.ApiFutureCallback;
import com.google.api.core.ApiFutures;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.firebase.messaging.AndroidConfig;
import com.google.firebase.messaging.ApnsConfig;
import com.google.firebase.messaging.Aps;
import com.google.firebase.messaging.FirebaseMessaging;
import com.google.firebase.messaging.FirebaseMessagingException;
import com.google.firebase.messaging.Message;
import com.google.firebase.messaging.MessagingErrorCode;
import com.google.firebase.messaging.Notification;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * App pushes through the Firebase Admin SDK's asynchronous send (submitted from boundedElastic, completed on the
 * SDK's own threads, never blocking Reactor's). A dead or foreign token (UNREGISTERED, SENDER_ID_MISMATCH, INVALID_ARGUMENT) is reported as such so the
 * device is deactivated; quota and availability errors are transient, honouring {@code Retry-After}. The breaker
 * counts only failures that say FCM is in trouble.
 */
final class FirebaseFcmSender implements FcmSender, AutoCloseable {

    private final com.google.firebase.FirebaseApp app;
    private final FirebaseMessaging fcm;
    private final Duration timeout;
    private final ProviderGuard guard;
    private final Clock clock;

    FirebaseFcmSender(com.google.firebase.FirebaseApp app, FirebaseMessaging fcm, Duration timeout, ProviderGuard guard, Clock clock) {
        this.app = app;
        this.fcm = fcm;
        this.timeout = timeout;
        this.guard = guard;
        this.clock = clock;
    }

    @Override
    public Mono<SendOutcome> send(String token, String title, String body, Map<String, String> data) {
        Message message = message(token, title, body, data);
        return Mono.<String>create(sink -> ApiFutures.addCallback(fcm.sendAsync(message), new ApiFutureCallback<>() {
                    @Override
                    public void onSuccess(String name) {
                        sink.success(name);
                    }

                    @Override
                    public void onFailure(Throwable t) {
                        sink.error(t);
                    }
                }, MoreExecutors.directExecutor()))
                // Submitting may block (the SDK loads and builds its request, refreshes credentials): not on an event loop.
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(timeout.plusSeconds(1))
                .transform(guard::protect)
                .map(SendOutcome::sent)
                .onErrorResume(e -> Mono.just(classify(e)));
    }

    /** Releases the SDK's threads and connections when the application stops. */
    @Override
    public void close() {
        app.delete();
    }

    @SuppressWarnings("deprecation") // setToken: app registration tokens still go in `token` (setFid is for FIDs).
    private static Message message(String token, String title, String body, Map<String, String> data) {
        AndroidConfig.Builder android = AndroidConfig.builder().setPriority(AndroidConfig.Priority.HIGH);
        ApnsConfig.Builder apns = ApnsConfig.builder().setAps(Aps.builder().setSound("default").build());
        String messageId = data.get("messageId");
        if (messageId != null) {
            // A send that timed out may have reached FCM, and its retry reaches it again: the same tag (Android) and
            // collapse id (APNs) make the phone show the second copy in place of the first, never twice.
            android.setNotification(com.google.firebase.messaging.AndroidNotification.builder().setTag(messageId).build());
            apns.putHeader("apns-collapse-id", messageId);
        }
        return Message.builder()
                .setToken(token)
                .setNotification(Notification.builder().setTitle(title).setBody(body).build())
                .putAllData(data)
                .setAndroidConfig(android.build())
                .setApnsConfig(apns.build())
                .build();
    }

    private SendOutcome classify(Throwable e) {
        SendOutcome refused = guard.refused(e);
        if (refused != null) {
            return refused;
        }
        if (e instanceof FirebaseMessagingException error && error.getMessagingErrorCode() != null) {
            MessagingErrorCode code = error.getMessagingErrorCode();
            return switch (code) {
                case UNREGISTERED, SENDER_ID_MISMATCH, INVALID_ARGUMENT -> SendOutcome.invalidTarget("FCM " + code);
                default -> SendOutcome.transientFailure("FCM " + code, retryAfter(error));
            };
        }
        if (e instanceof FirebaseMessagingException error) {
            return SendOutcome.transientFailure("FCM " + error.getErrorCode(), retryAfter(error));
        }
        if (e instanceof TimeoutException) {
            return SendOutcome.transientFailure("FCM did not answer in time", null);
        }
        return SendOutcome.transientFailure("FCM call failed: " + e.getClass().getSimpleName(), null);
    }

    private Instant retryAfter(FirebaseMessagingException error) {
        if (error.getHttpResponse() == null) {
            return null;
        }
        Object header = error.getHttpResponse().getHeaders().get("retry-after");
        Object value = header instanceof List<?> list && !list.isEmpty() ? list.get(0) : header;
        try {
            long seconds = value == null ? -1 : Long.parseLong(value.toString().trim());
            return seconds > 0 && seconds <= 86_400 ? clock.instant().plusSeconds(seconds) : null;
        } catch (NumberFormatException notSeconds) {
            return null;
        }
    }

    /** A failure that says FCM (or our credentials for it) is in trouble, which is what the breaker counts. */
    static boolean troubled(Throwable e) {
        if (e instanceof FirebaseMessagingException error && error.getMessagingErrorCode() != null) {
            return switch (error.getMessagingErrorCode()) {
                case UNREGISTERED, SENDER_ID_MISMATCH, INVALID_ARGUMENT -> false;
                default -> true;
            };
        }
        return true;
    }
}
