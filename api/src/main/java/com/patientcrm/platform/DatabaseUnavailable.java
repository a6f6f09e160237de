package com.patientcrm.platform;

import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTransientException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.ErrorResponseException;

/**
 * Tells a database that cannot be reached (refused or dropped connections, a server shutting down, no pooled
 * connection free within the pool's acquire time, a transient failure such as a timeout or a serialisation
 * conflict) from a bug. Those are the client's cue to try again, so they answer 503 with Retry-After rather than
 * 500, whichever layer wrapped them: Spring's translation, a transaction manager, or none (raw R2DBC errors from code
 * that talks to a connection directly).
 */
final class DatabaseUnavailable {

    /** Seconds a client should wait: a restarted PostgreSQL is back within seconds, and the pool reconnects at once. */
    static final int RETRY_AFTER_SECONDS = 5;

    private DatabaseUnavailable() {
    }

    static boolean isCause(Throwable error) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 20; t = t.getCause(), depth++) {
            if (t instanceof DataAccessResourceFailureException || t instanceof TransientDataAccessException
                    || t instanceof CannotCreateTransactionException || t instanceof R2dbcTransientException
                    || t instanceof R2dbcNonTransientResourceException || connectionState(t)) {
                return true;
            }
        }
        return false;
    }

    /** SQLSTATE classes 08 (connection exception), 53 (insufficient resources) and 57P (server shutting down). */
    private static boolean connectionState(Throwable t) {
        String state = t instanceof R2dbcException r2dbc ? r2dbc.getSqlState() : null;
        return state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P"));
    }

    static ErrorResponseException problem() {
        ErrorResponseException e = Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Service unavailable",
                "The service cannot reach its database right now; try again shortly.");
        e.getHeaders().set(HttpHeaders.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
        return e;
    }

    /** What to log: the innermost cause's class, never its message (it may quote SQL parameters). */
    static String describe(Throwable error) {
        Throwable root = error;
        for (int depth = 0; root.getCause() != null && depth < 20; depth++) {
            root = root.getCause();
        }
        return root == error ? error.getClass().getSimpleName()
                : error.getClass().getSimpleName() + " (" + root.getClass().getSimpleName() + ")";
    }
}
