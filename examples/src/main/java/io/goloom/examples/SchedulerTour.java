package io.goloom.examples;

import io.goloom.scheduler.GoScheduler;
import io.goloom.scheduler.GoSchedulerStats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A tour of goloom's scheduler: real work on many virtual threads, and what the scheduler did for it.
 *
 * <ol>
 *   <li>Go's single-P order: a thread that starts A, B, C and then blocks sees C run first (runnext).</li>
 *   <li>A fan-out tree of 100,000 virtual threads summing numbers (work spreads by stealing).</li>
 *   <li>Two threads passing a token 200,000 times with park/unpark (hand-offs through runnext).</li>
 *   <li>A CPU hog beside a 1 ms ticker on one P: sysmon hands the P to another carrier.</li>
 *   <li>GOMAXPROCS changed while 20,000 threads run.</li>
 * </ol>
 */
public final class SchedulerTour {
    private SchedulerTour() {}

    public static void main(String[] args) throws Exception {
        System.out.println("goloom " + GoScheduler.VERSION + " on JDK " + Runtime.version() + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs\n");
        singlePOrder();
        try (GoScheduler sched = GoScheduler.builder().name("tour").build()) {
            fanOut(sched);
            pingPong(sched);
            resize(sched);
            System.out.println("\nWhat the scheduler did:\n" + sched.stats());
            System.out.println("\n" + sched.schedtrace(false));
        }
        hog();
    }

    private static void singlePOrder() throws InterruptedException {
        // A cold JVM can keep the parent mounted 10 ms while its children wait; sysmon then rightly hands the P
        // to another carrier and the single-P order is gone. Such runs are shown as disturbed and repeated.
        for (int attempt = 1; ; attempt++) {
            try (GoScheduler one = GoScheduler.builder().maxProcs(1).name("one-p").build()) {
                List<String> order = new ArrayList<>();
                one.go(() -> {
                    List<Thread> ts = new ArrayList<>();
                    for (String n : List.of("A", "B", "C")) {
                        ts.add(Thread.ofVirtual().start(() -> {
                            synchronized (order) {
                                order.add(n);
                            }
                        }));
                    }
                    for (Thread t : ts) {
                        try {
                            t.join();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }).join(10_000);
                long handoffs = one.stats().handoffs();
                if (handoffs > 0 && attempt < 5) {
                    System.out.println("   (attempt " + attempt + " disturbed by a sysmon hand-off: " + order + ")");
                    continue;
                }
                System.out.println("1. GOMAXPROCS=1, started A, B, C then blocked; they ran: " + order
                        + "   (Go: C first from runnext, then A, B from the ring)");
                return;
            }
        }
    }

    private static void fanOut(GoScheduler sched) throws InterruptedException {
        long start = System.nanoTime();
        AtomicLong sum = new AtomicLong();
        Thread root = sched.go(() -> sumTree(0, 100_000, sum));
        root.join(60_000);
        long ms = (System.nanoTime() - start) / 1_000_000;
        GoSchedulerStats s = sched.stats();
        System.out.printf("2. fan-out tree of 100,000 virtual threads: sum=%d (expected %d) in %d ms;"
                + " steals=%d moving %d threads, Ms created=%d%n", sum.get(), 99_999L * 100_000 / 2, ms,
                s.steals(), s.stolenThreads(), s.machinesCreated());
    }

    /** Each node starts a child per half until ranges are small, like a recursive goroutine tree. */
    private static void sumTree(int from, int to, AtomicLong sum) {
        if (to - from <= 1) {
            sum.addAndGet(from);
            return;
        }
        int mid = (from + to) >>> 1;
        Thread left = Thread.ofVirtual().start(() -> sumTree(from, mid, sum));
        Thread right = Thread.ofVirtual().start(() -> sumTree(mid, to, sum));
        try {
            left.join();
            right.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pingPong(GoScheduler sched) throws InterruptedException {
        int rounds = 200_000;
        Thread[] pair = new Thread[2];
        int[] turn = {0};
        Object lock = new Object();
        for (int side = 0; side < 2; side++) {
            int me = side;
            pair[side] = sched.threadBuilder().name("ping-pong-" + side).unstarted(() -> {
                for (int i = 0; i < rounds; i++) {
                    while (turnOf(turn, lock) != me) {
                        LockSupport.park();
                    }
                    synchronized (lock) {
                        turn[0] = 1 - me;
                    }
                    LockSupport.unpark(pair[1 - me]);
                }
            });
        }
        long before = sched.stats().localSubmits();
        long start = System.nanoTime();
        pair[0].start();
        pair[1].start();
        pair[0].join(60_000);
        pair[1].join(60_000);
        long ns = System.nanoTime() - start;
        System.out.printf("3. ping-pong, %d round trips with park/unpark: %d ns per round trip;"
                        + " %d wake-ups went to the waker's runnext%n",
                rounds, ns / rounds, sched.stats().localSubmits() - before);
    }

    private static int turnOf(int[] turn, Object lock) {
        synchronized (lock) {
            return turn[0];
        }
    }

    private static void resize(GoScheduler sched) throws InterruptedException {
        int n = 20_000;
        CountDownLatch done = new CountDownLatch(n);
        int before = sched.maxProcs();
        for (int i = 0; i < n; i++) {
            sched.go(() -> {
                for (int k = 0; k < 3; k++) {
                    Thread.yield();
                }
                done.countDown();
            });
            if (i == n / 3) {
                sched.setMaxProcs(before * 4);
            } else if (i == 2 * n / 3) {
                sched.setMaxProcs(1);
            }
        }
        boolean all = done.await(60, TimeUnit.SECONDS);
        sched.setMaxProcs(before);
        System.out.printf("4. GOMAXPROCS %d -> %d -> 1 -> %d while %d yielding threads ran: all finished=%b,"
                + " yields handled as Gosched=%d%n", before, before * 4, before, n, all, sched.stats().yields());
    }

    private static void hog() throws InterruptedException {
        try (GoScheduler one = GoScheduler.builder().maxProcs(1).name("hog-demo").build()) {
            long[] worst = {0};
            CountDownLatch ticking = new CountDownLatch(1);
            Thread ticker = one.go(() -> {
                long last = System.nanoTime();
                long end = last + 1_000_000_000L;
                ticking.countDown();
                while (System.nanoTime() < end) {
                    LockSupport.parkNanos(1_000_000);
                    long now = System.nanoTime();
                    worst[0] = Math.max(worst[0], now - last);
                    last = now;
                }
            });
            ticking.await();
            Thread hog = one.go(() -> {
                long end = System.nanoTime() + 1_000_000_000L;
                long x = 0;
                while (System.nanoTime() < end) {
                    x += System.nanoTime() & 1;
                }
                if (x == 42) {
                    System.out.print("");
                }
            });
            ticker.join(10_000);
            hog.join(10_000);
            GoSchedulerStats s = one.stats();
            System.out.printf("5. GOMAXPROCS=1, a 1 s CPU hog beside a 1 ms ticker: worst tick gap %.1f ms;"
                    + " sysmon hog retakes=%d, Ms created=%d%n", worst[0] / 1e6, s.hogRetakes(), s.machinesCreated());
            System.out.println("   " + one.schedtrace(false));
        }
        Duration.ofMillis(0);
    }
}
