package io.goloom.scheduler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every gauge and counter of a {@link GoScheduler}, read at one moment ({@link GoScheduler#metrics()}): the stable,
 * open-ended view, like Go's {@code runtime/metrics}. {@link GoSchedulerStats} is a fixed subset of it.
 *
 * <p>Metrics are named once, in goloom's table of metrics; {@link #descriptions()} lists them with what they mean,
 * their kind and unit. A name, once released, keeps its meaning; new releases may add names, so read by name
 * ({@link #get(String)}) or iterate {@link #asMap()}, never by position. The same names are the keys of the MXBean's
 * {@code Metrics} attribute and the fields of the JFR event {@code io.goloom.SchedulerStatistics}.
 *
 * <p>Each value is read at its own instant, not atomically with the others; counters only grow.
 */
public final class GoSchedulerMetrics {
    /** Go's {@code metrics.ValueKind} as goloom needs it. */
    public enum Kind {
        /** A value now (Go's gauges, {@code Cumulative == false}), for example the number of idle Ps. */
        GAUGE,
        /** A count since the scheduler was built; only grows ({@code Cumulative == true}). */
        COUNTER
    }

    /**
     * What a metric is (Go's {@code metrics.Description}).
     *
     * @param name        the stable name, a Java identifier
     * @param description what it counts or measures, with Go's name for it in parentheses where there is one
     * @param kind        gauge or counter
     * @param unit        what one is: {@code procs}, {@code threads}, {@code goroutines} (virtual threads),
     *                    {@code events} or {@code flag}
     */
    public record Description(String name, String description, Kind kind, String unit) {
    }

    private static final List<Description> DESCRIPTIONS;

    static {
        List<Description> d = new ArrayList<>();
        for (Metrics.Metric m : Metrics.TABLE) {
            d.add(m.describe());
        }
        DESCRIPTIONS = List.copyOf(d);
    }

    private final String scheduler;
    private final long[] values; // in Metrics.TABLE order

    GoSchedulerMetrics(String scheduler, long[] values) {
        this.scheduler = scheduler;
        this.values = values;
    }

    static GoSchedulerMetrics of(Sched s) {
        return new GoSchedulerMetrics(s.name, Metrics.readAll(s));
    }

    /** Every metric goloom has, in the order of {@link #asMap()} (Go's {@code metrics.All}). */
    public static List<Description> descriptions() {
        return DESCRIPTIONS;
    }

    /** The scheduler's name. */
    public String scheduler() {
        return scheduler;
    }

    /**
     * The value of metric {@code name}.
     *
     * @throws IllegalArgumentException if there is no such metric (the message lists the names there are)
     */
    public long get(String name) {
        int i = Metrics.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException(unknown(name));
        }
        return values[i];
    }

    /** Every metric by name, in {@link #descriptions()} order; unmodifiable. */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            m.put(Metrics.TABLE.get(i).name(), values[i]);
        }
        return Collections.unmodifiableMap(m);
    }

    static String unknown(String name) {
        List<String> names = new ArrayList<>();
        for (Description d : DESCRIPTIONS) {
            names.add(d.name());
        }
        return "no goloom metric named '" + name + "'; GoSchedulerMetrics.descriptions() lists them: " + names;
    }

    /** {@code name=value} for every metric, in table order. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("GoScheduler '").append(scheduler).append("' metrics:");
        for (int i = 0; i < values.length; i++) {
            sb.append(' ').append(Metrics.TABLE.get(i).name()).append('=').append(values[i]);
        }
        return sb.toString();
    }
}
