package io.goloom.scheduler;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * goloom's JDK Flight Recorder events. All are off by default ({@code @Enabled(false)}); while off, each
 * scheduler hook costs one "is it enabled" check and builds nothing. Turn them on with
 * {@code -XX:StartFlightRecording:+io.goloom.Retake#enabled=true,...}, a .jfc file, or {@code Recording.enable}.
 *
 * <table>
 *   <tr><th>event</th><th>when</th><th>fields</th></tr>
 *   <tr><td>{@code io.goloom.Steal}</td><td>an M stole from another P's queue</td><td>thief P, victim P, count</td></tr>
 *   <tr><td>{@code io.goloom.Retake}</td><td>sysmon took a P from its M and handed it off</td>
 *       <td>P, M, reason (hog, syscall, blocked, gomaxprocs), how long the thread ran</td></tr>
 *   <tr><td>{@code io.goloom.LongRunning}</td><td>a virtual thread stayed mounted more than 10 ms (once per
 *       mount)</td><td>M, P, thread id and name, how long, its stack</td></tr>
 *   <tr><td>{@code io.goloom.MachineCreated}</td><td>a new carrier thread (M)</td><td>M</td></tr>
 *   <tr><td>{@code io.goloom.MachineParked}</td><td>an M parked on the idle list</td><td>M</td></tr>
 *   <tr><td>{@code io.goloom.SchedulerStatistics}</td><td>periodic (default every second when enabled)</td>
 *       <td>the schedtrace gauges and the main counters</td></tr>
 * </table>
 * The JFR stack trace of these events would be the scheduler's own (sysmon or a carrier), so it is off; the
 * long-running event carries the virtual thread's stack as text instead.
 */
final class JfrSchedEvents implements SchedEvents {
    private final String scheduler;

    JfrSchedEvents(String scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * Installs the events on {@code sched}, and the periodic statistics event for it, as soon as Flight Recorder
     * is initialised (at once if it is already: {@code -XX:StartFlightRecording}, or a {@code Recording} made
     * before). Not earlier, because merely loading a JFR event class initialises JFR's metadata, which costs a
     * few hundred milliseconds in a JVM that never records.
     */
    static void install(GoScheduler sched) {
        FlightRecorder.addListener(new FlightRecorderListener() {
            @Override
            public void recorderInitialized(FlightRecorder recorder) {
                sched.setEvents(new JfrSchedEvents(sched.name()));
                FlightRecorder.addPeriodicEvent(StatisticsEvent.class, () -> {
                    StatisticsEvent e = new StatisticsEvent();
                    if (e.isEnabled()) {
                        e.fill(sched);
                        e.commit();
                    }
                });
            }
        });
    }

    @Override
    public void machineCreated(Machine m) {
        MachineCreatedEvent e = new MachineCreatedEvent();
        if (e.isEnabled()) {
            e.scheduler = scheduler;
            e.machine = m.mid;
            e.commit();
        }
    }

    @Override
    public void machineParked(Machine m) {
        MachineParkedEvent e = new MachineParkedEvent();
        if (e.isEnabled()) {
            e.scheduler = scheduler;
            e.machine = m.mid;
            e.commit();
        }
    }

    @Override
    public void stolen(Processor thief, Processor victim, int n) {
        StealEvent e = new StealEvent();
        if (e.isEnabled()) {
            e.scheduler = scheduler;
            e.thief = thief.id;
            e.victim = victim.id;
            e.count = n;
            e.commit();
        }
    }

    @Override
    public void longRunning(Machine m, Runnable g, long ranNanos) {
        LongRunningEvent e = new LongRunningEvent();
        if (!e.isEnabled()) {
            return;
        }
        e.scheduler = scheduler;
        e.machine = m.mid;
        Processor pp = m.p;
        e.processor = pp == null ? -1 : pp.id;
        e.ran = ranNanos;
        Thread vt = g == null ? null : Loom.threadOf(g);
        if (vt != null) {
            e.virtualThreadId = vt.threadId();
            e.virtualThreadName = vt.getName();
            e.virtualThreadStack = stackOf(vt);
        }
        e.commit();
    }

    @Override
    public void retaken(Processor pp, Machine m, String why, long ranNanos) {
        RetakeEvent e = new RetakeEvent();
        if (e.isEnabled()) {
            e.scheduler = scheduler;
            e.processor = pp.id;
            e.machine = m.mid;
            e.reason = why;
            e.ran = ranNanos;
            e.commit();
        }
    }

    private static String stackOf(Thread vt) {
        StackTraceElement[] st;
        try {
            st = vt.getStackTrace();
        } catch (RuntimeException e) {
            return "(stack unavailable: " + e + ")";
        }
        StringBuilder sb = new StringBuilder();
        int n = Math.min(st.length, 64);
        for (int i = 0; i < n; i++) {
            sb.append("at ").append(st[i]).append('\n');
        }
        if (st.length > n) {
            sb.append("... ").append(st.length - n).append(" more\n");
        }
        return sb.toString();
    }

    // ----------------------------------------------------------------------------------------------------------

    @Name("io.goloom.Steal")
    @Label("Steal")
    @Category({"goloom", "Scheduler"})
    @Description("An M with nothing to run took half of another P's local run queue (runqsteal)")
    @Enabled(false)
    @StackTrace(false)
    static final class StealEvent extends Event {
        @Label("Scheduler")
        String scheduler;
        @Label("Thief P")
        int thief;
        @Label("Victim P")
        int victim;
        @Label("Virtual Threads Stolen")
        int count;
    }

    @Name("io.goloom.Retake")
    @Label("Retake / Hand-off")
    @Category({"goloom", "Scheduler"})
    @Description("sysmon took a P from an M whose virtual thread hogged it or sat in a blocking call, and handed "
            + "it to another M (retake, handoffp)")
    @Enabled(false)
    @StackTrace(false)
    static final class RetakeEvent extends Event {
        @Label("Scheduler")
        String scheduler;
        @Label("P")
        int processor;
        @Label("M")
        int machine;
        @Label("Reason")
        @Description("hog (10 ms on one slice while work waited), syscall (in a Blocker bracket), gomaxprocs")
        String reason;
        @Label("Ran")
        @Description("How long the virtual thread had been mounted (or in the blocking call)")
        @Timespan(Timespan.NANOSECONDS)
        long ran;
    }

    @Name("io.goloom.LongRunning")
    @Label("Long-Running Virtual Thread")
    @Category({"goloom", "Scheduler"})
    @Description("A virtual thread stayed mounted on its carrier for more than one time slice (10 ms)")
    @Enabled(false)
    @StackTrace(false)
    static final class LongRunningEvent extends Event {
        @Label("Scheduler")
        String scheduler;
        @Label("M")
        int machine;
        @Label("P")
        int processor;
        @Label("Virtual Thread Id")
        long virtualThreadId;
        @Label("Virtual Thread Name")
        String virtualThreadName;
        @Label("Ran")
        @Timespan(Timespan.NANOSECONDS)
        long ran;
        @Label("Stack Trace")
        @Description("The virtual thread's stack when sysmon noticed it")
        String virtualThreadStack;
    }

    @Name("io.goloom.MachineCreated")
    @Label("M Created")
    @Category({"goloom", "Scheduler"})
    @Description("A new carrier thread (M) was started (newm)")
    @Enabled(false)
    @StackTrace(false)
    static final class MachineCreatedEvent extends Event {
        @Label("Scheduler")
        String scheduler;
        @Label("M")
        int machine;
    }

    @Name("io.goloom.MachineParked")
    @Label("M Parked")
    @Category({"goloom", "Scheduler"})
    @Description("A carrier thread (M) found no work and parked on the idle list (stopm)")
    @Enabled(false)
    @StackTrace(false)
    static final class MachineParkedEvent extends Event {
        @Label("Scheduler")
        String scheduler;
        @Label("M")
        int machine;
    }

    @Name("io.goloom.SchedulerStatistics")
    @Label("Scheduler Statistics")
    @Category({"goloom", "Scheduler"})
    @Description("The schedtrace gauges and the main counters of a GoScheduler")
    @Enabled(false)
    @StackTrace(false)
    @Period("1 s")
    static final class StatisticsEvent extends Event {
        @Label("Scheduler")
        String scheduler;
        @Label("GOMAXPROCS")
        int gomaxprocs;
        @Label("Idle Ps")
        int idleProcs;
        @Label("Threads")
        int threads;
        @Label("Spinning Threads")
        int spinningThreads;
        @Label("Idle Threads")
        int idleThreads;
        @Label("Global Run Queue")
        int runQueue;
        @Label("Local Run Queues")
        @Description("Sum of the per-P local run queue lengths (runnext excluded)")
        int localRunQueues;
        @Label("Steals")
        long steals;
        @Label("Hand-offs")
        long handoffs;
        @Label("Hog Retakes")
        long hogRetakes;
        @Label("Syscall Retakes")
        long syscallRetakes;
        @Label("Syscalls")
        long syscalls;

        void fill(GoScheduler s) {
            GoSchedulerStats st = s.stats();
            scheduler = st.name();
            gomaxprocs = st.gomaxprocs();
            idleProcs = st.idleProcs();
            threads = st.threads();
            spinningThreads = st.spinningThreads();
            idleThreads = st.idleThreads();
            runQueue = st.globalRunQueue();
            int sum = 0;
            for (int n : st.localRunQueues()) {
                sum += n;
            }
            localRunQueues = sum;
            steals = st.steals();
            handoffs = st.handoffs();
            hogRetakes = st.hogRetakes();
            syscallRetakes = st.syscallRetakes();
            syscalls = st.syscalls();
        }
    }
}
