package io.goloom.scheduler;

import java.util.ArrayList;
import java.util.List;
import jdk.jfr.AnnotationElement;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.EventFactory;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;
import jdk.jfr.ValueDescriptor;

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
 *       <td>every entry of the table of metrics ({@link Metrics}), one field each</td></tr>
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
                EventFactory statistics = statisticsEvent();
                FlightRecorder.addPeriodicEvent(statistics.newEvent().getClass(), () -> {
                    Event e = statistics.newEvent();
                    if (e.isEnabled()) {
                        fillStatistics(e, sched);
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

    /**
     * The event type of {@code io.goloom.SchedulerStatistics}, built once from the table of metrics ({@link Metrics}):
     * a {@code scheduler} field, then one field per entry, named as the entry (gauges {@code int}, counters
     * {@code long}). Held here for the JVM's life, since a factory's event type is registered while it is reachable.
     */
    private static EventFactory statisticsFactory;

    static synchronized EventFactory statisticsEvent() {
        if (statisticsFactory == null) {
            List<ValueDescriptor> fields = new ArrayList<>();
            fields.add(new ValueDescriptor(String.class, "scheduler", List.of(new AnnotationElement(Label.class,
                    "Scheduler"))));
            for (Metrics.Metric m : Metrics.TABLE) {
                fields.add(new ValueDescriptor(m.kind() == GoSchedulerMetrics.Kind.GAUGE ? int.class : long.class,
                        m.name(), List.of(new AnnotationElement(Label.class, label(m.name())),
                        new AnnotationElement(Description.class, m.description()))));
            }
            statisticsFactory = EventFactory.create(List.of(
                    new AnnotationElement(Name.class, "io.goloom.SchedulerStatistics"),
                    new AnnotationElement(Label.class, "Scheduler Statistics"),
                    new AnnotationElement(Category.class, new String[] {"goloom", "Scheduler"}),
                    new AnnotationElement(Description.class,
                            "Every gauge and counter of a GoScheduler (GoScheduler.metrics()), one field each"),
                    new AnnotationElement(Enabled.class, false),
                    new AnnotationElement(StackTrace.class, false),
                    new AnnotationElement(Period.class, "1 s")), fields);
        }
        return statisticsFactory;
    }

    /** Fields in {@link #statisticsEvent()} order: 0 is the scheduler, then the table's entries. */
    static void fillStatistics(Event e, GoScheduler s) {
        long[] v = Metrics.readAll(s.sched());
        e.set(0, s.name());
        for (int i = 0; i < v.length; i++) {
            // Gauges are counts of Ps, Ms and queued threads: they fit an int (GOMAXPROCS <= 4096, queues are arrays).
            e.set(i + 1, Metrics.TABLE.get(i).kind() == GoSchedulerMetrics.Kind.GAUGE ? (Object) (int) v[i] : v[i]);
        }
    }

    /** {@code idleProcs} becomes "Idle Procs": JFR's label for a field named by the table. */
    static String label(String name) {
        StringBuilder sb = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (i == 0) {
                sb.append(Character.toUpperCase(c));
            } else {
                if (Character.isUpperCase(c)) {
                    sb.append(' ');
                }
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
