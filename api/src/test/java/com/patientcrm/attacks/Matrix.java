package com.patientcrm.attacks;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/** The object-level access matrix: per route with an id, how its object is made and what each caller gets. */
final class Matrix {

    private Matrix() {
    }

    /**
     * One operation on the object: the contract's path template (variables filled from the case), the body sent by
     * everyone, and what its owner gets, which proves the request itself was good and only the caller was wrong.
     */
    record Op(String method, String template, Object body, int ownerStatus) {

        String key() {
            return method + " " + template;
        }

        String path(Map<String, Object> vars) {
            String path = template;
            for (Map.Entry<String, Object> var : vars.entrySet()) {
                path = path.replace("{" + var.getKey() + "}", String.valueOf(var.getValue()));
            }
            return path;
        }
    }

    /** A caller who is not the owner: token (null: anonymous), actor kind for the audit row, and its answers. */
    record Attacker(String name, String actorKind, String token, int status, Map<String, Integer> exceptions) {

        Attacker(String name, String actorKind, String token, int status) {
            this(name, actorKind, token, status, Map.of());
        }

        /** The same caller answered differently on some operations (by design, e.g. agents read survey definitions). */
        Attacker except(String opKey, int otherStatus) {
            Map<String, Integer> more = new HashMap<>(exceptions);
            more.put(opKey, otherStatus);
            return new Attacker(name, actorKind, token, status, more);
        }

        int expected(Op op) {
            return exceptions.getOrDefault(op.key(), status);
        }
    }

    /**
     * One object and what is tried on it: the path variables, the owner's token, the operations in the order the
     * owner runs them (destructive ones last), the attackers, and how the owner reads the object back (the same
     * answer before and after every attack means nothing changed).
     */
    record Case(String name, Map<String, Object> vars, String ownerToken, List<Op> ops, List<Attacker> attackers,
                Supplier<String> readBack) {}

    /** A matrix entry: the contract operations it covers, and the cases that cover them, made on demand. */
    record Entry(String name, List<String> operations, Function<Fixtures, List<Case>> cases) {}
}
