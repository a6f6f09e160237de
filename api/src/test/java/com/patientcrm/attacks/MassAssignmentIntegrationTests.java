package com.patientcrm.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.attacks.Matrix.Case;
import com.patientcrm.attacks.Matrix.Entry;
import com.patientcrm.attacks.Matrix.Op;
import com.patientcrm.support.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Mass assignment, per write route of the contract: the valid body plus, one at a time, each field a caller must not
 * set (owner, status, role, scope, ids, times, counts, versions, assignee...) that the route does not declare. Each
 * is either refused (400 naming the field, nothing written) or ignored (2xx, and the answer shows none of the values
 * sent). Then the valid body alone succeeds, which shows the refusals were about the extra field. Routes without a
 * body get the extra fields as one, and must ignore them. Write routes with an id use the access matrix's objects;
 * the rest {@link WriteEntries}; three speak other formats and have their own tests ({@link SpecialWritesIntegrationTests}).
 * A write route in the contract with none of these fails {@link #everyWriteRouteHasAnEntry()}.
 */
class MassAssignmentIntegrationTests extends IntegrationTest {

    static final UUID SENTINEL = UUID.fromString("5e471ce1-0000-4000-8000-00000000a77c");
    static final String LONG_AGO = "2000-01-01T00:00:00Z";
    private static final AtomicInteger IPS = new AtomicInteger();
    private static final Probe.Stats STATS = new Probe.Stats();
    private static final AtomicInteger REJECTED = new AtomicInteger();
    private static final AtomicInteger IGNORED = new AtomicInteger();
    private static final Set<String> COVERED = new TreeSet<>();

    /** What an attacker adds: values that would matter if taken (the stranger's patient id, an admin role...). */
    static Map<String, Object> extras(UUID victim) {
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("patientId", victim);
        extras.put("accountId", victim);
        extras.put("id", SENTINEL);
        extras.put("status", "COMPLETED");
        extras.put("role", "ADMIN");
        extras.put("roles", List.of("ADMIN"));
        extras.put("kind", "staff");
        extras.put("scope", "webhooks fhir");
        extras.put("clientId", Fixtures.OTHER_CLIENT);
        extras.put("createdAt", LONG_AGO);
        extras.put("updatedAt", LONG_AGO);
        extras.put("effectiveAt", LONG_AGO);
        extras.put("expiresAt", LONG_AGO);
        extras.put("bookedCount", 999);
        extras.put("booked", 999);
        extras.put("capacity", 999);
        extras.put("version", 999999);
        extras.put("assignee", "attacker");
        extras.put("priority", "URGENT");
        extras.put("personKey", "attacker");
        extras.put("secret", "whsec_attacker");
        return extras;
    }

    @Test
    void everyWriteRouteHasAnEntry() {
        Set<String> covered = new TreeSet<>(idWrites());
        WriteEntries.all().forEach(write -> covered.add(write.operation()));
        covered.addAll(SpecialWritesIntegrationTests.OPERATIONS);
        Set<String> missing = new TreeSet<>(Contract.writes());
        missing.removeAll(covered);
        assertThat(missing).as("write routes in openapi.yaml with no mass-assignment entry (add one to attacks/WriteEntries)")
                .isEmpty();
        assertThat(covered).as("entries for write routes the contract does not have").allMatch(Contract.writes()::contains);
    }

    private static Set<String> idWrites() {
        Set<String> writes = new TreeSet<>();
        AccessMatrixIntegrationTests.entries().forEach(entry -> entry.operations().stream()
                .filter(Contract.writes()::contains).forEach(writes::add));
        return writes;
    }

    @TestFactory
    Stream<DynamicTest> writesWithoutAnIdTakeNoExtraField() {
        return WriteEntries.all().stream().map(write -> DynamicTest.dynamicTest(write.operation(), () -> {
            Fixtures fx = fixtures();
            WriteEntries.Target target = write.target().apply(fx);
            String method = write.operation().substring(0, write.operation().indexOf(' '));
            if (target.body() == null) {
                ignoredAsBody(fx, method, target.path(), target.token(), target.status());
            } else {
                tamper(fx, write.operation(), method, target.path(), target.token(), target.body(), target.nested());
                Probe.Answer control = fx.probe.send(method, target.path(), target.body(), target.token());
                assertThat(control.status()).as("%s with the valid body: %s", write.operation(), control.body())
                        .isEqualTo(target.status());
            }
            target.after().run();
            covered(write.operation());
        }));
    }

    @TestFactory
    Stream<DynamicTest> writesWithAnIdTakeNoExtraField() {
        Set<String> idWrites = idWrites();
        return AccessMatrixIntegrationTests.entries().stream()
                .filter(entry -> entry.operations().stream().anyMatch(idWrites::contains))
                .map(entry -> DynamicTest.dynamicTest(entry.name(), () -> {
                    Fixtures fx = fixtures();
                    for (Case c : entry.cases().apply(fx)) {
                        if (c.ownerToken() != null) {
                            tamperAsOwner(fx, c);
                        }
                    }
                }));
    }

    /** Tampers with every write of the case as its owner, then runs its operations, no-body ones with the extras. */
    private static void tamperAsOwner(Fixtures fx, Case c) {
        for (Op op : c.ops()) {
            String path = op.path(c.vars());
            if (op.body() instanceof Map<?, ?>) {
                tamper(fx, op.key(), op.method(), path, c.ownerToken(), op.body(), List.of());
            } else if (op.body() instanceof Probe.Raw) {
                // A binary upload has no fields: JSON with them is not what it takes.
                Probe.Answer answer = fx.probe.send(op.method(), path, extras(fx.self(fx.stranger())), c.ownerToken());
                assertThat(answer.status()).as("%s with a JSON body: %s", op.key(), answer.body()).isEqualTo(415);
                REJECTED.incrementAndGet();
            }
        }
        for (Op op : c.ops()) {
            boolean noBodyWrite = op.body() == null && Contract.writes().contains(op.key());
            if (noBodyWrite) {
                ignoredAsBody(fx, op.method(), op.path(c.vars()), c.ownerToken(), op.ownerStatus());
                covered(op.key());
            } else {
                Probe.Answer answer = fx.probe.send(op.method(), op.path(c.vars()), op.body(), c.ownerToken());
                assertThat(answer.status()).as("%s as its owner: %s", op.key(), answer.body()).isEqualTo(op.ownerStatus());
                if (op.body() != null) {
                    covered(op.key());
                }
            }
        }
    }

    /** Sends the body with each undeclared extra field added, at the top level and at each nested pointer. */
    private static void tamper(Fixtures fx, String operation, String method, String path, String token, Object body,
                               List<String> nested) {
        Map<String, Object> extras = extras(fx.self(fx.stranger()));
        List<String> pointers = new ArrayList<>(List.of(""));
        pointers.addAll(nested);
        for (String pointer : pointers) {
            Set<String> declared = Contract.requestProperties(operation, pointer);
            assertThat(declared).as("%s declares properties at '%s'", operation, pointer).isNotEmpty();
            for (Map.Entry<String, Object> extra : extras.entrySet()) {
                if (declared.contains(extra.getKey())) {
                    continue;
                }
                JsonNode tampered = Probe.JSON.valueToTree(body);
                ((ObjectNode) tampered.at(pointer)).set(extra.getKey(), Probe.JSON.valueToTree(extra.getValue()));
                Probe.Answer answer = fx.probe.send(method, path, new Probe.Raw("application/json",
                        tampered.toString().getBytes(StandardCharsets.UTF_8)), token);
                String what = operation + " with " + pointer + "/" + extra.getKey();
                if (answer.status() == 400) {
                    assertThat(answer.contentType()).as(what).startsWith("application/problem+json");
                    assertThat(answer.json().path("errors").findValuesAsString("field")).as("%s: %s", what, answer.body())
                            .contains(extra.getKey());
                    REJECTED.incrementAndGet();
                } else {
                    assertThat(answer.status()).as("%s: neither refused nor ignored: %s", what, answer.body())
                            .isBetween(200, 299);
                    notReflected(what, answer, Map.of(extra.getKey(), extra.getValue()), extras.get("patientId"));
                    IGNORED.incrementAndGet();
                }
            }
        }
    }

    /** A route that takes no body gets all the extras as one: it answers as usual and shows none of them. */
    private static void ignoredAsBody(Fixtures fx, String method, String path, String token, int status) {
        Map<String, Object> extras = extras(fx.self(fx.stranger()));
        Probe.Answer answer = fx.probe.send(method, path, extras, token);
        assertThat(answer.status()).as("%s %s with extra fields as its body: %s", method, path, answer.body())
                .isEqualTo(status);
        notReflected(method + " " + path, answer, extras, extras.get("patientId"));
        IGNORED.addAndGet(extras.size());
    }

    private static void notReflected(String what, Probe.Answer answer, Map<String, Object> sent, Object victim) {
        String body = answer.body();
        assertThat(body).as(what).doesNotContain(SENTINEL.toString()).doesNotContain("attacker")
                .doesNotContain("2000-01-01").doesNotContain(victim.toString());
        if (body.startsWith("{")) {
            JsonNode json = answer.json();
            sent.forEach((key, value) -> assertThat(json.path(key)).as("%s: %s taken", what, key)
                    .isNotEqualTo(Probe.JSON.valueToTree(value)));
        }
    }

    private Fixtures fixtures() {
        int n = IPS.incrementAndGet();
        return new Fixtures(client("10.80." + (n / 250) + "." + (n % 250 + 1)), db, sms, STATS);
    }

    private static void covered(String operation) {
        synchronized (COVERED) {
            COVERED.add(operation);
        }
    }

    @AfterAll
    static void summary() {
        System.out.printf("Mass assignment: %d of %d write routes tried here (%d more in SpecialWritesIntegrationTests), "
                        + "%d extra fields refused, %d ignored, %d requests%n", COVERED.size(), Contract.writes().size(),
                SpecialWritesIntegrationTests.OPERATIONS.size(), REJECTED.get(), IGNORED.get(), STATS.requests().get());
    }
}
