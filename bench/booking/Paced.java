import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Bookings at a fixed rate, for their latency below saturation (wrk measures the most the service can do; at that
 * point every request waits behind the others). Request i is due at start + i / RATE; at most CONNECTIONS are in
 * flight, and one that has to wait for a free connection waits on the clock: each latency runs from the request's
 * due time to its answer, so a stall shows in the figures instead of slowing the sender down.
 * Reads tokens.txt and slots.txt from DIR (written by Bench.java) and prints one line in the same form as wrk.lua.
 *
 * Usage: java Paced.java BASE_URL DIR RATE SECONDS CONNECTIONS [WARMUP_SECONDS]
 */
public class Paced {

    public static void main(String[] args) throws Exception {
        String base = args[0];
        Path dir = Path.of(args[1]);
        double rate = Double.parseDouble(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int connections = Integer.parseInt(args[4]);
        int warmup = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        List<String> tokens = Files.readAllLines(dir.resolve("tokens.txt"));
        List<String> slots = Files.readAllLines(dir.resolve("slots.txt"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(2)).connectTimeout(Duration.ofSeconds(5)).build();
        Semaphore inFlight = new Semaphore(connections);
        if (warmup > 0) {
            run(base, http, inFlight, tokens, slots, rate, warmup);
        }
        System.out.println(run(base, http, inFlight, tokens, slots, rate, seconds));
        System.exit(0);
    }

    static String run(String base, HttpClient http, Semaphore inFlight, List<String> tokens, List<String> slots,
                      double rate, int seconds) throws InterruptedException {
        int n = (int) (rate * seconds);
        long[] latencies = new long[n];
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        CountDownLatch answered = new CountDownLatch(n);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = start + (long) (i * 1e9 / rate);
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            inFlight.acquire();
            ThreadLocalRandom random = ThreadLocalRandom.current();
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/appointments"))
                    .header("Authorization", "Bearer " + tokens.get(random.nextInt(tokens.size())))
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"slotId\":\"" + slots.get(random.nextInt(slots.size())) + "\"}"))
                    .build();
            int index = i;
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                latencies[index] = System.nanoTime() - due;
                statuses.merge(error != null ? -1 : response.statusCode(), 1, Integer::sum);
                inFlight.release();
                answered.countDown();
            });
        }
        answered.await(60, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        long errors = statuses.entrySet().stream().filter(e -> e.getKey() < 0 || e.getKey() >= 500)
                .mapToLong(Map.Entry::getValue).sum();
        return String.format("RESULT %d requests in %.1f s = %.0f req/s, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, "
                        + "max %.1f ms, statuses %s, errors (5xx/socket) %d", n, elapsed, n / elapsed, ms(latencies, 0.50),
                ms(latencies, 0.90), ms(latencies, 0.99), latencies[n - 1] / 1e6, new TreeMap<>(statuses), errors);
    }

    static double ms(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }
}
