package io.goloom.httpbench;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * Issue 10's benchmark server: an unmodified Helidon SE 4 WebServer from Maven Central. Helidon 4 runs every
 * connection on a virtual thread of its own and reads and writes the socket with blocking calls, so each wait for
 * I/O readiness goes through the JDK's {@code sun.nio.ch.Poller} (the path goloom's netpoller takes over) and each
 * {@code Thread.sleep} through the virtual-thread timer path. Nothing here knows about goloom: run it as is for the
 * JDK's default scheduler, or with {@code -javaagent:goloom-scheduler.jar} for goloom.
 *
 * <p>Routes (each answers 200 with a short text/plain body that the smoke test checks):
 * <ul>
 *   <li>{@code /plain}: a constant string; the cost is the HTTP and socket path alone.</li>
 *   <li>{@code /sleep}: {@code Thread.sleep(5 ms)} then a constant; a timer per request.</li>
 *   <li>{@code /cpu}: about 200 µs of arithmetic ({@link #CPU_ITERATIONS}).</li>
 *   <li>{@code /ring}: 10 fresh virtual threads pass a token round a ring of {@code SynchronousQueue}s
 *       ({@link #RING_LAPS} laps = 100 hand-offs), joined before the answer.</li>
 * </ul>
 *
 * <p>Usage: {@code java -cp <classpath> io.goloom.httpbench.BenchServer [port]} (0 or none: any free port). It
 * prints {@code httpbench listening port=<port> pid=<pid>} on stdout once it accepts, and runs until killed.
 */
public final class BenchServer {
    /** The /sleep route's sleep. */
    static final long SLEEP_MILLIS = 5;
    /**
     * Iterations of {@link #cpuWork}: about 200 µs on the 2-vCPU VM this was written on (160,000 took 240 µs, best of
     * 3,000 calls). Fixed, not calibrated, so that both schedulers and every run do the same work per request.
     */
    static final int CPU_ITERATIONS = 135_000;
    /** Threads in the /ring route's ring. */
    static final int RING_THREADS = 10;
    /** Laps of the token round the ring: RING_THREADS * RING_LAPS hand-offs per request. */
    static final int RING_LAPS = 10;

    static final String PLAIN_BODY = "Hello, World!";

    private final WebServer server;

    private BenchServer(WebServer server) {
        this.server = server;
    }

    /** Starts the server on {@code port} (0: any free port) and returns once it accepts connections. */
    public static BenchServer start(int port) {
        WebServer ws = WebServer.builder()
                .port(port)
                .routing(BenchServer::routes)
                .build()
                .start();
        return new BenchServer(ws);
    }

    public int port() {
        return server.port();
    }

    public void stop() {
        server.stop();
    }

    static void routes(HttpRouting.Builder r) {
        r.get("/plain", BenchServer::plain)
                .get("/sleep", BenchServer::sleep)
                .get("/cpu", BenchServer::cpu)
                .get("/ring", BenchServer::ring);
    }

    static void plain(ServerRequest req, ServerResponse res) {
        res.send(PLAIN_BODY);
    }

    static void sleep(ServerRequest req, ServerResponse res) throws InterruptedException {
        Thread.sleep(SLEEP_MILLIS);
        res.send("slept " + SLEEP_MILLIS + " ms");
    }

    static void cpu(ServerRequest req, ServerResponse res) {
        res.send("cpu " + Long.toHexString(cpuWork(CPU_ITERATIONS)));
    }

    static void ring(ServerRequest req, ServerResponse res) throws InterruptedException {
        res.send("ring " + ring(RING_THREADS, RING_LAPS));
    }

    /**
     * Pure arithmetic (xorshift64* steps) that the JIT cannot fold away: the result is returned and sent. No
     * allocation, no blocking, so the route's cost is CPU only.
     */
    static long cpuWork(int iterations) {
        long x = 0x9E3779B97F4A7C15L;
        long acc = 0;
        for (int i = 0; i < iterations; i++) {
            x ^= x >>> 12;
            x ^= x << 25;
            x ^= x >>> 27;
            acc += x * 0x2545F4914F6CDD1DL;
        }
        return acc;
    }

    /**
     * Starts {@code threads} virtual threads; thread i takes the token from queue i and hands it, incremented, to
     * queue i+1 (mod threads), {@code laps} times. The caller puts the token in and takes it back from the last
     * thread's final hand-off, so the answer is the number of hand-offs: {@code threads * laps} when none is lost.
     * Every thread is joined before returning, so a request leaves no thread behind.
     */
    static int ring(int threads, int laps) throws InterruptedException {
        @SuppressWarnings("unchecked")
        SynchronousQueue<Integer>[] q = new SynchronousQueue[threads];
        for (int i = 0; i < threads; i++) {
            q[i] = new SynchronousQueue<>();
        }
        SynchronousQueue<Integer> done = new SynchronousQueue<>();
        Thread[] ts = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            final int me = i;
            ts[i] = Thread.ofVirtual().name("ring-", i).start(() -> {
                try {
                    for (int lap = 0; lap < laps; lap++) {
                        int token = q[me].take();
                        // the last thread's last hand-off goes back to the caller: thread 0 has no lap left to take it
                        boolean last = me == threads - 1 && lap == laps - 1;
                        (last ? done : q[(me + 1) % threads]).put(token + 1);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        q[0].put(0);
        Integer token = done.poll(30, TimeUnit.SECONDS);
        for (Thread t : ts) {
            if (token == null) {
                t.interrupt(); // a lost hand-off: free the ring rather than leak ten parked threads
            }
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        if (token == null) {
            throw new IllegalStateException("ring: the token did not come back within 30 s");
        }
        return token;
    }

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        BenchServer s = start(port);
        System.out.println("httpbench listening port=" + s.port() + " pid=" + ProcessHandle.current().pid());
        System.out.flush();
        Thread.currentThread().join(); // until killed; Helidon's shutdown hook stops the server
    }
}
