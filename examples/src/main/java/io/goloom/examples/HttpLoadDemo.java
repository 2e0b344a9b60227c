package io.goloom.examples;

import io.goloom.scheduler.GoScheduler;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The agent on a real program: starts {@link HttpServerDemo} (an unchanged Loom web server) in a child JVM, once
 * on the JDK's default scheduler and once with {@code -javaagent:goloom-scheduler.jar} and
 * {@code GODEBUG=schedtrace=1000}, drives each with the same bounded load from this JVM (virtual threads calling
 * the JDK's {@code HttpClient} over loopback), and prints requests/s and latency percentiles side by side.
 *
 * <p>System properties: {@code goloom.agent.jar} (default: the jar goloom's classes come from),
 * {@code demo.concurrency} (64 client threads), {@code demo.warmupSeconds} (2), {@code demo.seconds} (5),
 * {@code demo.items} (order lines per request, 8).
 */
public final class HttpLoadDemo {
    private HttpLoadDemo() {}

    static final int CONCURRENCY = Integer.getInteger("demo.concurrency", 64);
    static final Duration WARMUP = Duration.ofSeconds(Long.getLong("demo.warmupSeconds", 2));
    static final Duration MEASURE = Duration.ofSeconds(Long.getLong("demo.seconds", 5));
    static final int ITEMS = Integer.getInteger("demo.items", 8);

    record Run(String label, long requests, long errors, double seconds, long[] latencies, String scheduler) {
        double rate() {
            return requests / seconds;
        }

        double percentileMs(double p) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.min(latencies.length - 1, Math.ceil(p / 100 * latencies.length) - 1);
            return latencies[Math.max(0, i)] / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        String jar = agentJar();
        System.out.println("\n== An unchanged Loom HTTP server (com.sun.net.httpserver on "
                + "Executors.newVirtualThreadPerTaskExecutor), GET /quote?items=" + ITEMS
                + ": SHA-256 work, a 2 ms downstream wait, JSON");
        System.out.println("   load: " + CONCURRENCY + " virtual-thread clients (java.net.http.HttpClient, loopback), "
                + WARMUP.toSeconds() + " s warm-up, then " + MEASURE.toSeconds() + " s measured; "
                + Runtime.getRuntime().availableProcessors() + " CPUs\n");
        Run jdk = run("JDK default scheduler", List.of(), Map.of());
        Run goloom = run("goloom agent", List.of("-javaagent:" + jar), Map.of("GODEBUG", "schedtrace=1000"));
        System.out.println();
        System.out.printf("%-24s %11s %9s %9s %9s %9s %9s %7s%n", "server", "requests/s", "p50", "p90", "p99",
                "p99.9", "max", "errors");
        for (Run r : List.of(jdk, goloom)) {
            System.out.printf("%-24s %11.0f %6.2f ms %6.2f ms %6.2f ms %6.2f ms %6.1f ms %7d%n", r.label(), r.rate(),
                    r.percentileMs(50), r.percentileMs(90), r.percentileMs(99), r.percentileMs(99.9),
                    r.percentileMs(100), r.errors());
        }
        System.out.printf("goloom / JDK throughput: %.2fx%n", goloom.rate() / jdk.rate());
        if (jdk.errors() + goloom.errors() > 0 || jdk.requests() == 0 || goloom.requests() == 0) {
            System.out.println("errors or no requests: something is wrong");
            System.exit(1);
        }
    }

    static String agentJar() throws Exception {
        String prop = System.getProperty("goloom.agent.jar");
        Path jar = prop != null ? Path.of(prop)
                : Path.of(GoScheduler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(jar) || !jar.toString().endsWith(".jar")) {
            throw new IllegalStateException("the goloom agent jar is not built (" + jar + "): run the demo through "
                    + "`mvn -q -Pdemo -pl examples -am package -DskipTests`, or pass -Dgoloom.agent.jar=...");
        }
        return jar.toString();
    }

    static Run run(String label, List<String> jvmArgs, Map<String, String> env) throws Exception {
        System.out.println("-- " + label + (jvmArgs.isEmpty() ? "" : ": java " + String.join(" ", jvmArgs))
                + (env.isEmpty() ? "" : " " + env));
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), HttpServerDemo.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("GODEBUG");
        pb.environment().remove("GOMAXPROCS");
        pb.environment().putAll(env);
        Process server = pb.start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        forward(server.getInputStream(), line -> {
            if (!port.isDone() && line.startsWith("listening ")) {
                port.complete(Integer.parseInt(line.substring("listening ".length()).trim()));
            } else {
                System.out.println("   [server] " + line);
            }
        });
        forward(server.getErrorStream(), line -> System.out.println("   [server] " + line));
        try {
            int p = port.get(60, TimeUnit.SECONDS);
            URI quote = URI.create("http://127.0.0.1:" + p + "/quote?items=" + ITEMS);
            try (ExecutorService clientThreads = Executors.newVirtualThreadPerTaskExecutor();
                 HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                         .executor(clientThreads).connectTimeout(Duration.ofSeconds(10)).build()) {
                load(client, quote, WARMUP); // JIT, connections, carriers
                long start = System.nanoTime();
                Load measured = load(client, quote, MEASURE);
                double seconds = (System.nanoTime() - start) / 1e9;
                HttpResponse<String> bye = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p
                        + "/quit")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                System.out.println("   scheduler: " + bye.body());
                long[] lat = measured.latencies();
                Arrays.sort(lat);
                return new Run(label, lat.length, measured.errors(), seconds, lat, bye.body());
            }
        } finally {
            if (!server.waitFor(15, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    record Load(long[] latencies, long errors) {}

    /** {@link #CONCURRENCY} virtual threads, each sending requests back to back until {@code duration} is up. */
    static Load load(HttpClient client, URI uri, Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        AtomicLong errors = new AtomicLong();
        List<long[]> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build();
        for (int i = 0; i < CONCURRENCY; i++) {
            long[][] buf = {new long[1024]};
            int[] n = {0};
            threads.add(Thread.ofVirtual().name("client-" + i).start(() -> {
                while (System.nanoTime() < deadline) {
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200 || !r.body().contains("\"virtual\":true")) {
                            errors.incrementAndGet();
                            continue;
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                        continue;
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (n[0] == buf[0].length) {
                        buf[0] = Arrays.copyOf(buf[0], n[0] * 2);
                    }
                    buf[0][n[0]++] = System.nanoTime() - t0;
                }
                synchronized (perThread) {
                    perThread.add(Arrays.copyOf(buf[0], n[0]));
                }
            }));
        }
        for (Thread t : threads) {
            if (!t.join(duration.plusSeconds(30))) {
                throw new IllegalStateException("a client thread did not finish");
            }
        }
        return new Load(perThread.stream().flatMapToLong(Arrays::stream).toArray(), errors.get());
    }

    static void forward(InputStream in, Consumer<String> sink) {
        Thread.ofPlatform().daemon().name("forward").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // the server ended
            }
        });
    }
}
