package com.patientcrm.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.attacks.Matrix.Attacker;
import com.patientcrm.attacks.Matrix.Case;
import com.patientcrm.attacks.Matrix.Entry;
import com.patientcrm.attacks.Matrix.Op;
import com.patientcrm.support.IntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The object-level access matrix, generated from the contract: every operation whose path names an object is tried
 * on a real object by every caller who is not its owner (another patient, staff of the wrong role or another path
 * family, a hospital client, nobody). Each gets the refusal the design gives (404 for another patient's object, so
 * that its existence is never confirmed; 403 for the wrong role, family or scope; 401 without a token), as
 * problem+json and with its audit row; the object reads back unchanged after every attempt; and then its owner does
 * the same requests successfully, which shows each refusal was about who asked. A route with an id in the contract
 * and no entry here fails {@link #everyRouteWithAnIdHasAnEntry()}.
 */
class AccessMatrixIntegrationTests extends IntegrationTest {

    private static final AtomicInteger IPS = new AtomicInteger();
    private static final Probe.Stats STATS = new Probe.Stats();
    private static final Set<String> COVERED = new TreeSet<>();

    static List<Entry> entries() {
        List<Entry> all = new ArrayList<>(PatientEntries.all());
        all.addAll(StaffEntries.all());
        all.addAll(IntegrationEntries.all());
        return all;
    }

    @Test
    void everyRouteWithAnIdHasAnEntry() {
        Set<String> declared = new TreeSet<>();
        entries().forEach(entry -> declared.addAll(entry.operations()));
        Set<String> missing = new TreeSet<>(Contract.withIdInPath());
        missing.removeAll(declared);
        assertThat(missing).as("operations with an id in openapi.yaml but no access-matrix entry (add one in attacks/*Entries)")
                .isEmpty();
        assertThat(declared).as("matrix entries for operations the contract does not have")
                .allMatch(Contract.withIdInPath()::contains);
    }

    @TestFactory
    Stream<DynamicTest> everyObjectIsRefusedToAllButItsOwner() {
        return entries().stream().map(entry -> DynamicTest.dynamicTest(entry.name(), () -> run(entry)));
    }

    private void run(Entry entry) {
        int n = IPS.incrementAndGet();
        Fixtures fx = new Fixtures(client("10.79." + (n / 250) + "." + (n % 250 + 1)), db, sms, STATS);
        Set<String> tried = new TreeSet<>();
        for (Case c : entry.cases().apply(fx)) {
            attack(fx, c);
            c.ops().forEach(op -> tried.add(op.key()));
        }
        assertThat(tried).as("operations the cases of '%s' try", entry.name())
                .containsExactlyInAnyOrderElementsOf(entry.operations());
        synchronized (COVERED) {
            COVERED.addAll(tried);
        }
    }

    private static void attack(Fixtures fx, Case c) {
        String before = c.readBack() == null ? null : c.readBack().get();
        for (Op op : c.ops()) {
            String path = op.path(c.vars());
            for (Attacker attacker : c.attackers()) {
                String what = c.name() + " as " + attacker.name();
                int expected = attacker.expected(op);
                if (expected >= 400) {
                    fx.probe.refused(op.method(), path, op.body(), attacker.token(), attacker.actorKind(), expected, what);
                } else {
                    Probe.Answer answer = fx.probe.send(op.method(), path, op.body(), attacker.token());
                    assertThat(answer.status()).as("%s: %s %s answered %s", what, op.method(), path, answer.body())
                            .isEqualTo(expected);
                }
                if (before != null && !op.method().equals("GET")) {
                    assertThat(c.readBack().get()).as("%s after %s %s", what, op.method(), path).isEqualTo(before);
                }
            }
        }
        fx.probe.checkAudited();
        if (c.ownerToken() != null) {
            for (Op op : c.ops()) {
                Probe.Answer answer = fx.probe.send(op.method(), op.path(c.vars()), op.body(), c.ownerToken());
                assertThat(answer.status()).as("%s as its owner: %s %s answered %s", c.name(), op.method(),
                        op.path(c.vars()), answer.body()).isEqualTo(op.ownerStatus());
            }
        }
    }

    @AfterAll
    static void summary() {
        System.out.printf("Access matrix: %d of %d operations with an id covered, %d requests, %d refusals, %d audited%n",
                COVERED.size(), Contract.withIdInPath().size(), STATS.requests().get(), STATS.refusals().get(),
                STATS.audited().get());
    }
}
