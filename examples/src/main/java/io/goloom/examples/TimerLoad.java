package io.goloom.examples;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Timer throughput under overload: {@code threads} virtual threads each sleeping a random 0..{@code maxMs} ms in a
 * loop for {@code seconds}. Prints wake-ups per second, the lateness percentiles and the heap it took, for
 * whichever scheduler runs it (the JDK default, or goloom with {@code -javaagent}). No goloom import: it is an
 * unchanged program.
 *
 * <pre>
 * java -cp examples/target/classes io.goloom.examples.TimerLoad 100000 50 10
 * java -javaagent:scheduler/target/goloom-scheduler-*.jar -cp examples/target/classes io.goloom.examples.TimerLoad 100000 50 10
 * </pre>
 */
public final class TimerLoad {
    private TimerLoad() {}

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int maxMs = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        long warmupNanos = TimeUnit.SECONDS.toNanos(Math.min(2, seconds));
        long start = System.nanoTime();
        long measureFrom = start + warmupNanos;
        long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong wakeups = new AtomicLong();
        // lateness samples in microseconds, one reservoir per thread slot (racy writes are fine for percentiles)
        int samples = 1 << 20;
        long[] late = new long[samples];
        AtomicLong sampleIdx = new AtomicLong();
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heapBefore = rt.totalMemory() - rt.freeMemory();
        List<Thread> ts = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            ts.add(Thread.ofVirtual().start(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (;;) {
                    long nanos = rnd.nextLong(TimeUnit.MILLISECONDS.toNanos(maxMs) + 1);
                    long t0 = System.nanoTime();
                    if (t0 >= end) {
                        return;
                    }
                    try {
                        Thread.sleep(java.time.Duration.ofNanos(nanos));
                    } catch (InterruptedException e) {
                        return;
                    }
                    long t1 = System.nanoTime();
                    if (t0 >= measureFrom && t1 < end) {
                        wakeups.incrementAndGet();
                        long k = sampleIdx.getAndIncrement();
                        if (k < samples) {
                            late[(int) k] = (t1 - t0 - nanos) / 1_000;
                        }
                    }
                }
            }));
        }
        Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(measureFrom - System.nanoTime()) + 500));
        long heapDuring = rt.totalMemory() - rt.freeMemory();
        for (Thread t : ts) {
            t.join();
        }
        int n = (int) Math.min(samples, sampleIdx.get());
        long[] l = Arrays.copyOf(late, n);
        Arrays.sort(l);
        String sched = System.getProperty("goloom.label", ManagementLabel.label());
        System.out.printf("%s: %d threads sleeping 0-%d ms: %,.0f wake-ups/s, lateness p50=%d us p99=%d us max=%d us, "
                        + "heap ~%d MB%n", sched, threads, maxMs, wakeups.get() / (double) seconds,
                n == 0 ? 0 : l[n / 2], n == 0 ? 0 : l[(int) (n * 0.99)], n == 0 ? 0 : l[n - 1],
                Math.max(0, heapDuring - heapBefore) >> 20);
    }

    /** "goloom" when the agent's JVM-wide scheduler is there, else "JDK default". */
    static final class ManagementLabel {
        static String label() {
            try {
                Class<?> c = Class.forName("io.goloom.scheduler.GoScheduler");
                Object o = c.getMethod("jvmWide").invoke(null);
                return ((java.util.Optional<?>) o).isPresent() ? "goloom" : "JDK default";
            } catch (ReflectiveOperationException e) {
                return "JDK default";
            }
        }
    }
}
