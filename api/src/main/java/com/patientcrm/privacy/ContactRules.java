package com.patientcrm.privacy;

import com.patientcrm.notifications.Category;
import com.patientcrm.notifications.Channel;
import com.patientcrm.notifications.ContactDecision;
import com.patientcrm.notifications.ContactPolicy;
import com.patientcrm.notifications.ContactPreferences;
import com.patientcrm.notifications.Preferences;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The one place that decides whether a patient may be contacted, in this order:
 * <ol>
 * <li>Critical categories (a changed or cancelled appointment) always go out, at any hour: the patient needs them
 * to keep the appointment they contracted for (PIPL Art. 13(2)), and they cannot be muted.</li>
 * <li>Anything else needs the required documents accepted in their current version; a withdrawal stops it at once.</li>
 * <li>Marketing additionally needs a granted, current marketing consent.</li>
 * <li>The patient's opt-in for the category on that channel.</li>
 * <li>Quiet hours defer push channels (WeChat, app push) to the window's end; the in-app inbox is silent and is not held.</li>
 * </ol>
 * Messages about a family member are governed by the account holder who acts for them: their consent, their
 * preferences, their quiet hours.
 */
@Component
class ContactRules implements ContactPolicy {

    private final DatabaseClient db;
    private final ConsentLedger ledger;
    private final ConsentCatalog catalog;
    private final Preferences preferences;

    ContactRules(DatabaseClient db, ConsentLedger ledger, ConsentCatalog catalog, Preferences preferences) {
        this.db = db;
        this.ledger = ledger;
        this.catalog = catalog;
        this.preferences = preferences;
    }

    @Override
    public Mono<ContactDecision> mayContact(UUID patientId, Category category, Channel channel, Instant at) {
        return mayContactOn(patientId, category, at).map(decisions -> decisions.get(channel));
    }

    /** One look at the holder, their consents and their preferences decides every channel. */
    @Override
    public Mono<Map<Channel, ContactDecision>> mayContactOn(UUID patientId, Category category, Instant at) {
        if (category.critical()) {
            return Mono.just(every(channel -> ContactDecision.allow()));
        }
        return holder(patientId).flatMap(holder -> catalog.current(at).flatMap(current -> {
            List<ConsentCatalog.Row> required = current.stream().filter(ConsentCatalog.Row::required).toList();
            Optional<ConsentCatalog.Row> marketing = current.stream().filter(r -> r.kind().equals("marketing")).findFirst();
            UUID[] documents = current.stream().map(ConsentCatalog.Row::documentId).toArray(UUID[]::new);
            // With no document in force there is no ledger to read.
            Mono<Map<UUID, ConsentLedger.Latest>> latest = documents.length == 0 ? Mono.just(Map.of())
                    : ledger.latest(":owner", holder, documents);
            return latest.zipWith(preferences.effective(holder)).map(both -> every(channel ->
                    decide(category, channel, at, required, marketing, both.getT1(), both.getT2())));
        })).defaultIfEmpty(every(channel -> ContactDecision.deny("no-patient")));
    }

    /**
     * The same decisions for a batch of messages, with one statement each for the holders, their consents and their
     * preferences, however many patients are asked about.
     */
    @Override
    public Mono<Map<Ask, Map<Channel, ContactDecision>>> mayContactOnAll(Collection<Ask> asks, Instant at) {
        Map<Ask, Map<Channel, ContactDecision>> answers = new HashMap<>();
        List<Ask> open = new ArrayList<>();
        for (Ask ask : asks) {
            if (ask.category().critical()) {
                answers.put(ask, every(channel -> ContactDecision.allow()));
            } else {
                open.add(ask);
            }
        }
        if (open.isEmpty()) {
            return Mono.just(answers);
        }
        UUID[] patients = open.stream().map(Ask::patientId).distinct().toArray(UUID[]::new);
        return holders(patients).flatMap(holders -> catalog.current(at).flatMap(current -> {
            List<ConsentCatalog.Row> required = current.stream().filter(ConsentCatalog.Row::required).toList();
            Optional<ConsentCatalog.Row> marketing = current.stream().filter(r -> r.kind().equals("marketing")).findFirst();
            UUID[] documents = current.stream().map(ConsentCatalog.Row::documentId).toArray(UUID[]::new);
            UUID[] holderIds = holders.values().stream().distinct().toArray(UUID[]::new);
            Mono<Map<UUID, Map<UUID, ConsentLedger.Latest>>> latest = documents.length == 0 || holderIds.length == 0
                    ? Mono.just(Map.of()) : ledger.latestAll(holderIds, documents);
            Mono<Map<UUID, ContactPreferences>> settings = holderIds.length == 0 ? Mono.just(Map.of())
                    : preferences.effectiveAll(List.of(holderIds));
            return latest.zipWith(settings).map(both -> {
                for (Ask ask : open) {
                    UUID holder = holders.get(ask.patientId());
                    answers.put(ask, holder == null ? every(channel -> ContactDecision.deny("no-patient"))
                            : every(channel -> decide(ask.category(), channel, at, required, marketing,
                                    both.getT1().getOrDefault(holder, Map.of()), both.getT2().get(holder))));
                }
                return answers;
            });
        }));
    }

    /** Each patient's acting holder; a patient with none (erased) is absent. */
    private Mono<Map<UUID, UUID>> holders(UUID[] patients) {
        return db.sql("select ask.id as patient, " + ConsentLedger.ACTING_HOLDER.replace(":owner", "ask.id")
                        + " as holder from unnest(cast(:patients as uuid[])) as ask(id)")
                .bind("patients", patients)
                .map(row -> new UUID[] {row.get("patient", UUID.class), row.get("holder", UUID.class)})
                .all()
                .filter(pair -> pair[1] != null)
                .collectMap(pair -> pair[0], pair -> pair[1]);
    }

    private static Map<Channel, ContactDecision> every(java.util.function.Function<Channel, ContactDecision> decision) {
        Map<Channel, ContactDecision> decisions = new EnumMap<>(Channel.class);
        for (Channel channel : Channel.values()) {
            decisions.put(channel, decision.apply(channel));
        }
        return decisions;
    }

    private static ContactDecision decide(Category category, Channel channel, Instant at,
                                          List<ConsentCatalog.Row> required, Optional<ConsentCatalog.Row> marketing,
                                          Map<UUID, ConsentLedger.Latest> latest, ContactPreferences settings) {
        for (ConsentCatalog.Row row : required) {
            if (!accepted(row, latest)) {
                return ContactDecision.deny("no-consent");
            }
        }
        if (category == Category.MARKETING && (marketing.isEmpty() || !accepted(marketing.get(), latest))) {
            return ContactDecision.deny("no-marketing-consent");
        }
        if (!settings.optedIn(category, channel)) {
            return ContactDecision.deny("opted-out");
        }
        if (channel != Channel.IN_APP) {
            Optional<Instant> until = settings.quietHours().deferUntil(at);
            if (until.isPresent()) {
                return ContactDecision.defer(until.get(), "quiet-hours");
            }
        }
        return ContactDecision.allow();
    }

    private static boolean accepted(ConsentCatalog.Row row, Map<UUID, ConsentLedger.Latest> latest) {
        ConsentLedger.Latest decision = latest.get(row.documentId());
        return decision != null && decision.granted() && decision.version() == row.version();
    }

    /** The account holder whose wishes govern this patient: the patient, if they have an account, else who acts for them. */
    private Mono<UUID> holder(UUID patientId) {
        return db.sql("select " + ConsentLedger.ACTING_HOLDER.replace(":owner", ":patient") + " as holder")
                .bind("patient", patientId)
                .map(row -> Optional.ofNullable(row.get("holder", UUID.class)))
                .one()
                .flatMap(Mono::justOrEmpty);
    }
}
