package com.patientcrm.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What BlockHound may let through on event-loop threads, each with its reason. Everything else that blocks on a
 * Netty or Reactor thread fails the test that triggered it.
 */
public class BlockHoundAllowances implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        // SecureRandom (UUIDs, nonces, ECDSA signatures) reads /dev/urandom, which never waits for entropy on
        // Linux: a few microseconds of a read syscall, not a blocking wait.
        builder.allowBlockingCallsInside("sun.security.provider.NativePRNG$RandomIO", "implNextBytes");
        // Hibernate Validator loads its message bundle from the jar once, on the first violation; cached after.
        builder.allowBlockingCallsInside("org.hibernate.validator.resourceloading.PlatformResourceBundleLocator",
                "loadBundle");
        // Jackson guards the first construction of a type's deserializer with a lock; concurrent first requests of
        // one type may wait microseconds for each other, once per type for the life of the JVM.
        builder.allowBlockingCallsInside("tools.jackson.databind.deser.DeserializerCache",
                "_createAndCacheValueDeserializer");
        // Hibernate Validator caches each class's constraint metadata in a segmented map whose writes take the
        // segment's lock: two first requests to one controller method may wait microseconds for each other's
        // in-memory put, once per class for the life of the JVM (seen as a rare 500 on parallel first reschedules).
        builder.allowBlockingCallsInside("org.hibernate.validator.internal.util.ConcurrentReferenceHashMap$Segment",
                "put");
        // Netty 4.2's adaptive buffer allocator takes a magazine's StampedLock when it grows its magazines; on a busy
        // machine two event loops may wait microseconds for it (Netty's own BlockHound integration allows only the
        // allocator's thread-local setup). Seen failing an R2DBC read in DispatcherIntegrationTests under load.
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
        // Resilience4j 2.4 guards each circuit breaker's sliding window (and its open-to-half-open move) with a
        // ReentrantLock held for a few array updates; deliveries finishing at once on two event loops may wait
        // microseconds for each other. Seen failing one of three concurrent webhooks to one endpoint in CI.
        builder.allowBlockingCallsInside("io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics", "record");
        builder.allowBlockingCallsInside("io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics",
                "getSnapshot");
        builder.allowBlockingCallsInside("io.github.resilience4j.core.metrics.SlidingTimeWindowMetrics", "record");
        builder.allowBlockingCallsInside("io.github.resilience4j.core.metrics.SlidingTimeWindowMetrics",
                "getSnapshot");
        builder.allowBlockingCallsInside(
                "io.github.resilience4j.circuitbreaker.internal.CircuitBreakerStateMachine$OpenState", "toHalfOpenState");
        // Test classpath only: mock-oauth2-server brings kotlin-reflect, which Jackson then uses; its one-time
        // static initialiser scans the class path. A failure there would poison the class for the whole JVM.
        builder.allowBlockingCallsInside("kotlin.reflect.jvm.internal.impl.resolve.OverridingUtil", "<clinit>");
    }
}
