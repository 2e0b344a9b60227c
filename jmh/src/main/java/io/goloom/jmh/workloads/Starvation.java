package io.goloom.jmh.workloads;

import java.util.Locale;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * starvation: a 1 ms ticker (a thread sleeping 1 ms in a loop) beside {@code procs} CPU-bound threads that spin
 * for {@code hogMillis} without ever blocking or yielding, all on one scheduler with {@code procs} carriers / Ps.
 * Returns the largest delay of a tick past its 1 ms, in nanoseconds. Go's sysmon preempts (or, in goloom, hands
 * the P to another carrier) after 10 ms; the JDK's scheduler never preempts, so there the delay grows with
 * {@code hogMillis}.
 *
 * <p>Not a JMH benchmark (its result is a maximum, not a time per operation): run as
 * {@code java ... io.goloom.jmh.workloads.Starvation <goloom|jdk> <procs> <hogMillis>}, in a JVM of its own for
 * the JDK scheduler's parallelism. Prints one line:
 * {@code starvation impl=goloom procs=1 hogMs=1000 maxDelayMs=10.52 ticks=87}.
 */
public final class Starvation {
    private Starvation() {}

    /** Result: the largest tick delay and the number of ticks seen while the hogs ran. */
    public record Result(long maxDelayNanos, int ticks) {}

    public static Result run(ThreadFactory tf, int procs, long hogMillis) {
        return Threads.runMain(tf, () -> {
            AtomicBoolean hogsDone = new AtomicBoolean();
            long[] max = {0};
            int[] ticks = {0};
            Thread ticker = Threads.start(tf, () -> {
                long prev = System.nanoTime();
                while (!hogsDone.get()) {
                    Thread.sleep(1);
                    long now = System.nanoTime();
                    long delay = now - prev - 1_000_000L;
                    if (delay > max[0]) {
                        max[0] = delay;
                    }
                    ticks[0]++;
                    prev = now;
                }
            });
            Thread.sleep(20); // the ticker is running before the hogs start
            Thread[] hogs = new Thread[procs];
            for (int i = 0; i < procs; i++) {
                hogs[i] = Threads.start(tf, () -> spin(hogMillis));
            }
            Threads.joinAll(hogs);
            hogsDone.set(true);
            ticker.join();
            return new Result(max[0], ticks[0]);
        });
    }

    static volatile long sink;

    private static void spin(long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        long x = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 1000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        sink = x;
    }

    public static void main(String[] args) {
        String impl = args.length > 0 ? args[0] : "goloom";
        int procs = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        long hogMillis = args.length > 2 ? Long.parseLong(args[2]) : 1000;
        Result r;
        try (BenchScheduler s = BenchScheduler.open(Impl.parse(impl), procs)) {
            run(s.factory(), procs, 100); // warm up
            r = run(s.factory(), procs, hogMillis);
        }
        System.out.println(String.format(Locale.ROOT, "starvation impl=%s procs=%d hogMs=%d maxDelayMs=%.2f ticks=%d",
                impl, procs, hogMillis, r.maxDelayNanos() / 1e6, r.ticks()));
    }
}
