import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Bookings at a fixed rate, for their latency below saturation (wrk measures the most the service can do; at that
 * point every request waits behind the others). Request i is due at start + i / RATE and is sent by the first of
 * CONNECTIONS workers that is free, each with its own kept-alive HTTP/1.1 connection; a request that has to wait for a
 * free worker waits on the clock: each latency runs from the request's due time to its answer, so a stall shows in the
 * figures instead of slowing the sender down (no coordinated omission).
 * The client is plain blocking sockets, one thread per connection: the service shares the machine's cores with it,
 * and the JDK's HttpClient cost about as much CPU per request as the service itself.
 * Reads tokens.txt and slots.txt from DIR (written by Bench.java) and prints one line in the same form as wrk.lua.
 * The connections are opened before the clock starts, and the first WARMUP seconds of the schedule are sent but not
 * counted (it prints COUNTING when the counted part starts): a client process that starts cold (its own JIT, 64 connection handshakes at once) put its start-up into
 * the service's first second, which held most of the slow answers of a 30 s run.
 * With PACED_TIMELINE=FILE it also writes each counted request's due time (s from the start of the counted part)
 * and latency (ms) to FILE, to see whether the slow ones come together (a stall) or alone (queueing).
 *
 * Usage: java Paced.java BASE_URL DIR RATE WARMUP SECONDS CONNECTIONS
 */
public class Paced {

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        Path dir = Path.of(args[1]);
        double rate = Double.parseDouble(args[2]);
        int warmup = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        int connections = Integer.parseInt(args[5]);
        List<String> tokens = Files.readAllLines(dir.resolve("tokens.txt"));
        List<String> slots = Files.readAllLines(dir.resolve("slots.txt"));
        System.out.println(run(base, connections, tokens, slots, rate, warmup, seconds));
        System.exit(0);
    }

    static String run(URI base, int connections, List<String> tokens, List<String> slots, double rate, int warmup,
                      int seconds) throws InterruptedException, IOException {
        int skipped = (int) (rate * warmup);
        int n = (int) (rate * seconds);
        int total = skipped + n;
        long[] latencies = new long[n];
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        Connection[] opened = new Connection[connections];
        for (int w = 0; w < connections; w++) {
            opened[w] = new Connection(base);
        }
        long start = System.nanoTime();
        Thread[] workers = new Thread[connections];
        for (int w = 0; w < connections; w++) {
            Connection first = opened[w];
            workers[w] = new Thread(() -> {
                Connection connection = first;
                for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                    long due = start + (long) (i * 1e9 / rate);
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    String body = "{\"slotId\":\"" + slots.get(random.nextInt(slots.size())) + "\"}";
                    String request = "POST /api/v1/appointments HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                            + "\r\nAuthorization: Bearer " + tokens.get(random.nextInt(tokens.size()))
                            + "\r\nContent-Type: application/json\r\nIdempotency-Key: " + UUID.randomUUID()
                            + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
                    int status;
                    try {
                        if (connection == null) {
                            connection = new Connection(base);
                        }
                        status = connection.exchange(request.getBytes(StandardCharsets.US_ASCII));
                        if (connection.closed) {
                            connection.close();
                            connection = null;
                        }
                    } catch (IOException e) {
                        status = -1;
                        if (connection != null) {
                            connection.close();
                            connection = null;
                        }
                    }
                    if (i >= skipped) {
                        latencies[i - skipped] = System.nanoTime() - due;
                        statuses.merge(status, 1, Integer::sum);
                    }
                }
                if (connection != null) {
                    connection.close();
                }
            });
            workers[w].start();
        }
        for (long wait = start + warmup * 1_000_000_000L - System.nanoTime(); wait > 0;
             wait = start + warmup * 1_000_000_000L - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
        System.out.println("COUNTING");
        System.out.flush();
        for (Thread worker : workers) {
            worker.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9 - warmup;
        String timeline = System.getenv("PACED_TIMELINE");
        if (timeline != null) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < n; i++) {
                lines.append(String.format("%.3f %.3f%n", i / rate, latencies[i] / 1e6));
            }
            Files.writeString(Path.of(timeline), lines);
        }
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

    /** One kept-alive HTTP/1.1 connection: sends a request and reads the whole answer (Content-Length or chunked). */
    static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        /** The service said it closes the connection after this answer. */
        boolean closed;

        Connection(URI base) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16384);
        }

        int exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String statusLine = line();
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
                     size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                    skip(size);
                    line();
                }
                for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
                    // trailers: none expected
                }
            } else if (length > 0) {
                skip(length);
            }
            closed = close;
            return status;
        }

        private void skip(long bytes) throws IOException {
            for (long left = bytes; left > 0; ) {
                long skipped = in.skip(left);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("connection closed mid-answer");
                    }
                    skipped = 1;
                }
                left -= skipped;
            }
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed mid-answer");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
