package io.goloom.httpbench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * How late does {@code Thread.sleep(1 ms)} wake a virtual thread when every P is busy? (issue 10: "a 1 ms sleeper
 * wakes 84 ms late at P=1 (p50)"; target p50 &lt;= 1 ms at P=1.)
 *
 * <p>Busy virtual threads (GOMAXPROCS of them, or GOMAXPROCS pairs, in the script) keep every P busy with real work,
 * not hogs: each does about {@code sliceMicros} of arithmetic and then yields ({@link Busy#YIELD}) or hands the turn
 * to its partner by unpark/park ({@link Busy#PINGPONG}), for ever, so a P always has a runnable thread but no thread
 * holds a P long enough for sysmon's 10 ms hog rule. {@code sleepers} virtual threads
 * meanwhile loop {@code t0 = nanoTime(); Thread.sleep(1); lateness = nanoTime() - t0 - 1 ms}. Go's timers put the
 * woken sleeper in its P's runnext, so it runs after the current slice; a scheduler whose timer wake-ups enter a
 * FIFO behind every yielder waits a whole round of the run queue. The sleepers start first; only wake-ups after the
 * busy threads have started are recorded, and a sleep still pending at the end is recorded when it wakes, however
 * late (a scheduler that starves the sleepers shows as few samples, each about as long as the run).
 *
 * <p>Nothing here knows about goloom: run it as is (JDK default scheduler, {@code
 * -Djdk.virtualThreadScheduler.parallelism=P}) or under {@code -javaagent:goloom-scheduler.jar} with
 * {@code GOMAXPROCS=P}.
 *
 * <p>Usage: {@code TimerLateness <label> <busy> <seconds> [sleepers] [sliceMicros] [yield|pingpong]}; prints one
 * line: {@code lateness sched=<label> kind=.. busy=.. sleepers=.. seconds=.. samples=.. p50_us=.. p99_us=.. max_us=.. early=..
 * busy_slices=..}.
 */
public final class TimerLateness {
    static final long SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /**
     * How the busy threads keep every P busy (both are real work in short slices, never a 10 ms hog):
     * {@code yield}: {@code busy} threads each loop a slice then {@code Thread.yield()}; {@code pingpong}: {@code busy}
     * pairs hand the turn to each other with {@code LockSupport.unpark}/{@code park} after each slice, the pattern
     * that keeps a P busy through {@code runnext} (Go's {@code runqput(next=true)}), where a wake-up that enters the
     * global queue waits for the 1-in-61 check.
     */
    public enum Busy { YIELD, PINGPONG }

    /** One run's answer. {@code early} counts wake-ups before the deadline (must stay 0: Thread.sleep's contract). */
    public record Result(Busy kind, int busy, int sleepers, double seconds, long samples, double p50Micros, double p99Micros,
                         double maxMicros, long early, long busySlices) {
        public String line(String label) {
            return String.format(Locale.ROOT, "lateness sched=%s kind=%s busy=%d sleepers=%d seconds=%.1f samples=%d "
                            + "p50_us=%.1f p99_us=%.1f max_us=%.1f early=%d busy_slices=%d", label,
                    kind.name().toLowerCase(Locale.ROOT), busy, sleepers, seconds, samples, p50Micros, p99Micros,
                    maxMicros, early, busySlices);
        }
    }

    private TimerLateness() {}

    /**
     * Runs the probe for {@code millis} and returns the lateness distribution. Every thread it starts is stopped
     * and joined before it returns (bounded: an unjoinable thread is an error, not a hang).
     */
    public static Result run(Busy kind, int busy, int sleepers, long millis, int sliceMicros)
            throws InterruptedException {
        if (busy < 0 || sleepers < 1 || millis < 1 || sliceMicros < 1) {
            throw new IllegalArgumentException("need busy >= 0, sleepers >= 1, millis >= 1, sliceMicros >= 1; got "
                    + busy + ", " + sleepers + ", " + millis + ", " + sliceMicros);
        }
        // the slice's iteration count: measured once here, on the caller, before the load starts
        int sliceIters = calibrate(sliceMicros);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        AtomicLong slices = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(sleepers);
        AtomicBoolean loaded = new AtomicBoolean();
        long[][] samples = new long[sleepers][];
        int[] counts = new int[sleepers];
        long[] early = new long[sleepers];
        for (int i = 0; i < sleepers; i++) {
            final int me = i;
            // at most one sample per ms per sleeper: sized up front, so recording allocates nothing
            samples[me] = new long[(int) Math.min(Integer.MAX_VALUE - 8, millis + 16)];
            threads.add(Thread.ofVirtual().name("sleeper-", i).start(() -> {
                long[] mine = samples[me];
                int n = 0;
                started.countDown();
                try {
                    while (System.nanoTime() - deadline < 0 && n < mine.length) {
                        long t0 = System.nanoTime();
                        Thread.sleep(1);
                        long late = System.nanoTime() - t0 - SLEEP_NANOS;
                        // only wake-ups under load (or after it) count: those before it come at once and would hide a
                        // scheduler that then starves the sleepers (few samples, each as long as the run)
                        boolean underLoad = loaded.get();
                        if (late < 0) {
                            early[me]++;
                        }
                        if (underLoad) {
                            mine[n++] = late;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                counts[me] = n;
            }));
        }
        // Every sleeper is in its loop before any P is loaded. Started after the busy threads, a sleeper may never get
        // a carrier on a scheduler that starves new arrivals behind yielders (the JDK's pool at P=1 does): it would
        // then record nothing, and the probe would hide the very lateness it measures. Started first, its sleep is in
        // flight when the load begins, and its wake-up is recorded however late it comes (after the deadline at worst).
        if (!started.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the sleepers did not start within 30 s");
        }
        loaded.set(true);
        for (int i = 0; i < busy; i++) {
            if (kind == Busy.YIELD) {
                threads.add(Thread.ofVirtual().name("busy-", i).start(() -> {
                    long sink = 0;
                    long n = 0;
                    while (System.nanoTime() - deadline < 0) {
                        sink += BenchServer.cpuWork(sliceIters);
                        n++;
                        Thread.yield();
                    }
                    slices.addAndGet(n + (sink == 42 ? 1 : 0)); // sink keeps the work alive
                }));
            } else {
                AtomicInteger turn = new AtomicInteger();
                Thread[] pair = new Thread[2];
                for (int side = 0; side < 2; side++) {
                    final int me = side;
                    pair[side] = Thread.ofVirtual().name("busy-" + i + (side == 0 ? "a" : "b")).unstarted(() -> {
                        long sink = 0;
                        long n = 0;
                        while (true) {
                            // turn is the hand-off: set before the unpark, read after the park, so a wake-up can
                            // neither be lost (unpark before park leaves the permit) nor taken for the turn
                            while (turn.get() != me) {
                                LockSupport.park();
                            }
                            boolean over = System.nanoTime() - deadline >= 0;
                            if (!over) {
                                sink += BenchServer.cpuWork(sliceIters);
                                n++;
                            }
                            turn.set(1 - me);
                            LockSupport.unpark(pair[1 - me]);
                            if (over) {
                                break; // the partner sees the deadline on its turn and ends too
                            }
                        }
                        slices.addAndGet(n + (sink == 42 ? 1 : 0));
                    });
                }
                threads.add(pair[0]);
                threads.add(pair[1]);
                pair[0].start();
                pair[1].start();
            }
        }
        for (Thread t : threads) {
            // the run ends at the deadline; after it, a busy thread ends its slice and a sleeper its sleep
            t.join(Math.max(1, millis) + 30_000);
            if (t.isAlive()) {
                throw new IllegalStateException(t + " did not finish 30 s after the deadline");
            }
        }
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        long[] all = new long[total];
        int k = 0;
        long earlyTotal = 0;
        for (int i = 0; i < sleepers; i++) {
            System.arraycopy(samples[i], 0, all, k, counts[i]);
            k += counts[i];
            earlyTotal += early[i];
        }
        Arrays.sort(all);
        return new Result(kind, busy, sleepers, millis / 1000.0, total, micros(pct(all, 0.50)), micros(pct(all, 0.99)),
                micros(total == 0 ? 0 : all[total - 1]), earlyTotal, slices.get());
    }

    private static long pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double micros(long nanos) {
        return nanos / 1000.0;
    }

    /** Iterations of {@link BenchServer#cpuWork} that take about {@code micros} here (best of a few tries). */
    static int calibrate(int micros) {
        int iters = 10_000;
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            long t0 = System.nanoTime();
            BenchServer.cpuWork(iters);
            best = Math.min(best, System.nanoTime() - t0);
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (long) iters * micros * 1000L / Math.max(1, best)));
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 3) {
            System.err.println("usage: TimerLateness <label> <busy threads (yield) or pairs (pingpong)> <seconds> "
                    + "[sleepers=4] [sliceMicros=100] [yield|pingpong]");
            System.exit(2);
        }
        String label = args[0];
        int busy = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        int sleepers = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        int slice = args.length > 4 ? Integer.parseInt(args[4]) : 100;
        Busy kind = args.length > 5 ? Busy.valueOf(args[5].toUpperCase(Locale.ROOT)) : Busy.YIELD;
        // a short warm-up, unrecorded, so the JIT has compiled the loops before the measured run
        run(kind, busy, sleepers, Math.min(1000, (long) (seconds * 1000)), slice);
        Result r = run(kind, busy, sleepers, (long) (seconds * 1000), slice);
        System.out.println(r.line(label));
    }
}
