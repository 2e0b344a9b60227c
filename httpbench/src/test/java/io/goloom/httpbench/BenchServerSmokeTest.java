package io.goloom.httpbench;

import io.goloom.scheduler.GoScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The server benchmark's smoke test for {@code mvn verify}: every route of the Helidon server answers right, in
 * process and in a child JVM under {@code -javaagent:goloom-scheduler.jar}, and the timer-lateness probe runs at a
 * tiny size in both. Asserts answers, never a speed (httpbench/run-httpbench.sh measures).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BenchServerSmokeTest {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    /** route -> the exact body it must answer. */
    private static List<String[]> expectedRoutes() {
        return List.of(
                new String[] {"/plain", BenchServer.PLAIN_BODY},
                new String[] {"/sleep", "slept " + BenchServer.SLEEP_MILLIS + " ms"},
                new String[] {"/cpu", "cpu " + Long.toHexString(BenchServer.cpuWork(BenchServer.CPU_ITERATIONS))},
                new String[] {"/ring", "ring " + BenchServer.RING_THREADS * BenchServer.RING_LAPS});
    }

    private static void hitEveryRoute(int port) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build()) {
            for (String[] route : expectedRoutes()) {
                long t0 = System.nanoTime();
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + route[0])).timeout(REQUEST_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
                long tookNanos = System.nanoTime() - t0;
                assertEquals(200, r.statusCode(), route[0]);
                assertEquals(route[1], r.body(), route[0]);
                if (route[0].equals("/sleep")) {
                    // Thread.sleep never wakes early: a correctness property, not a speed
                    assertTrue(tookNanos >= TimeUnit.MILLISECONDS.toNanos(BenchServer.SLEEP_MILLIS),
                            "/sleep answered after " + tookNanos + " ns");
                }
            }
            HttpResponse<String> missing = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/nope")).timeout(REQUEST_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
        }
    }

    @Test
    void everyRouteAnswersInProcess() throws Exception {
        BenchServer s = BenchServer.start(0);
        try {
            hitEveryRoute(s.port());
        } finally {
            s.stop();
        }
    }

    @Test
    void ringHandsTheTokenRoundEveryThread() throws Exception {
        assertEquals(3, BenchServer.ring(3, 1));
        assertEquals(70, BenchServer.ring(7, 10));
    }

    @Test
    void latenessProbeRunsAndNeverWakesEarly() throws Exception {
        // no load: every sleeper records
        TimerLateness.Result idle = TimerLateness.run(TimerLateness.Busy.YIELD, 0, 2, 200, 100);
        assertTrue(idle.samples() > 0, idle.toString());
        assertEquals(0, idle.early(), "Thread.sleep woke before its deadline: " + idle);
        assertTrue(0 <= idle.p50Micros() && idle.p50Micros() <= idle.p99Micros()
                && idle.p99Micros() <= idle.maxMicros(), idle.toString());
        // under load (how many samples depends on the scheduler: the JDK's may starve the sleepers): it ends, the
        // busy thread worked, and nobody woke early
        for (TimerLateness.Busy kind : TimerLateness.Busy.values()) {
            TimerLateness.Result r = TimerLateness.run(kind, 1, 2, 300, 100);
            assertEquals(0, r.early(), "Thread.sleep woke before its deadline: " + r);
            assertTrue(r.busySlices() > 0, r.toString());
        }
    }

    // ------------------------------------------------------------------ child JVM under -javaagent (GOMAXPROCS=1)

    @Test
    void everyRouteAnswersUnderTheAgent() throws Exception {
        Process p = child(List.of(), BenchServer.class.getName(), "0").start();
        try {
            BlockingQueue<String> lines = new ArrayBlockingQueue<>(1024);
            Thread reader = Thread.ofPlatform().daemon().name("child-stdout").start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String l; (l = in.readLine()) != null; ) {
                        lines.offer(l);
                    }
                } catch (IOException ignored) {
                    // the child was stopped
                }
            });
            Pattern listening = Pattern.compile("httpbench listening port=(\\d+) pid=(\\d+)");
            int port = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (port < 0 && System.nanoTime() < deadline) {
                String l = lines.poll(1, TimeUnit.SECONDS);
                Matcher m = l == null ? null : listening.matcher(l);
                if (m != null && m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
                if (l == null && !p.isAlive()) {
                    fail("child server exited " + p.exitValue() + ":\n" + new String(p.getErrorStream().readAllBytes(),
                            StandardCharsets.UTF_8));
                }
            }
            assertTrue(port > 0, "child server did not print its port within 60 s");
            hitEveryRoute(port);
            // the agent is in: goloom's carriers (named goloom-M<n>) exist in the child
            Path tasks = Path.of("/proc", Long.toString(p.pid()), "task");
            if (Files.isDirectory(tasks)) {
                List<String> names = new ArrayList<>();
                try (var ds = Files.list(tasks)) {
                    for (Path t : ds.toList()) {
                        try {
                            names.add(Files.readString(t.resolve("comm")).strip());
                        } catch (IOException gone) {
                            // a thread that ended meanwhile
                        }
                    }
                }
                assertTrue(names.stream().anyMatch(n -> n.startsWith("goloom-M")), "no goloom-M thread: " + names);
            }
            reader.interrupt();
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void latenessProbeRunsUnderTheAgent() throws Exception {
        Path out = Files.createTempFile("httpbench-lateness", ".txt");
        Path err = Files.createTempFile("httpbench-lateness", ".err");
        try {
            Process p = child(List.of(), TimerLateness.class.getName(), "goloom", "1", "0.3", "2", "100", "pingpong")
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                fail("TimerLateness under the agent did not finish in 90 s:\n" + Files.readString(err));
            }
            String o = Files.readString(out);
            assertEquals(0, p.exitValue(), o + Files.readString(err));
            Matcher m = Pattern.compile("lateness sched=goloom kind=pingpong busy=1 sleepers=2 seconds=0\\.3 samples=(\\d+) .*"
                    + "early=(\\d+) busy_slices=(\\d+)").matcher(o);
            assertTrue(m.find(), o);
            assertEquals(0, Long.parseLong(m.group(2)), "a sleeper woke early: " + o);
            assertTrue(Long.parseLong(m.group(3)) > 0, o);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * A child JVM with {@code -javaagent} on goloom's jar and GOMAXPROCS=1, running {@code main} from this module's
     * class path without goloom on it (goloom must come from the agent, as for an application).
     */
    private static ProcessBuilder child(List<String> jvmArgs, String main, String... args) {
        String goloom = goloomLocation().toString();
        String cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !Path.of(e).toAbsolutePath().normalize().toString().equals(goloom))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.add("-javaagent:" + agentJar());
        cmd.add("-Xmx256m");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(main);
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        for (String v : List.of("GODEBUG", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
            pb.environment().remove(v);
        }
        pb.environment().put("GOMAXPROCS", "1");
        return pb;
    }

    private static Path goloomLocation() {
        try {
            return Path.of(GoScheduler.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toAbsolutePath().normalize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static volatile Path builtJar;

    /**
     * goloom's jar: the packaged one when the reactor hands us a jar ({@code mvn verify}); with only compiled
     * classes ({@code mvn test}, an IDE) a jar built here with the agent's manifest, as scheduler's AgentIT does.
     */
    private static synchronized Path agentJar() {
        Path classes = goloomLocation();
        if (!Files.isDirectory(classes)) {
            return classes;
        }
        if (builtJar != null) {
            return builtJar;
        }
        try {
            Manifest mf = new Manifest();
            Attributes a = mf.getMainAttributes();
            a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
            a.putValue("Premain-Class", "io.goloom.scheduler.GoloomAgent");
            a.putValue("Agent-Class", "io.goloom.scheduler.GoloomAgent");
            a.putValue("Can-Retransform-Classes", "true");
            a.putValue("Can-Redefine-Classes", "true");
            Path jar = Files.createTempFile("goloom-agent-httpbench", ".jar");
            jar.toFile().deleteOnExit();
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf);
                 var files = Files.walk(classes)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                    out.write(Files.readAllBytes(f));
                    out.closeEntry();
                }
            }
            builtJar = jar;
            assertNotNull(builtJar);
            return jar;
        } catch (IOException e) {
            throw new IllegalStateException("cannot build an agent jar for the test: " + e, e);
        }
    }
}
