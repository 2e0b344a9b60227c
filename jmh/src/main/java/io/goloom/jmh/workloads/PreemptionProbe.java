package io.goloom.jmh.workloads;

import io.goloom.scheduler.GoScheduler;
import io.goloom.scheduler.GoSchedulerStats;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The preemption probe of issue 11: under the agent, {@code hogs} CPU-bound virtual threads (never blocking,
 * never yielding by themselves) beside a 1 ms ticker, for {@code millis} ms. Prints how many hogs made progress
 * in the same 5 ms sample at most, the ticker's worst gap, how many carriers burned at least a fifth of the
 * window in CPU, how many carriers exist, and sysmon's counters.
 *
 * <pre>
 * GOMAXPROCS=2 java -javaagent:scheduler/target/goloom-scheduler-0.1.0-SNAPSHOT.jar -cp jmh/target/benchmarks.jar \
 *     io.goloom.jmh.workloads.PreemptionProbe 8 2000
 * </pre>
 * With {@code =preempt=false} (or {@code GODEBUG=asyncpreemptoff=1}) it shows sysmon's hand-off instead, and
 * without the agent the JDK's scheduler.
 */
public final class PreemptionProbe {
    private PreemptionProbe() {}

    static volatile boolean stop;
    static volatile long sink;

    public static void main(String[] args) throws Exception {
        int hogs = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        long millis = args.length > 1 ? Long.parseLong(args[1]) : 2000;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] last = {System.nanoTime()};
        long[] worst = {0};
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
                    worst[0] = Math.max(worst[0], now - last[0]);
                }
                last[0] = now;
            }
        });
        // warm-up: the same hogs for a while, so that the window measures compiled code
        runHogs(hogs, 500, null, mx);
        GoSchedulerStats before = GoScheduler.jvmWide().map(GoScheduler::stats).orElse(null);
        measuring[0] = true;
        long[] r = runHogs(hogs, millis, worst, mx);
        measuring[0] = false;
        stop = true;
        ticker.join(10_000);
        GoSchedulerStats after = GoScheduler.jvmWide().map(GoScheduler::stats).orElse(null);
        System.out.println(String.format(Locale.ROOT,
                "preemption-probe agent=%s gomaxprocs=%s hogs=%d ms=%d maxHogsProgressing=%d tickerWorstGapMs=%.1f "
                        + "burningCarriers=%d carriers=%d hogRetakes=%s preemptRequests=%s",
                after != null, after == null ? "-" : after.gomaxprocs(), hogs, millis, r[0], worst[0] / 1e6, r[1], r[2],
                after == null ? "-" : after.hogRetakes() - before.hogRetakes(),
                after == null ? "-" : after.preemptRequests() - before.preemptRequests()));
    }

    /** Returns {max hogs progressing in one sample, carriers burning, carriers}. */
    static long[] runHogs(int n, long millis, long[] unused, ThreadMXBean mx) throws Exception {
        long[] progress = new long[n * 16];
        Thread[] ts = new Thread[n];
        boolean[] done = {false};
        for (int i = 0; i < n; i++) {
            int slot = i * 16;
            ts[i] = Thread.ofVirtual().name("hog-" + i).start(() -> {
                long x = slot;
                while (!done[0] && !stop) {
                    for (int k = 0; k < 1000; k++) { // counted, no calls: no point (Go <= 1.13 style)
                        x = x * 6364136223846793005L + 1442695040888963407L;
                    }
                    progress[slot]++; // the outer loop's back-edge has the point
                }
                sink = x;
            });
        }
        Map<Long, Long> cpu0 = carrierCpu(mx);
        long start = System.nanoTime();
        long end = start + millis * 1_000_000;
        long[] seen = new long[n];
        int maxMoving = 0;
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
            maxMoving = Math.max(maxMoving, moving);
        }
        long window = System.nanoTime() - start;
        Map<Long, Long> cpu1 = carrierCpu(mx);
        done[0] = true;
        for (Thread t : ts) {
            t.join(10_000);
        }
        int burning = 0;
        for (Map.Entry<Long, Long> e : cpu1.entrySet()) {
            if (e.getValue() - cpu0.getOrDefault(e.getKey(), 0L) >= window / 5) {
                burning++;
            }
        }
        return new long[] {maxMoving, burning, cpu1.size()};
    }

    /** CPU time of the carrier threads (goloom's {@code <name>-M<id>}, the JDK's {@code ForkJoinPool-*}). */
    static Map<Long, Long> carrierCpu(ThreadMXBean mx) {
        Map<Long, Long> m = new HashMap<>();
        for (ThreadInfo ti : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (ti == null) {
                continue;
            }
            String name = ti.getThreadName();
            if (name.matches(".*-M\\d+") || name.startsWith("ForkJoinPool-")) {
                long t = mx.getThreadCpuTime(ti.getThreadId());
                if (t >= 0) {
                    m.put(ti.getThreadId(), t);
                }
            }
        }
        return m;
    }
}
