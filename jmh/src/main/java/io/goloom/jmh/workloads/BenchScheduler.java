package io.goloom.jmh.workloads;

import io.goloom.scheduler.GoScheduler;
import jdk.management.VirtualThreadSchedulerMXBean;

import java.lang.management.ManagementFactory;
import java.util.concurrent.ThreadFactory;

/**
 * The scheduler a workload runs on: a fresh {@link GoScheduler} with {@code procs} Ps, or the JDK's default
 * scheduler, whose parallelism must be {@code procs}. The JDK reads {@code jdk.virtualThreadScheduler.parallelism}
 * once, when the first virtual thread is made, so {@link #open} sets it if no virtual thread exists yet (a JMH fork
 * is a fresh JVM per parameter combination) and fails if the default scheduler already runs at another parallelism.
 */
public final class BenchScheduler implements AutoCloseable {
    private final GoScheduler goloom;
    private final ThreadFactory factory;

    private BenchScheduler(GoScheduler goloom, ThreadFactory factory) {
        this.goloom = goloom;
        this.factory = factory;
    }

    public static BenchScheduler open(boolean goloom, int procs) {
        if (goloom) {
            GoScheduler s = GoScheduler.builder().maxProcs(procs).name("bench-p" + procs).build();
            return new BenchScheduler(s, s.threadBuilder().factory());
        }
        requireJdkParallelism(procs);
        return new BenchScheduler(null, Thread.ofVirtual().factory());
    }

    /** The JDK's default scheduler at whatever parallelism it has (tests only: no parallelism check). */
    public static BenchScheduler jdkAsIs() {
        return new BenchScheduler(null, Thread.ofVirtual().factory());
    }

    public static BenchScheduler open(Impl impl, int procs) {
        return open(impl.goloom(), procs);
    }

    /** Sets (if still possible) and checks the JDK default scheduler's parallelism. */
    public static void requireJdkParallelism(int procs) {
        String key = "jdk.virtualThreadScheduler.parallelism";
        if (System.getProperty(key) == null) {
            System.setProperty(key, Integer.toString(procs));
        }
        int actual = ManagementFactory.getPlatformMXBean(VirtualThreadSchedulerMXBean.class).getParallelism();
        if (actual != procs) {
            throw new IllegalStateException("the JDK default scheduler runs with parallelism " + actual
                    + ", not " + procs + ": run each parallelism in its own JVM (a JMH fork does that)");
        }
    }

    public ThreadFactory factory() {
        return factory;
    }

    public GoScheduler goScheduler() {
        return goloom;
    }

    @Override
    public void close() {
        if (goloom != null) {
            goloom.close();
        }
    }
}
