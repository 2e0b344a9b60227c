package io.goloom.scheduler;

import java.util.Map;

/**
 * A {@link GoScheduler} as a platform MXBean, registered as {@code io.goloom:type=GoScheduler,name=<name>}: the
 * gauges and counters of Go's schedtrace line and of {@link GoSchedulerStats}, for jconsole, VisualVM and JMX
 * exporters. The agent registers the JVM-wide scheduler; {@link GoScheduler#registerMXBean()} registers any other.
 *
 * <p>Gauges ({@code IdleProcs} ... {@code LocalRunQueues}) are read at one instant each; counters only grow.
 * {@code MaxProcs} is writable: setting it is {@link GoScheduler#setMaxProcs(int)}.
 */
public interface GoSchedulerMXBean {
    /** The scheduler's name. */
    String getName();

    /** GOMAXPROCS ({@code gomaxprocs} in schedtrace). */
    int getMaxProcs();

    /** Go's {@code runtime.GOMAXPROCS(n)}; see {@link GoScheduler#setMaxProcs(int)}. */
    void setMaxProcs(int n);

    /** Ps on the idle list ({@code idleprocs}). */
    int getIdleProcs();

    /** Live carrier threads plus sysmon ({@code threads}). */
    int getThreads();

    /** Ms looking for work ({@code spinningthreads}). */
    int getSpinningThreads();

    /** Go's {@code needspinning} flag, 0 or 1. */
    int getNeedSpinning();

    /** Ms parked on the idle list ({@code idlethreads}). */
    int getIdleThreads();

    /** Length of the global run queue ({@code runqueue}). */
    int getRunQueue();

    /** Per-P local run-queue lengths, runnext excluded (schedtrace's {@code [a b ...]}). */
    int[] getLocalRunQueues();

    /** Whether this scheduler was closed (never, for the JVM-wide one). */
    boolean isClosed();

    long getMachinesCreated();

    long getSteals();

    long getStolenThreads();

    long getGlobalTakes();

    long getFairnessTakes();

    long getHandoffs();

    long getHogRetakes();

    long getSyscallRetakes();

    long getPreemptRequests();

    long getRunnextPreempts();

    long getYields();

    long getSpills();

    long getLocalSubmits();

    long getExternalSubmits();

    long getSyscalls();

    long getThreadLimitHits();

    long getSysmonWakeups();

    /**
     * Every entry of goloom's table of metrics by name, in table order ({@link GoScheduler#metrics()}): the
     * attributes above and every metric added since. Through JMX (jconsole, VisualVM) it is a table of
     * {@code key}/{@code value} rows ({@code TabularData}, the MXBean mapping of a {@code Map}).
     */
    Map<String, Long> getMetrics();

    /** What each entry of {@link #getMetrics()} means, with its kind and unit ({@code GoSchedulerMetrics.descriptions()}). */
    Map<String, String> getMetricDescriptions();

    /** The schedtrace line now, or with {@code detailed} the {@code scheddetail=1} form. */
    String schedtrace(boolean detailed);
}
