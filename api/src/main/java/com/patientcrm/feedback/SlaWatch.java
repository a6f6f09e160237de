package com.patientcrm.feedback;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Flags open tickets whose SLA due time has passed, every {@code sla-check-every}, on every instance (the update
 * flags each ticket once, whichever instance gets there first). A flag is announced on the staff stream.
 */
@Component
class SlaWatch implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SlaWatch.class);

    private final Tickets tickets;
    private final FeedbackProperties properties;
    private volatile Disposable running;

    SlaWatch(Tickets tickets, FeedbackProperties properties) {
        this.tickets = tickets;
        this.properties = properties;
    }

    @Override
    public void start() {
        running = Flux.interval(properties.slaCheckEvery(), properties.slaCheckEvery())
                .onBackpressureDrop()
                .concatMap(tick -> tickets.flagBreaches()
                        .doOnNext(n -> {
                            if (n > 0) {
                                log.info("{} feedback ticket(s) passed their SLA", n);
                            }
                        })
                        .onErrorResume(e -> {
                            log.warn("SLA check failed ({}); trying again next time", e.getClass().getSimpleName());
                            return Mono.empty();
                        }))
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable current = running;
        if (current != null) {
            current.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        Disposable current = running;
        return current != null && !current.isDisposed();
    }
}
