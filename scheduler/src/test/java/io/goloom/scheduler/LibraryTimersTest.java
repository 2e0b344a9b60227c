package io.goloom.scheduler;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-P timers (time.go) without the agent. A library-mode scheduler leaves the JDK's timeouts to the JDK
 * ({@code timersOnP} false). With {@code timersOnP} set by hand and {@link Sched#addTimer} called the way the agent's
 * {@code VirtualThread.schedule} hook calls it, the timer fires on a P (findRunnable's {@code runTimers}, or the
 * last steal pass), the thread it wakes runs, and an M with nothing to do sleeps until the timer in
 * {@code netpollBlocking} (the timers-only park) instead of spinning.
 */
class LibraryTimersTest {

    @Test
    void libraryModeLeavesTimeoutsToTheJdk() throws Exception {
        try (GoScheduler gs = GoScheduler.builder().maxProcs(2).name("timers-lib").build()) {
            Sched core = gs.sched();
            assertFalse(core.timersOnP, "without the agent the JDK keeps its own timeouts");
            long t0 = System.nanoTime();
            Thread t = gs.go(() -> {
                try {
                    Thread.sleep(30);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            Waits.join(t, Duration.ofSeconds(20));
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(30));
            assertEquals(0, core.timersFired.sum(), "nothing went through the Ps' heaps");
            assertEquals(0, core.netpollBlocks.sum(), "no M blocked in a poller");
            assertHeapsEmpty(core);
        }
    }

    @Test
    void aTimerFiresOnAPAndWakesItsThread() throws Exception {
        try (GoScheduler gs = GoScheduler.builder().maxProcs(2).name("timers-on-p").build()) {
            Sched core = gs.sched();
            core.timersOnP = true;
            long delay = TimeUnit.MILLISECONDS.toNanos(50);
            Waiter w = new Waiter(gs);
            AtomicLong addedAt = new AtomicLong();
            AtomicReference<Thread> firedOn = new AtomicReference<>();
            Thread adder = gs.go(() -> {
                addedAt.set(System.nanoTime());
                core.addTimer(() -> {
                    firedOn.set(Thread.currentThread());
                    w.wake();
                }, delay);
            });
            Waits.join(adder, Duration.ofSeconds(20));
            w.awaitDone();
            assertTrue(w.wokeAt.get() - addedAt.get() >= delay, "not before its deadline");
            assertTrue(firedOn.get() instanceof Machine m && m.sched == core,
                    "the timer ran on one of this scheduler's Ms, not a JDK timer thread: " + firedOn.get());
            assertEquals(1, core.timersFired.sum() + core.timersBySysmon.sum(), "fired exactly once");
            assertHeapsEmpty(core);
        }
    }

    @Test
    void anIdleMSleepsUntilTheTimerInsteadOfSpinning() throws Exception {
        try (GoScheduler gs = GoScheduler.builder().maxProcs(2).name("timers-idle").build()) {
            Sched core = gs.sched();
            core.timersOnP = true;
            Waiter w = new Waiter(gs);
            // Let every M settle (the waiter parked, every P idle) before the timer goes in.
            Waits.until(() -> core.npidle.get() == 2, Duration.ofSeconds(20), "every P idle");
            long delay = TimeUnit.MILLISECONDS.toNanos(1_000);
            long blocksBefore = core.netpollBlocks.sum();
            long cpuBefore = machinesCpuNanos(core);
            long cpuWallStart = System.nanoTime();
            Thread adder = gs.go(() -> core.addTimer(w::wake, delay));
            Waits.join(adder, Duration.ofSeconds(20));
            w.awaitDone();
            long cpu = machinesCpuNanos(core) - cpuBefore;
            long blocks = core.netpollBlocks.sum() - blocksBefore;
            System.out.printf("LibraryTimersTest: 1 s timer with every P idle: Ms' CPU %d ms, %d blocking polls, "
                    + "woke ~%d ms after the deadline%n", cpu / 1_000_000, blocks,
                    (w.wokeAt.get() - cpuWallStart - delay) / 1_000_000);
            assertEquals(1, core.timersFired.sum(), "the timer fired once, on a P (not by sysmon)");
            assertTrue(blocks >= 1, "an M blocked in the poller until the timer");
            assertTrue(blocks <= 5, "the poller did not re-block in a loop: " + blocks + " blocks");
            // A spinning M would burn the whole second on a core; the sleeping one a few milliseconds. The bound is
            // loose on purpose (busy CI machines, JIT warm-up on the Ms): it only tells sleeping from spinning.
            assertTrue(cpu < delay * 2 / 5, "the Ms used " + cpu / 1_000_000 + " ms of CPU in a 1 s wait");
            assertHeapsEmpty(core);
        }
    }

    @Test
    void aCancelledTimerNeverFiresAndLeavesItsHeap() throws Exception {
        try (GoScheduler gs = GoScheduler.builder().maxProcs(2).name("timers-cancel").build()) {
            Sched core = gs.sched();
            core.timersOnP = true;
            Waiter w = new Waiter(gs);
            long delay = TimeUnit.MILLISECONDS.toNanos(100);
            AtomicReference<Future<?>> timer = new AtomicReference<>();
            AtomicReference<Boolean> cancelled = new AtomicReference<>();
            Thread t = gs.go(() -> {
                Future<?> f = core.addTimer(w::wake, delay);
                timer.set(f);
                cancelled.set(f.cancel(false)); // the JDK's cancel when the thread wakes before its timeout
            });
            Waits.join(t, Duration.ofSeconds(20));
            assertTrue(cancelled.get(), "cancelled before its deadline");
            assertTrue(timer.get().isCancelled());
            assertHeapsEmpty(core); // removed at once, not left for the owner to drop
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(delay) * 3); // past the deadline: an M may wake, finds nothing
            assertEquals(0, core.timersFired.sum() + core.timersBySysmon.sum(), "a cancelled timer never fires");
            assertFalse(w.woken, "its task never ran");
            assertFalse(timer.get().cancel(false), "cancelled twice");
            w.wake();
            w.awaitDone();
        }
    }

    /** A virtual thread of {@code gs} parked until {@link #wake}; it records when it ran again. */
    static final class Waiter {
        final AtomicLong wokeAt = new AtomicLong();
        final CountDownLatch done = new CountDownLatch(1);
        volatile boolean woken;
        final Thread thread;

        Waiter(GoScheduler gs) {
            CountDownLatch parked = new CountDownLatch(1);
            thread = gs.go(() -> {
                parked.countDown();
                while (!woken) {
                    LockSupport.park(); // spurious returns loop
                }
                wokeAt.set(System.nanoTime());
                done.countDown();
            });
            try {
                Waits.await(parked, Duration.ofSeconds(20), "waiter started");
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        /** The timer's task: runs on an M, like the JDK's parkTimeoutExpired. */
        void wake() {
            woken = true;
            LockSupport.unpark(thread);
        }

        void awaitDone() throws InterruptedException {
            Waits.await(done, Duration.ofSeconds(20), "the timer woke the waiter");
            Waits.join(thread, Duration.ofSeconds(20));
        }
    }

    static void assertHeapsEmpty(Sched core) {
        for (Processor p : core.procs.all()) {
            assertEquals(0, p.timers.size(), "P" + p.id + "'s heap");
            assertEquals(Sched.NO_DEADLINE, p.timers.when0(), "P" + p.id + "'s when0");
        }
        assertEquals(Sched.NO_DEADLINE, core.earliestTimer());
    }

    /** CPU time of this scheduler's Ms (live ones; sysmon is not an M). */
    static long machinesCpuNanos(Sched core) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t instanceof Machine m && m.sched == core) {
                long c = mx.getThreadCpuTime(t.threadId());
                if (c > 0) {
                    sum += c;
                }
            }
        }
        assertNotNull(mx);
        return sum;
    }
}
