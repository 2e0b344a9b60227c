package io.goloom.scheduler;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** close(), bad input, and the missing --add-opens. */
class LifecycleTest {

    private static long carriersAlive(String schedulerName) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(schedulerName + "-") && t.isAlive())
                .count();
    }

    @Test
    void closeRefusesNewThreadsWithAClearMessage() throws Exception {
        GoScheduler sched = GoScheduler.builder().maxProcs(2).name("closing").build();
        Waits.join(sched.go(() -> {}), Duration.ofSeconds(10));
        sched.close();
        sched.close(); // idempotent
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> sched.go(() -> {}));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(RejectedExecutionException.class, sched::threadBuilder);
        assertThrows(RejectedExecutionException.class, sched::newVirtualThreadPerTaskExecutor);
        assertThrows(RejectedExecutionException.class, () -> sched.sched().execute(() -> {}));
        assertTrue(sched.isClosed());
    }

    @Test
    void runnableThreadsFinishAfterCloseAndParkedOnesRunWhenWoken() throws Exception {
        GoScheduler sched = GoScheduler.builder().maxProcs(2).name("drain").build();
        int n = 2_000;
        CountDownLatch done = new CountDownLatch(n);
        LongAdder ran = new LongAdder();
        for (int i = 0; i < n; i++) {
            sched.go(() -> {
                LockSupport.parkNanos(5_000_000);
                Thread.yield();
                ran.increment();
                done.countDown();
            });
        }
        // One thread parks indefinitely and, once woken, tries to start a child: the child is refused (closed),
        // the parent itself still runs.
        AtomicBoolean parentRan = new AtomicBoolean();
        AtomicReference<Throwable> childStart = new AtomicReference<>();
        CountDownLatch parked = new CountDownLatch(1);
        Thread sleeper = sched.go(() -> {
            parked.countDown();
            LockSupport.park();
            try {
                Thread.ofVirtual().start(() -> {});
            } catch (Throwable t) {
                childStart.set(t);
            }
            parentRan.set(true);
        });
        Waits.await(parked, Duration.ofSeconds(10), "sleeper parked");
        sched.close();

        Waits.await(done, Duration.ofSeconds(60), "threads runnable at close");
        assertEquals(n, ran.sum());
        // Nothing runnable is left: every carrier exits, even with a thread still parked.
        assertTrue(sched.awaitTermination(Duration.ofSeconds(30)), "carriers exit once idle after close");
        Waits.until(() -> carriersAlive("drain") == 0, Duration.ofSeconds(10), "no carrier thread left");
        assertTrue(sleeper.isAlive());

        // The parked thread is not lost: waking it brings a carrier back.
        LockSupport.unpark(sleeper);
        Waits.join(sleeper, Duration.ofSeconds(10));
        assertTrue(parentRan.get());
        assertInstanceOf(RejectedExecutionException.class, childStart.get());
        assertTrue(sched.awaitTermination(Duration.ofSeconds(30)));
    }

    @Test
    void badInputGetsClearExceptions() {
        assertThrows(IllegalArgumentException.class, () -> GoScheduler.builder().maxProcs(0));
        assertThrows(IllegalArgumentException.class, () -> GoScheduler.builder().maxProcs(-3));
        IllegalArgumentException absurd = assertThrows(IllegalArgumentException.class,
                () -> GoScheduler.builder().maxProcs(Integer.MAX_VALUE));
        assertTrue(absurd.getMessage().contains("1.." + GoScheduler.MAX_PROCS), absurd.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GoScheduler.builder().maxThreads(0));
        assertThrows(IllegalArgumentException.class, () -> GoScheduler.builder().name(" "));
        assertThrows(NullPointerException.class, () -> GoScheduler.builder().name(null));
        assertThrows(IllegalArgumentException.class, () -> GoScheduler.builder().schedtrace(Duration.ZERO));
        IllegalArgumentException env = assertThrows(IllegalArgumentException.class,
                () -> GoScheduler.parseProcs("environment variable GOMAXPROCS", "lots"));
        assertTrue(env.getMessage().contains("GOMAXPROCS=lots"), env.getMessage());
        try (GoScheduler sched = GoScheduler.builder().maxProcs(1).name("bad-input").build()) {
            assertThrows(NullPointerException.class, () -> sched.go(null));
            assertThrows(NullPointerException.class, () -> sched.sched().execute(null));
            assertThrows(IllegalArgumentException.class, () -> sched.setMaxProcs(GoScheduler.MAX_PROCS + 1));
            assertEquals(1, sched.setMaxProcs(3), "returns the previous value, like runtime.GOMAXPROCS");
            assertEquals(3, sched.maxProcs());
            // Go's query idiom runtime.GOMAXPROCS(0): n < 1 changes nothing and returns the current value
            assertEquals(3, sched.setMaxProcs(0));
            assertEquals(3, sched.setMaxProcs(-7));
            assertEquals(3, sched.maxProcs());
        }
    }

    @Test
    void defaultGomaxprocsHonoursTheSystemPropertyAndNamesItWhenWrong() throws Exception {
        String old = System.getProperty("goloom.maxprocs");
        try {
            System.setProperty("goloom.maxprocs", "3");
            assertEquals(3, GoScheduler.defaultMaxProcs());
            System.setProperty("goloom.maxprocs", "zero");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, GoScheduler::defaultMaxProcs);
            assertTrue(e.getMessage().contains("goloom.maxprocs"), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty("goloom.maxprocs");
            } else {
                System.setProperty("goloom.maxprocs", old);
            }
        }
        // the environment variable, in a child JVM
        ProcessResult r = runChild(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED"),
                List.of("GOMAXPROCS=5"), "maxprocs");
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("maxProcs=5"), r.output);
    }

    @Test
    void withoutAddOpensTheFirstUseNamesTheFlag() throws Exception {
        ProcessResult r = runChild(List.of(), List.of(), "create");
        assertNotEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("--add-opens java.base/java.lang=ALL-UNNAMED"), r.output);
        assertTrue(r.output.contains("IllegalStateException"), r.output);
    }

    /** Entry point of the child JVMs above. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            switch (args[0]) {
                case "create" -> {
                    try (GoScheduler s = GoScheduler.create()) {
                        s.go(() -> {}).join();
                    }
                }
                case "maxprocs" -> {
                    try (GoScheduler s = GoScheduler.create()) {
                        System.out.println("maxProcs=" + s.maxProcs());
                    }
                }
                default -> throw new IllegalArgumentException(args[0]);
            }
        }
    }

    record ProcessResult(int exit, String output) {}

    static ProcessResult runChild(List<String> jvmArgs, List<String> env, String mode) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String cp = codeLocation(GoScheduler.class) + File.pathSeparator + codeLocation(Child.class);
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", cp, Child.class.getName(), mode));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("GOMAXPROCS");
        for (String kv : env) {
            String[] p = kv.split("=", 2);
            pb.environment().put(p[0], p[1]);
        }
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM did not finish: " + cmd);
        }
        return new ProcessResult(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static String codeLocation(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void ioPollersNeverLandOnAClosableScheduler() throws Exception {
        // Creating a GoScheduler initialises the JDK's I/O pollers from a platform thread first. A socket read on
        // the default scheduler after a GoScheduler that did network I/O was closed must still work.
        try (GoScheduler sched = GoScheduler.builder().maxProcs(1).name("poller-test").build()) {
            Waits.join(sched.go(LifecycleTest::loopbackRoundTrip), Duration.ofSeconds(20));
        }
        AtomicBoolean ok = new AtomicBoolean();
        Thread t = Thread.ofVirtual().start(() -> {
            loopbackRoundTrip();
            ok.set(true);
        });
        Waits.join(t, Duration.ofSeconds(20));
        assertTrue(ok.get());
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(th -> th.getName().startsWith("poller-test-M") && th.isAlive()
                        && th.getState() == Thread.State.RUNNABLE),
                "no carrier of the closed scheduler is kept busy by a poller");
    }

    private static void loopbackRoundTrip() {
        try (var server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread accept = Thread.ofVirtual().start(() -> {
                try (var s = server.accept()) {
                    s.getOutputStream().write(s.getInputStream().read() + 1);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            try (var c = new java.net.Socket(server.getInetAddress(), server.getLocalPort())) {
                c.setSoTimeout(10_000);
                c.getOutputStream().write(41);
                assertEquals(42, c.getInputStream().read());
            }
            accept.join(10_000);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
