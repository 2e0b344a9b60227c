package io.goloom.scheduler;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Virtual threads on a GoScheduler behave like virtual threads: the JDK's own custom-scheduler checks and more. */
class GoSchedulerBasicsTest {
    static GoScheduler sched;

    @BeforeAll
    static void start() {
        sched = GoScheduler.builder().maxProcs(2).name("basics").build();
    }

    @AfterAll
    static void stop() {
        sched.close();
    }

    /** The M the calling virtual thread is mounted on, by carrier identity. */
    static Machine carrier() {
        Thread c = Loom.currentCarrierThread();
        return c instanceof Machine m ? m : null;
    }

    @Test
    void threadsRunOnThisSchedulersMachines() throws Exception {
        AtomicReference<Machine> seen = new AtomicReference<>();
        AtomicBoolean virtual = new AtomicBoolean();
        Thread t = sched.go(() -> {
            virtual.set(Thread.currentThread().isVirtual());
            seen.set(carrier());
        });
        Waits.join(t, Duration.ofSeconds(10));
        assertTrue(virtual.get());
        assertNotNull(seen.get(), "carrier is a goloom Machine");
        assertSame(sched.sched(), seen.get().sched);
    }

    @Test
    void childrenInheritTheScheduler() throws Exception {
        AtomicReference<Machine> child = new AtomicReference<>();
        AtomicReference<Machine> grandchild = new AtomicReference<>();
        Thread t = sched.go(() -> {
            Thread c = Thread.ofVirtual().start(() -> {
                child.set(carrier());
                Thread g = Thread.startVirtualThread(() -> grandchild.set(carrier()));
                try {
                    g.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            try {
                c.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        Waits.join(t, Duration.ofSeconds(10));
        assertSame(sched.sched(), child.get().sched);
        assertSame(sched.sched(), grandchild.get().sched);
    }

    @Test
    void executorServiceRunsTasksOnTheScheduler() throws Exception {
        try (ExecutorService ex = sched.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < 100; i++) {
                fs.add(ex.submit(() -> carrier() != null && carrier().sched == sched.sched()));
            }
            for (Future<Boolean> f : fs) {
                assertTrue(f.get(10, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void parkUnparkSleepJoin() throws Exception {
        AtomicInteger stage = new AtomicInteger();
        Thread sleeper = sched.go(() -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            stage.incrementAndGet();
        });
        Thread parker = sched.go(() -> {
            while (stage.get() < 2) {
                LockSupport.park();
            }
            stage.incrementAndGet();
        });
        Thread waker = sched.go(() -> {
            try {
                sleeper.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            stage.incrementAndGet();
            LockSupport.unpark(parker);
        });
        Waits.join(waker, Duration.ofSeconds(10));
        Waits.join(parker, Duration.ofSeconds(10));
        assertEquals(3, stage.get());
    }

    @Test
    void timedParkWakesUpOnItsOwn() throws Exception {
        AtomicReference<Long> took = new AtomicReference<>();
        Thread t = sched.go(() -> {
            long start = System.nanoTime();
            LockSupport.parkNanos(30_000_000);
            took.set(System.nanoTime() - start);
        });
        Waits.join(t, Duration.ofSeconds(10));
        assertTrue(took.get() >= 25_000_000, "parked about 30 ms: " + took.get());
    }

    @Test
    void synchronizedAndWaitNotifyWork() throws Exception {
        Object lock = new Object();
        int[] counter = {0};
        int threads = 50;
        int perThread = 2_000;
        CountDownLatch done = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            sched.go(() -> {
                for (int k = 0; k < perThread; k++) {
                    synchronized (lock) {
                        counter[0]++;
                        if (k % 500 == 0) {
                            lock.notifyAll();
                            try {
                                lock.wait(1);
                            } catch (InterruptedException e) {
                                throw new AssertionError(e);
                            }
                        }
                    }
                }
                done.countDown();
            });
        }
        Waits.await(done, Duration.ofSeconds(60), "synchronized workers");
        synchronized (lock) {
            assertEquals(threads * perThread, counter[0]);
        }
    }

    @Test
    void interruptWakesAParkedThreadAndNeverLeaksToTheCarrier() throws Exception {
        CountDownLatch parked = new CountDownLatch(1);
        AtomicBoolean sawInterrupt = new AtomicBoolean();
        Thread t = sched.go(() -> {
            parked.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                sawInterrupt.set(true);
            }
        });
        Waits.await(parked, Duration.ofSeconds(10), "thread started");
        t.interrupt();
        Waits.join(t, Duration.ofSeconds(10));
        assertTrue(sawInterrupt.get());

        // A virtual thread that ends with its interrupt status set: the carrier must not inherit it, and the
        // next virtual thread on that carrier must not see it.
        AtomicReference<Thread> carrierOfA = new AtomicReference<>();
        AtomicBoolean nextSawInterrupt = new AtomicBoolean(true);
        try (GoScheduler one = GoScheduler.builder().maxProcs(1).name("interrupts").build()) {
            Thread a = one.go(() -> {
                carrierOfA.set(Loom.currentCarrierThread());
                Thread.currentThread().interrupt();
                Thread.yield();
            });
            Waits.join(a, Duration.ofSeconds(10));
            Thread b = one.go(() -> nextSawInterrupt.set(Thread.currentThread().isInterrupted()));
            Waits.join(b, Duration.ofSeconds(10));
            // The JDK sets the carrier's status while an interrupted virtual thread is mounted and clears it at
            // unmount; once a has ended, its carrier must be clean.
            assertFalse(carrierOfA.get().isInterrupted(), "carrier interrupt status leaked from the virtual thread");
        }
        assertFalse(nextSawInterrupt.get(), "interrupt status leaked to the next virtual thread");
    }

    @Test
    void runningAContinuationOnAVirtualThreadIsRefusedByTheJdk() throws Exception {
        // The JDK's contract for custom schedulers: carriers must be platform threads. Our Ms are.
        AtomicReference<Thread> c = new AtomicReference<>();
        Thread t = sched.go(() -> c.set(Loom.currentCarrierThread()));
        Waits.join(t, Duration.ofSeconds(10));
        assertFalse(c.get().isVirtual());
        assertInstanceOf(Machine.class, c.get());
    }
}
