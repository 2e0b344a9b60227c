package io.goloom.scheduler;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * sysmon's hand-off rule (issues 11 and 15): a carrier blocked where goloom cannot see it (a pinned virtual thread
 * parked, sleeping or blocked on a monitor) is retaken by Go's syscall rule, after one tick; a carrier that burns
 * CPU is still handed off by the hog rule.
 */
class HandOffRuleTest {

    // ---- a pin that JDK 25 honours: a native frame. qsort(2 ints) calls back into Java once. ----

    private static final MethodHandle QSORT;
    private static final MemorySegment COMPARE_STUB;
    /** What the callback runs; one pinned section per call (set by the caller before qsort). */
    private static final ThreadLocal<Runnable> PINNED_BODY = new ThreadLocal<>();

    static {
        try {
            Linker linker = Linker.nativeLinker();
            QSORT = linker.downcallHandle(linker.defaultLookup().find("qsort").orElseThrow(),
                    FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
            MethodHandle compare = MethodHandles.lookup().findStatic(HandOffRuleTest.class, "compare",
                    MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
            COMPARE_STUB = linker.upcallStub(compare, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static int compare(MemorySegment a, MemorySegment b) {
        Runnable body = PINNED_BODY.get();
        if (body != null) {
            PINNED_BODY.remove();
            body.run();
        }
        return 0;
    }

    /** Runs {@code body} on the calling (virtual) thread with a native frame below it, so the thread is pinned. */
    private static void pinned(Runnable body) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment two = arena.allocate(JAVA_INT, 2);
            PINNED_BODY.set(body);
            QSORT.invokeExact(two, 2L, 4L, COMPARE_STUB);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * Issue 15's scenario (the JDK's own test does it 100,000 times): on one P, a virtual thread pinned by a native
     * frame blocks on a monitor whose owner it has just woken; the owner sits in runnext of the same P, behind the
     * blocked carrier. Only a retake of the P lets the owner run and release the lock. Each round must finish in a
     * generous bound, and the P must be retaken by the syscall rule (one tick), not by the 10 ms hog rule.
     */
    @Test
    void aPinnedWaiterBlockingItsPIsRetakenByTheSyscallRule() throws Exception {
        int rounds = 200;
        try (GoScheduler sched = GoScheduler.builder().maxProcs(1).name("pinned").build()) {
            long slowestMicros = 0;
            for (int round = 1; round <= rounds; round++) {
                Object lock = new Object();
                AtomicBoolean go = new AtomicBoolean();
                CountDownLatch ownerHolds = new CountDownLatch(1);
                CountDownLatch waiterDone = new CountDownLatch(1);
                Thread owner = sched.go(() -> {
                    synchronized (lock) {
                        ownerHolds.countDown();
                        while (!go.get()) {
                            LockSupport.park(); // unpinned: synchronized does not pin on JDK 24+
                        }
                    }
                });
                Waits.await(ownerHolds, Duration.ofSeconds(10), "round " + round + ": the owner holds the lock");
                Waits.until(() -> owner.getState() == Thread.State.WAITING, Duration.ofSeconds(10),
                        "round " + round + ": the owner parked");
                AtomicLong t0 = new AtomicLong();
                sched.go(() -> pinned(() -> {
                    go.set(true);
                    LockSupport.unpark(owner); // from this P: the owner goes to runnext, behind us
                    t0.set(System.nanoTime());
                    synchronized (lock) { // blocks, pinned: the carrier is BLOCKED under us
                        waiterDone.countDown();
                    }
                }));
                Waits.await(waiterDone, Duration.ofSeconds(10), "round " + round
                        + ": the pinned waiter got the lock (the owner ran on a retaken P)");
                slowestMicros = Math.max(slowestMicros, (System.nanoTime() - t0.get()) / 1_000);
                Waits.join(owner, Duration.ofSeconds(10));
            }
            GoSchedulerStats st = sched.stats();
            System.out.println("[HandOffRuleTest] " + rounds + " pinned-waiter rounds on one P; slowest " + slowestMicros
                    + " us; " + st.syscallRetakes() + " syscall-rule retakes, " + st.hogRetakes() + " hog retakes");
            assertEquals(0, st.syscalls(), "no syscall bracket was involved");
            assertTrue(st.syscallRetakes() >= rounds,
                    "each round needed a retake, by the syscall rule: " + st);
            assertEquals(0, st.hogRetakes(), "no pinned-blocked carrier waited for the hog rule: " + st);
        }
    }

    /** The hog rule still stands for a carrier that burns CPU: a ticker beside a spinning thread on one P is served. */
    @Test
    void aCpuHogIsStillHandedOff() throws Exception {
        try (GoScheduler sched = GoScheduler.builder().maxProcs(1).name("hog").build()) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread hog = sched.go(() -> {
                while (!stop.get()) {
                    Thread.onSpinWait(); // never parks, never yields
                }
            });
            try {
                CountDownLatch ticks = new CountDownLatch(20);
                Thread ticker = sched.go(() -> {
                    while (ticks.getCount() > 0) {
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            return;
                        }
                        ticks.countDown();
                    }
                });
                Waits.await(ticks, Duration.ofSeconds(30), "the ticker ran beside the hog");
                Waits.join(ticker, Duration.ofSeconds(10));
            } finally {
                stop.set(true);
            }
            Waits.join(hog, Duration.ofSeconds(10));
            assertTrue(sched.stats().hogRetakes() >= 1, "the hog's P was handed off: " + sched.stats());
        }
    }

    /**
     * Not a test of speed: prints what sysmon's new reads cost per call on this machine (the retake loop does the
     * state read for every running P on every tick, the other two only for mounts of 1 ms or more while work waits).
     */
    @Test
    void printTheProbesCost() throws Exception {
        try (GoScheduler sched = GoScheduler.builder().maxProcs(1).name("probe").build()) {
            CountDownLatch started = new CountDownLatch(1);
            AtomicBoolean stop = new AtomicBoolean();
            Thread t = sched.go(() -> {
                started.countDown();
                while (!stop.get()) {
                    Thread.onSpinWait();
                }
            });
            Waits.await(started, Duration.ofSeconds(10), "started");
            Machine m = sched.sched().allm.peek();
            int n = 20_000;
            long sink = 0;
            long a = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += CarrierProbe.blockedInJava(m) ? 1 : 0;
            }
            long b = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += CarrierProbe.cpuTimeNanos(m);
            }
            long c = System.nanoTime();
            for (int i = 0; i < n / 10; i++) {
                sink += CarrierProbe.osState(m);
            }
            long d = System.nanoTime();
            stop.set(true);
            Waits.join(t, Duration.ofSeconds(10));
            System.out.printf("[HandOffRuleTest] probe cost per call (busy machine): state %.0f ns, cpu time %.0f ns, "
                    + "/proc state %.0f ns; osTid=%d (%d)%n", (b - a) / (double) n, (c - b) / (double) n,
                    (d - c) / (double) (n / 10), m.osTid, sink & 1);
            assertTrue(m.osTid > 0 || !System.getProperty("os.name").startsWith("Linux"), "Linux: the M knows its tid");
        }
    }

    // ---- the rule itself, deterministic: sysmon's retake with a fake clock and fake carrier readings ----

    /** A P held by a fake M mounted on one G, with work waiting in the global queue and nobody idle or spinning. */
    private static final class Rig implements CarrierProbe.Source {
        final Sched sched = new Sched("rule", 1, 100, 0, false);
        final Machine m = new Machine(sched, 0, null, false);
        final Machine idleM = new Machine(sched, 1, null, false);
        final Processor pp;
        Thread.State state = Thread.State.RUNNABLE;
        long cpu;
        int os = CarrierProbe.OS_RUNNABLE;

        Rig() {
            sched.mput(idleM); // handoffp gives the P to this M (never started) instead of creating a thread
            pp = sched.pidleget();
            sched.acquirep(m, pp);
            m.curg = () -> { };
            m.setCtl(1L << 2 | Machine.IN_G);
            sched.runq.put(() -> { }); // work waits
        }

        @Override
        public Thread.State state(Machine x) {
            return state;
        }

        @Override
        public long cpuTimeNanos(Machine x) {
            return cpu;
        }

        @Override
        public int osState(Machine x) {
            return os;
        }

        /** sysmon ticks every 20 µs from 0 to {@code untilMillis}; cpu follows {@code cpuShare} of wall time. */
        long ticksUntilTaken(double untilMillis, double cpuShare) {
            long step = 20_000;
            for (long now = 0; now <= untilMillis * 1_000_000; now += step) {
                cpu = (long) (now * cpuShare);
                if (sched.sysmon.retake(now) > 0) {
                    return now;
                }
            }
            return -1;
        }
    }

    private static <T> T withRig(java.util.function.Function<Rig, T> f) {
        Rig rig = new Rig();
        CarrierProbe.source = rig;
        try {
            return f.apply(rig);
        } finally {
            CarrierProbe.source = CarrierProbe.REAL;
        }
    }

    @Test
    void theRuleHandsOffACarrierThatBurnsCpu() {
        withRig(rig -> {
            long at = rig.ticksUntilTaken(100, 1.0);
            assertTrue(at >= Sched.TIME_SLICE_NANOS && at <= Sched.TIME_SLICE_NANOS + 1_000_000, "taken at " + at);
            assertEquals(1, rig.sched.retakesHog.sum());
            return null;
        });
        withRig(rig -> { // a carrier the OS runs a third of the time is still a hog, a little later
            long at = rig.ticksUntilTaken(100, 0.33);
            assertTrue(at > Sched.TIME_SLICE_NANOS && at < 30_000_000, "taken at " + at);
            return null;
        });
    }

    @Test
    void theRuleLeavesACarrierTheOsDidNotRun() {
        withRig(rig -> {
            rig.os = CarrierProbe.OS_RUNNABLE;
            assertEquals(-1, rig.ticksUntilTaken(200, 0.0), "runnable, no CPU: the OS did not run it");
            assertEquals(0, rig.sched.retakesHog.sum() + rig.sched.retakesSyscall.sum());
            return null;
        });
    }

    @Test
    void withoutCpuTimeTheWallClockRuleStands() {
        withRig(rig -> {
            CarrierProbe.source = new CarrierProbe.Source() {
                @Override
                public Thread.State state(Machine m) {
                    return Thread.State.RUNNABLE;
                }

                @Override
                public long cpuTimeNanos(Machine m) {
                    return -1;
                }

                @Override
                public int osState(Machine m) {
                    return CarrierProbe.OS_UNKNOWN;
                }
            };
            long at = rig.ticksUntilTaken(100, 0.0);
            assertTrue(at >= Sched.TIME_SLICE_NANOS && at <= Sched.TIME_SLICE_NANOS + 1_000_000, "taken at " + at);
            return null;
        });
    }

    @Test
    void theRuleHandsOffACarrierBlockedInTheKernelAfterASlice() {
        withRig(rig -> {
            rig.os = CarrierProbe.OS_BLOCKED;
            long at = rig.ticksUntilTaken(100, 0.0);
            assertTrue(at >= Sched.TIME_SLICE_NANOS && at <= Sched.TIME_SLICE_NANOS + 1_000_000, "taken at " + at);
            assertEquals(1, rig.sched.retakesHog.sum());
            return null;
        });
    }

    @Test
    void thePinnedBlockedRuleIsGosSyscallRuleAfterOneTick() {
        for (Thread.State st : new Thread.State[] {Thread.State.BLOCKED, Thread.State.WAITING, Thread.State.TIMED_WAITING}) {
            withRig(rig -> {
                rig.state = st;
                long at = rig.ticksUntilTaken(100, 0.0);
                assertEquals(20_000, at, st + ": seen blocked on two ticks, then taken");
                assertEquals(1, rig.sched.retakesSyscall.sum(), st.toString());
                assertEquals(0, rig.sched.retakesHog.sum(), st.toString());
                return null;
            });
        }
    }
}
