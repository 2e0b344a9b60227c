package io.goloom.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** sysmon's own rules: it never sleeps deeply while a P runs (issue 13). */
class SysmonTest {

    /**
     * Issue 13's reproduction: a hot park/unpark pair keeps P0 busy through runnext (so only sysmon's slice
     * preemption lets the global queue in), GOMAXPROCS grows to 4096 and shrinks back to 1. While the shrink
     * scans the idle list, {@code npidle >= gomaxprocs} held although P0 ran, and sysmon went into its 60 s deep
     * sleep: the next unpark from a platform thread then waited 60 s. Each round must run that unpark within a
     * generous bound.
     */
    @Test
    void sysmonStaysAwakeAcrossAGomaxprocsShrinkWhileAPRuns() throws Exception {
        try (GoScheduler sched = GoScheduler.builder().maxProcs(1).name("shrink").build()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Thread> a = new AtomicReference<>();
            AtomicReference<Thread> b = new AtomicReference<>();
            AtomicLong pairRounds = new AtomicLong();
            // The pair: each unparks the other and parks, forever; both wake-ups go to runnext.
            Runnable ping = () -> {
                while (!stop.get()) {
                    Thread other = Thread.currentThread() == a.get() ? b.get() : a.get();
                    if (other != null) {
                        LockSupport.unpark(other);
                    }
                    pairRounds.incrementAndGet();
                    LockSupport.park();
                }
                Thread other = Thread.currentThread() == a.get() ? b.get() : a.get();
                LockSupport.unpark(other);
            };
            a.set(sched.threadBuilder().name("ping").unstarted(ping));
            b.set(sched.threadBuilder().name("pong").unstarted(ping));
            a.get().start();
            b.get().start();
            Waits.until(() -> pairRounds.get() > 1000, Duration.ofSeconds(10), "the pair runs");

            Duration bound = Duration.ofSeconds(5);
            long deadline = System.nanoTime() + Duration.ofSeconds(25).toNanos();
            int rounds = 0;
            long worstMillis = 0;
            try {
                while (rounds < 60 && System.nanoTime() - deadline < 0) {
                    rounds++;
                    sched.setMaxProcs(4096);
                    Thread.sleep(5 + rounds % 10);
                    sched.setMaxProcs(1);
                    Thread.sleep(40);
                    // A virtual thread parked in the meantime, woken from main (a platform thread): global queue.
                    CountDownLatch parked = new CountDownLatch(1);
                    CountDownLatch ran = new CountDownLatch(1);
                    AtomicBoolean woken = new AtomicBoolean();
                    Thread sleeper = sched.go(() -> {
                        parked.countDown();
                        while (!woken.get()) {
                            LockSupport.park();
                        }
                        ran.countDown();
                    });
                    Waits.await(parked, bound, "round " + rounds + ": the sleeper started");
                    Waits.until(() -> sleeper.getState() == Thread.State.WAITING, bound,
                            "round " + rounds + ": the sleeper parked");
                    long t0 = System.nanoTime();
                    woken.set(true);
                    LockSupport.unpark(sleeper);
                    Waits.await(ran, bound, "round " + rounds + ": an unpark from main ran (sysmon asleep?)");
                    worstMillis = Math.max(worstMillis, (System.nanoTime() - t0) / 1_000_000);
                }
            } finally {
                stop.set(true);
                LockSupport.unpark(a.get());
                LockSupport.unpark(b.get());
            }
            Waits.join(a.get(), Duration.ofSeconds(10));
            Waits.join(b.get(), Duration.ofSeconds(10));
            System.out.println("[SysmonTest] " + rounds + " shrink rounds 4096->1; slowest unpark from main "
                    + worstMillis + " ms; " + sched.stats());
            assertEquals(1, sched.maxProcs());
            assertTrue(rounds >= 10, "too few rounds ran: " + rounds);
        }
    }
}
