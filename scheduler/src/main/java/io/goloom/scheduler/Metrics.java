package io.goloom.scheduler;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The one table of goloom's gauges and counters, like Go's {@code runtime/metrics} ({@code metrics/description.go}
 * names each metric once, and every view reads it from there). Every view reads this table:
 * {@link GoSchedulerMetrics} ({@link GoScheduler#metrics()}), {@link GoSchedulerStats} (its numeric components),
 * the MXBean (its existing attributes and the {@code Metrics} map), the JFR event {@code io.goloom.SchedulerStatistics}
 * (one field per entry, built from this table by {@code jdk.jfr.EventFactory}) and the gauges of the schedtrace line.
 *
 * <p>Adding a counter is one edit: a LongAdder (or per-P long) where it is counted, and one entry here.
 * {@code MetricsTest} fails if a LongAdder of {@link Sched} or a long counter of {@link Processor} is in no entry.
 *
 * <p>Names are Java identifiers (they are JFR field names) and stay stable once released; the lower-cased name of a
 * schedtrace gauge is its key in the SCHED line ({@code idleProcs} is {@code idleprocs=}). Gauges are read at one
 * instant each, not together; counters only grow. Per-P counters are plain longs written by the P's owner, so their
 * sum is a racy snapshot (good enough for statistics, as in Go's schedtrace).
 */
final class Metrics {
    private Metrics() {
    }

    /** One row: what Go's {@code metrics.Description} holds, plus how to read it from a {@link Sched}. */
    record Metric(String name, GoSchedulerMetrics.Kind kind, String unit, String description,
                  ToLongFunction<Sched> reader) {
        long read(Sched s) {
            return reader.applyAsLong(s);
        }

        GoSchedulerMetrics.Description describe() {
            return new GoSchedulerMetrics.Description(name, description, kind, unit);
        }
    }

    private static Metric gauge(String name, String unit, String description, ToLongFunction<Sched> reader) {
        return new Metric(name, GoSchedulerMetrics.Kind.GAUGE, unit, description, reader);
    }

    private static Metric counter(String name, String unit, String description, ToLongFunction<Sched> reader) {
        return new Metric(name, GoSchedulerMetrics.Kind.COUNTER, unit, description, reader);
    }

    /** Sum of a per-P counter over every P ever made (a P above GOMAXPROCS keeps what it counted). */
    private static long perP(Sched s, ToLongFunction<Processor> f) {
        long n = 0;
        for (Processor p : s.procs.all()) {
            n += f.applyAsLong(p);
        }
        return n;
    }

    // The gauges of Go's SCHED line, in its order (Sched.schedtrace reads them here).
    static final Metric GOMAXPROCS = gauge("gomaxprocs", "procs", "number of Ps (GOMAXPROCS)", s -> s.gomaxprocs);
    static final Metric IDLE_PROCS = gauge("idleProcs", "procs", "Ps on the idle list (idleprocs)",
            s -> Math.max(0, s.npidle.get()));
    static final Metric THREADS = gauge("threads", "threads", "live carrier threads (Ms) plus sysmon (threads)",
            s -> s.threads());
    static final Metric SPINNING_THREADS = gauge("spinningThreads", "threads",
            "Ms looking for work (spinningthreads)", s -> Math.max(0, s.nmspinning.get()));
    static final Metric NEED_SPINNING = gauge("needSpinning", "flag",
            "Go's sched.needspinning, 0 or 1: a spinning M is wanted (needspinning)", s -> s.needspinning.get());
    static final Metric IDLE_THREADS = gauge("idleThreads", "threads", "Ms parked on the idle list (idlethreads)",
            s -> Math.max(0, s.nmidle.get()));
    static final Metric RUN_QUEUE = gauge("runQueue", "goroutines",
            "virtual threads waiting in the global run queue (runqueue)", s -> s.runq.size());

    /** Every entry, in the order of every view (schedtrace's gauges first, then GoSchedulerStats' counters). */
    static final List<Metric> TABLE = List.of(
            GOMAXPROCS, IDLE_PROCS, THREADS, SPINNING_THREADS, NEED_SPINNING, IDLE_THREADS, RUN_QUEUE,
            gauge("localRunQueues", "goroutines",
                    "sum of the per-P local run queue lengths, runnext excluded (schedtrace's [a b ...] list)", s -> {
                        Processor[] all = s.procs.all();
                        long n = 0;
                        for (int i = 0, max = s.gomaxprocs; i < max && i < all.length; i++) {
                            n += all[i].runq.size();
                        }
                        return n;
                    }),
            counter("machinesCreated", "threads", "Ms ever created", s -> s.mnext.get()),
            counter("steals", "events", "successful steals (each takes half of a victim's ring, or its runnext)",
                    s -> perP(s, p -> p.steals)),
            counter("stolenThreads", "goroutines", "virtual threads moved by those steals",
                    s -> perP(s, p -> p.stolenGs)),
            counter("globalTakes", "events", "batches taken from the global queue when the local queue was empty",
                    s -> perP(s, p -> p.globalTakes)),
            counter("fairnessTakes", "events", "single takes from the global queue on every 61st time slice",
                    s -> perP(s, p -> p.fairTakes)),
            counter("handoffs", "events", "Ps handed to another M (handoffp) after a retake", s -> s.handoffs.sum()),
            counter("hogRetakes", "events", "Ps taken from an M whose virtual thread ran for 10 ms while work waited",
                    s -> s.retakesHog.sum()),
            counter("syscallRetakes", "events", "Ps taken from an M whose virtual thread was in a blocking call",
                    s -> s.retakesSyscall.sum()),
            counter("preemptRequests", "events", "time slices that ran past 10 ms (sysmon's preemptone)",
                    s -> s.preemptRequests.sum()),
            counter("runnextPreempts", "goroutines",
                    "virtual threads sent from runnext to the global queue because the slice had expired",
                    s -> perP(s, p -> p.runnextPreempts)),
            counter("yields", "events", "Thread.yield calls handled as Go's Gosched", s -> perP(s, p -> p.yields)),
            counter("spills", "events", "times a full local ring moved half of itself to the global queue",
                    s -> perP(s, p -> p.spills)),
            counter("localSubmits", "goroutines", "starts and wake-ups by virtual threads of this scheduler (to runnext)",
                    s -> perP(s, p -> p.localSubmits)),
            counter("externalSubmits", "goroutines", "starts and wake-ups from other threads (to the global queue)",
                    s -> s.externalSubmits.sum()),
            counter("syscalls", "events", "blocking calls entered (entersyscall, under the agent or the Syscall bracket)",
                    s -> s.syscalls.sum()),
            counter("threadLimitHits", "events", "times a new M was needed but the thread cap was reached",
                    s -> s.threadLimitHits.sum()),
            counter("sysmonWakeups", "events", "times sysmon's safety net had to start a spinning M (expected to stay 0)",
                    s -> s.sysmonWakeups.sum()),
            // Not in GoSchedulerStats (added after it was frozen): here, in the MXBean's Metrics and in JFR only.
            counter("exitsyscallSlow", "events",
                    "returns from a blocking call whose P had been retaken: exitsyscall's slow path (exitsyscallTryGetP, exitsyscall0)",
                    s -> s.exitsyscallSlow.sum()),
            counter("timersFired", "events", "timers run from the Ps' heaps (runtimer)", s -> s.timersFired.sum()),
            counter("timersBySysmon", "events", "overdue timers sysmon ran itself because no P was idle",
                    s -> s.timersBySysmon.sum()),
            counter("netpollReady", "goroutines", "virtual threads made ready by the netpoller (netpoll, injectglist)",
                    s -> s.netpollReady.sum()),
            counter("netpollBlocks", "events", "times an M with nothing to run blocked in the netpoller, or slept until the next timer (findRunnable)",
                    s -> s.netpollBlocks.sum()),
            counter("netpollBreaks", "events", "netpollBreak calls: wake-ups of the M blocked in the netpoller",
                    s -> s.netpollBreaks.sum()),
            counter("timerSleeperUnparks", "events",
                    "netpollBreaks that unparked the M sleeping for timers when there is no netpoller",
                    s -> s.timerSleeperUnparks.sum()),
            counter("preemptYields", "events", "virtual threads that yielded at a preemption point (gopreempt_m)",
                    s -> s.preemptYields.sum()),
            counter("preemptPinned", "events", "preemption-point yields that could not unmount (pinned)",
                    s -> s.preemptPinned.sum()),
            counter("preemptMissed", "events",
                    "hog hand-offs of a virtual thread that never reached a preemption point after its request",
                    s -> s.preemptMissed.sum()));

    private static final Map<String, Integer> INDEX = new HashMap<>();

    static {
        for (int i = 0; i < TABLE.size(); i++) {
            if (INDEX.put(TABLE.get(i).name(), i) != null) {
                throw new ExceptionInInitializerError("two metrics named " + TABLE.get(i).name());
            }
        }
    }

    /** The entry's position in {@link #TABLE}, or -1. */
    static int indexOf(String name) {
        Integer i = INDEX.get(name);
        return i == null ? -1 : i;
    }

    /** Every entry read now, in table order. */
    static long[] readAll(Sched s) {
        long[] v = new long[TABLE.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = TABLE.get(i).read(s);
        }
        return v;
    }

    /** One entry read now; {@code name} must be in the table. */
    static long read(Sched s, String name) {
        int i = indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException(GoSchedulerMetrics.unknown(name));
        }
        return TABLE.get(i).read(s);
    }
}
