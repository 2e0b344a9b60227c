package io.goloom.scheduler;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Programs that {@link AgentPreemptIT} runs in child JVMs under the agent: hogs beside a ticker, and workloads
 * whose results must not depend on preemption. Their classes come from test-classes, so the agent gives them
 * preemption points like any application class. Output: {@code key=value} lines.
 */
final class PreemptPrograms {
    private PreemptPrograms() {}

    static volatile boolean stop;

    /**
     * {@code Hogs KIND N MILLIS}: a 1 ms ticker, then N hogs of one kind for MILLIS ms. Prints the ticker's
     * worst gap and tick count, how many carriers burned at least a fifth of the window in CPU, the most hogs
     * seen progressing in one 5 ms sample, and the scheduler's preemption counters.
     * <ul>
     *   <li>{@code loop}: a loop without calls (no counter, so it has a back-edge point);</li>
     *   <li>{@code calls}: a loop that calls a small method of its own;</li>
     *   <li>{@code recursive}: a deep recursion without any loop (entry points only).</li>
     * </ul>
     */
    static final class Hogs {
        public static void main(String[] args) throws Exception {
            String kind = args[0];
            int n = Integer.parseInt(args[1]);
            long millis = Long.parseLong(args[2]);
            GoScheduler s = AgentPrograms.jvmWide();
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long[] lastTick = {System.nanoTime()};
            long[] worstGap = {0};
            long[] ticks = {0};
            boolean[] measuring = {false};
            Thread ticker = Thread.ofVirtual().name("ticker").start(() -> {
                while (!stop) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                    long now = System.nanoTime();
                    if (measuring[0]) {
                        worstGap[0] = Math.max(worstGap[0], now - lastTick[0]);
                        ticks[0]++;
                    }
                    lastTick[0] = now;
                }
            });
            Thread.sleep(300); // warm: the ticker runs, the JIT has compiled its loop
            long[] progress = new long[n * 16]; // one slot per hog, 128 bytes apart
            List<Thread> hogs = new ArrayList<>();
            long yieldsBefore = s.sched().preemptYields.sum();
            long retakesBefore = s.stats().hogRetakes();
            Map<Long, Long> cpuBefore = carrierCpu(mx);
            measuring[0] = true;
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                int slot = i * 16;
                Runnable body = switch (kind) {
                    case "loop" -> () -> hogLoop(progress, slot);
                    case "calls" -> () -> hogCalls(progress, slot);
                    case "recursive" -> () -> progress[slot] = hogRecursive(progress, slot, 60);
                    case "pinned" -> () -> PinnedHog.run(progress, slot);
                    default -> throw new IllegalArgumentException(kind);
                };
                hogs.add(Thread.ofVirtual().name("hog-" + i).start(body));
            }
            int maxProgressing = 0;
            long[] seen = new long[n];
            long end = start + millis * 1_000_000;
            while (System.nanoTime() < end) {
                Thread.sleep(5);
                int moving = 0;
                for (int i = 0; i < n; i++) {
                    long p = progress[i * 16];
                    if (p != seen[i]) {
                        moving++;
                        seen[i] = p;
                    }
                }
                maxProgressing = Math.max(maxProgressing, moving);
            }
            long window = System.nanoTime() - start;
            Map<Long, Long> cpuAfter = carrierCpu(mx);
            measuring[0] = false;
            stop = true;
            for (Thread h : hogs) {
                h.join(10_000);
            }
            ticker.join(10_000);
            int burning = 0;
            for (Map.Entry<Long, Long> e : cpuAfter.entrySet()) {
                long used = e.getValue() - cpuBefore.getOrDefault(e.getKey(), 0L);
                if (used >= window / 5) {
                    burning++;
                }
            }
            System.out.println("gomaxprocs=" + s.maxProcs());
            System.out.println("maxGapMs=" + worstGap[0] / 1_000_000.0);
            System.out.println("ticks=" + ticks[0]);
            System.out.println("burningCarriers=" + burning);
            System.out.println("carriers=" + cpuAfter.size());
            System.out.println("maxProgressing=" + maxProgressing);
            System.out.println("preemptYields=" + (s.sched().preemptYields.sum() - yieldsBefore));
            System.out.println("hogRetakes=" + (s.stats().hogRetakes() - retakesBefore));
            System.out.println("pinned=" + s.sched().preemptPinned.sum());
            System.out.println("missed=" + s.sched().preemptMissed.sum());
            PreemptionTransformer t = AgentInstaller.preemption;
            System.out.println("transformFailures=" + (t == null ? -1 : t.failures.sum()));
            if (t != null) {
                System.out.println("classesSeen=" + t.classesSeen.sum());
                System.out.println("classesInstrumented=" + t.classesInstrumented.sum());
                System.out.println("transformMicrosPerClass=" + t.transformNanos.sum() / 1000 / Math.max(1, t.classesSeen.sum()));
            }
        }

        /** CPU time of every goloom carrier thread now alive, by thread id. */
        static Map<Long, Long> carrierCpu(ThreadMXBean mx) {
            Map<Long, Long> m = new HashMap<>();
            for (Machine c : AgentPrograms.jvmWide().sched().allm) {
                long t = mx.getThreadCpuTime(c.threadId());
                if (t >= 0) {
                    m.put(c.threadId(), t);
                }
            }
            return m;
        }
    }

    /**
     * A hog inside a class initializer: the JVM's own frames below it pin the virtual thread, so its yield at a
     * preemption point does not unmount, and sysmon's hand-off must serve the others. One hog only (a second
     * thread touching the class would wait for the initialisation).
     */
    static final class PinnedHog {
        static long[] progress;
        static int slot;

        static void run(long[] p, int s) {
            progress = p;
            slot = s;
            Init.touch();
        }

        static final class Init {
            static {
                hogLoop(progress, slot);
            }

            static void touch() {}
        }
    }

    static void hogLoop(long[] progress, int slot) {
        long x = slot + 1;
        while (!stop) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            progress[slot] = x;
        }
    }

    static void hogCalls(long[] progress, int slot) {
        long x = slot + 1;
        while (!stop) {
            x = step(x);
            progress[slot] = x;
        }
    }

    static long step(long x) {
        return x * 6364136223846793005L + 1442695040888963407L;
    }

    /** 2^depth calls, far more than the window; returns at once when told to stop. No loop anywhere. */
    static long hogRecursive(long[] progress, int slot, int depth) {
        if (stop) {
            return 0;
        }
        if (depth == 0) {
            progress[slot]++;
            return 1;
        }
        return hogRecursive(progress, slot, depth - 1) + hogRecursive(progress, slot, depth - 1);
    }

    /**
     * {@code Workloads}: results that must be the same with preemption on and off. Critical sections run longer
     * than a time slice, so with preemption on, Gs yield while holding a monitor or a ReentrantLock.
     */
    static final class Workloads {
        static long sharedSync;
        static long sharedLock;
        static final Object MONITOR = new Object();
        static final ReentrantLock LOCK = new ReentrantLock();

        public static void main(String[] args) throws Exception {
            GoScheduler s = AgentPrograms.jvmWide();
            long yieldsBefore = s.sched().preemptYields.sum();
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                // pure computation, many more Gs than Ps
                List<Future<Long>> fs = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    long seed = i;
                    fs.add(ex.submit(() -> compute(seed, 3_000_000)));
                }
                long sum = 0;
                for (Future<Long> f : fs) {
                    sum += f.get();
                }
                System.out.println("compute=" + sum);
                // read-modify-write with a long gap, under synchronized and under a ReentrantLock
                List<Future<?>> all = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    all.add(ex.submit(() -> {
                        for (int k = 0; k < 4; k++) {
                            synchronized (MONITOR) {
                                long v = sharedSync;
                                busy(12);
                                sharedSync = v + 1;
                            }
                        }
                    }));
                    all.add(ex.submit(() -> {
                        for (int k = 0; k < 4; k++) {
                            LOCK.lock();
                            try {
                                long v = sharedLock;
                                busy(12);
                                sharedLock = v + 1;
                            } finally {
                                LOCK.unlock();
                            }
                        }
                    }));
                }
                for (Future<?> f : all) {
                    f.get();
                }
            }
            System.out.println("synchronized=" + sharedSync);
            System.out.println("reentrantLock=" + sharedLock);
            System.out.println("preemptYields=" + (s.sched().preemptYields.sum() - yieldsBefore));
        }

        static long compute(long seed, int rounds) {
            long x = seed * 0x9E3779B97F4A7C15L + 1;
            long acc = 0;
            for (int r = 0; r < rounds; r++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                if ((x & 1023) == 0) {
                    acc += Long.bitCount(x);
                }
            }
            return acc ^ x;
        }

        /** Busy for about {@code ms} of wall time (a loop with calls: it has a preemption point). */
        static void busy(long ms) {
            long end = System.nanoTime() + ms * 1_000_000;
            long x = 0;
            while (System.nanoTime() < end) {
                x++;
            }
            if (x == -1) {
                System.out.print("");
            }
        }
    }
}
