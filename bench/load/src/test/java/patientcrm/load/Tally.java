package patientcrm.load;

import io.gatling.javaapi.core.Session;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every request's outcome, kept by the simulation itself: Gatling's report has per-request percentiles but none per
 * group of the mix, and it cannot tell an expected business answer (a full slot's 409) from an error. Each request
 * records its status, problem type and response time (Gatling's own measure, first byte sent to last byte received);
 * a request without an answer (timeout, refused or dropped connection) has no status. Percentiles are exact (every
 * response time is kept), over the answered requests; the unanswered are counted as errors.
 */
final class Tally {

    static final List<String> GROUPS = List.of("slots", "feed", "reports", "booking", "surveys");

    private static final Map<String, Series> SERIES = new ConcurrentHashMap<>();
    private static final AtomicLong FIRST_START = new AtomicLong(Long.MAX_VALUE);
    private static final AtomicLong LAST_END = new AtomicLong();
    private static volatile long cpuAtStart;
    private static volatile long wallAtStart;
    /** Requests that started before this (epoch ms) are the warm-up: counted apart, not in the figures. */
    private static volatile long measureFrom;
    private static final AtomicLong WARMUP_SENT = new AtomicLong();
    private static final AtomicLong WARMUP_ANSWERED = new AtomicLong();
    private static final AtomicLong WARMUP_ERRORS = new AtomicLong();
    private static final AtomicLong WARMUP_FIRST = new AtomicLong(Long.MAX_VALUE);
    private static final AtomicLong WARMUP_LAST = new AtomicLong();

    private Tally() {
    }

    /** One request name's answers: response times of the answered ones, and counts per outcome. */
    static final class Series {
        final String group;
        final String name;
        private int[] millis = new int[1024];
        private int answered;
        final Map<String, Long> outcomes = new TreeMap<>();

        Series(String group, String name) {
            this.group = group;
            this.name = name;
        }

        synchronized void add(Integer status, Integer rt, String type, boolean expected) {
            String outcome;
            if (status == null) {
                outcome = "no answer";
            } else {
                if (answered == millis.length) {
                    millis = Arrays.copyOf(millis, answered * 2);
                }
                millis[answered++] = rt;
                outcome = status >= 200 && status < 300 ? "2xx" : status + (type == null ? "" : " " + type.replace(
                        "urn:patientcrm:problem:", "")) + (expected ? " (expected)" : "");
            }
            outcomes.merge(outcome, 1L, Long::sum);
        }

        synchronized int[] sorted() {
            int[] copy = Arrays.copyOf(millis, answered);
            Arrays.sort(copy);
            return copy;
        }

        synchronized long count(String prefix) {
            return outcomes.entrySet().stream().filter(e -> prefix == null || e.getKey().startsWith(prefix))
                    .mapToLong(Map.Entry::getValue).sum();
        }

        synchronized long expected() {
            return outcomes.entrySet().stream().filter(e -> e.getKey().endsWith("(expected)"))
                    .mapToLong(Map.Entry::getValue).sum();
        }
    }

    /**
     * The run starts; the first {@code warmupSeconds} of it warm the service (and this JVM) up in the same run, so
     * that no start-up of a second load generator lands in the measured minutes. The load generator's CPU is counted
     * from the end of the warm-up.
     */
    static void start(int warmupSeconds) {
        long now = System.currentTimeMillis();
        measureFrom = now + warmupSeconds * 1000L;
        cpuAtStart = cpu();
        wallAtStart = now;
        if (warmupSeconds > 0) {
            Thread timer = new Thread(() -> {
                try {
                    Thread.sleep(Math.max(0, measureFrom - System.currentTimeMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                cpuAtStart = cpu();
                wallAtStart = System.currentTimeMillis();
            }, "tally-warm-up-end");
            timer.setDaemon(true);
            timer.start();
        }
    }

    /** Called after each request with the attributes its checks saved; clears them for the next request. */
    static Session record(String group, String name, List<Integer> expected, Session session) {
        long now = System.currentTimeMillis();
        Integer status = session.contains("st") ? session.getInt("st") : null;
        Integer rt = session.contains("rt") ? session.getInt("rt") : null;
        String type = session.contains("ptype") ? session.getString("ptype") : null;
        long started = now - (rt == null ? 0 : rt);
        if (started < measureFrom) {
            WARMUP_SENT.incrementAndGet();
            if (status != null) {
                WARMUP_ANSWERED.incrementAndGet();
            }
            if (status == null || (status / 100 != 2 && !expected.contains(status))) {
                WARMUP_ERRORS.incrementAndGet();
            }
            WARMUP_FIRST.accumulateAndGet(started, Math::min);
            WARMUP_LAST.accumulateAndGet(now, Math::max);
            return session.removeAll("st", "rt", "ptype");
        }
        SERIES.computeIfAbsent(name, n -> new Series(group, n)).add(status, rt == null ? 0 : rt, type,
                status != null && expected.contains(status));
        LAST_END.accumulateAndGet(now, Math::max);
        FIRST_START.accumulateAndGet(started, Math::min);
        return session.removeAll("st", "rt", "ptype");
    }

    static String summary(String label, double rate, double visits) {
        long cpu = cpu() - cpuAtStart;
        long wall = System.currentTimeMillis() - wallAtStart;
        double window = (LAST_END.get() - FIRST_START.get()) / 1000.0;
        StringBuilder out = new StringBuilder();
        if (WARMUP_SENT.get() > 0) {
            double warm = (WARMUP_LAST.get() - WARMUP_FIRST.get()) / 1000.0;
            out.append(String.format("warm-up, in the same run: offered %.0f requests/s; %,d requests sent in %.1f s = "
                    + "%.1f/s, %,d answered, %,d errors = %.2f%% (not counted)%n", rate, WARMUP_SENT.get(), warm,
                    WARMUP_SENT.get() / warm, WARMUP_ANSWERED.get(), WARMUP_ERRORS.get(),
                    100.0 * WARMUP_ERRORS.get() / WARMUP_SENT.get()));
        }
        long sent = SERIES.values().stream().mapToLong(s -> s.count(null)).sum();
        long answered = SERIES.values().stream().mapToLong(s -> s.sorted().length).sum();
        // A visit whose request gets no usable answer goes no further: under overload fewer requests are sent.
        out.append(String.format("%s: offered %.0f requests/s (%.1f patient visits/s); %,d requests sent in %.1f s = %.1f/s, "
                + "%,d answered = %.1f/s%n", label, rate, visits, sent, window, sent / window, answered, answered / window));
        out.append(String.format("%-18s %9s %7s %6s %7s %7s %7s %8s %9s %7s%n", "group / request", "requests", "req/s",
                "share", "p50 ms", "p95 ms", "p99 ms", "max ms", "expected", "errors"));
        Map<String, int[]> groups = new LinkedHashMap<>();
        for (String group : GROUPS) {
            List<Series> members = SERIES.values().stream().filter(s -> s.group.equals(group))
                    .sorted((a, b) -> a.name.compareTo(b.name)).toList();
            long n = members.stream().mapToLong(s -> s.count(null)).sum();
            int[] all = merge(members);
            groups.put(group, all);
            out.append(row(group, n, window, sent, all, members.stream().mapToLong(Series::expected).sum(),
                    members.stream().mapToLong(Tally::errors).sum()));
            for (Series s : members) {
                out.append(row("  " + s.name.substring(s.name.indexOf(':') + 2), s.count(null), window, sent, s.sorted(),
                        s.expected(), errors(s)));
            }
        }
        long errors = SERIES.values().stream().mapToLong(Tally::errors).sum();
        out.append(row("overall", sent, window, sent, merge(SERIES.values().stream().toList()),
                SERIES.values().stream().mapToLong(Series::expected).sum(), errors));
        out.append(String.format("errors (no answer, or an answer other than 2xx and the expected ones): %,d of %,d = %.3f%%%n",
                errors, sent, sent == 0 ? 0 : 100.0 * errors / sent));
        SERIES.values().stream().sorted((a, b) -> a.name.compareTo(b.name)).forEach(s -> s.outcomes.forEach((k, v) -> {
            if (!k.equals("2xx")) {
                out.append(String.format("  %-22s %-45s %,d%n", s.name, k, v));
            }
        }));
        out.append(String.format("load generator (Gatling's JVM): %.1f s of CPU in %.1f s = %.2f cores%n", cpu / 1e9,
                wall / 1000.0, cpu / 1e6 / wall));
        out.append(String.format("window-epoch-ms %d %d%n", FIRST_START.get(), LAST_END.get()));
        return out.toString();
    }

    private static long errors(Series s) {
        return s.count(null) - s.count("2xx") - s.expected();
    }

    private static int[] merge(List<Series> members) {
        return members.stream().map(Series::sorted).flatMapToInt(Arrays::stream).sorted().toArray();
    }

    private static String row(String name, long n, double window, long total, int[] sorted, long expected, long errors) {
        return String.format("%-18s %,9d %7.1f %5.1f%% %7s %7s %7s %8s %,9d %,7d%n", name, n, n / window,
                100.0 * n / total, pct(sorted, 0.50), pct(sorted, 0.95), pct(sorted, 0.99),
                sorted.length == 0 ? "-" : Integer.toString(sorted[sorted.length - 1]), expected, errors);
    }

    /** Nearest rank. */
    static String pct(int[] sorted, double p) {
        if (sorted.length == 0) {
            return "-";
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return Integer.toString(sorted[Math.max(0, rank - 1)]);
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
