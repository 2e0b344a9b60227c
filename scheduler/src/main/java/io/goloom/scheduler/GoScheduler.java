package io.goloom.scheduler;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Go's goroutine scheduler (G/M/P) as a scheduler for JDK 25 virtual threads.
 *
 * <p>Virtual threads made by {@link #threadBuilder()}, {@link #go(Runnable)} or
 * {@link #newVirtualThreadPerTaskExecutor()} run on this scheduler, and so do the virtual threads they create
 * with {@code Thread.ofVirtual()} (the JDK makes children inherit their parent's scheduler). They are scheduled
 * the way Go schedules goroutines: GOMAXPROCS Ps, each with a 256-slot local run queue and a {@code runnext}
 * slot; carrier threads (Ms) that steal half of another P's queue when theirs is empty; a global queue checked
 * on every 61st time slice; at most half the busy Ps' worth of spinning Ms; and a sysmon thread that hands a P
 * to another carrier when a virtual thread hogs its carrier for 10 ms.
 *
 * <pre>{@code
 * try (GoScheduler sched = GoScheduler.builder().maxProcs(4).build()) {
 *     Thread t = sched.go(() -> System.out.println("hello from a goroutine"));
 *     t.join();
 * }
 * }</pre>
 *
 * <p>Used as a library, goloom needs the JVM option {@code --add-opens java.base/java.lang=ALL-UNNAMED}; without
 * it, creating a scheduler throws {@link IllegalStateException} naming that option. The goloom agent
 * ({@code -javaagent:goloom-scheduler.jar}) needs no option and makes every virtual thread of the JVM run here.
 *
 * <h2>Closing</h2>
 * {@link #close()} stops accepting new virtual threads: starting one afterwards throws
 * {@link RejectedExecutionException}. Virtual threads already started are never dropped: runnable ones run to
 * completion, parked ones run again when woken. Carrier threads exit as soon as there is nothing to run, and
 * come back (a fresh carrier) if a parked thread of the closed scheduler is woken later. {@link #awaitTermination}
 * waits until no carrier is left.
 */
public final class GoScheduler implements AutoCloseable {
    /**
     * goloom's version, as the build wrote it: the Maven project version (e.g. {@code 0.1.0-SNAPSHOT}), read from
     * the filtered resource {@code goloom-version.properties}, else from the jar manifest's
     * {@code Implementation-Version}, else {@code "unknown"}. Not a compile-time constant, so code compiled against
     * one goloom jar reports the version of the jar it runs with.
     */
    public static final String VERSION = buildVersion();
    /** The largest GOMAXPROCS accepted. Go has no limit; this one guards against absurd values. */
    public static final int MAX_PROCS = 4096;
    /** Go's default thread limit ({@code sched.maxmcount}, {@code debug.SetMaxThreads}). */
    public static final int DEFAULT_MAX_THREADS = 10_000;

    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final AtomicBoolean POLLERS_INITIALISED = new AtomicBoolean();
    private static volatile GoScheduler jvmWide;

    private final Sched sched;
    private final boolean closable;
    private final long createdNanos = System.nanoTime();
    private javax.management.ObjectName mxbeanName;

    /** Reads {@link #VERSION}; never throws (a version string must not stop a scheduler or the agent). */
    private static String buildVersion() {
        try (java.io.InputStream in = GoScheduler.class.getResourceAsStream("goloom-version.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank() && !v.contains("${")) { // "${" : the resource was not filtered
                    return v.strip();
                }
            }
        } catch (java.io.IOException | RuntimeException ignored) {
            // fall through to the manifest
        }
        Package pkg = GoScheduler.class.getPackage();
        String v = pkg == null ? null : pkg.getImplementationVersion();
        return v != null ? v : "unknown";
    }

    private GoScheduler(Builder b) {
        Loom.ensureAccess();
        // The JVM-wide scheduler's agent hands the JDK's pollers to goloom's netpoller before they start.
        if (b.closable && POLLERS_INITIALISED.compareAndSet(false, true)) {
            Loom.initPollersOffScheduler();
        }
        this.closable = b.closable;
        this.sched = new Sched(b.name != null ? b.name : "goloom-" + SEQ.incrementAndGet(),
                b.maxProcs > 0 ? b.maxProcs : defaultMaxProcs(), b.maxThreads,
                b.schedtrace == null ? 0 : Math.max(1, b.schedtrace.toMillis()), b.scheddetail);
    }

    /** A scheduler with GOMAXPROCS from {@link #defaultMaxProcs()}. */
    public static GoScheduler create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * GOMAXPROCS when none is given: the system property {@code goloom.maxprocs}, else the environment variable
     * {@code GOMAXPROCS}, else {@link Runtime#availableProcessors()} (which already honours container CPU limits).
     * Like Go, an invalid {@code GOMAXPROCS} environment value is ignored (it may be meant for a Go program): one
     * warning line on stderr names it, and the default is used.
     *
     * @throws IllegalArgumentException if the property is set but is not an integer in {@code 1..MAX_PROCS}; the
     *                                  message names it
     */
    public static int defaultMaxProcs() {
        String prop = System.getProperty("goloom.maxprocs");
        if (prop != null && !prop.isBlank()) {
            return parseProcs("system property goloom.maxprocs", prop);
        }
        int fallback = Math.min(MAX_PROCS, Runtime.getRuntime().availableProcessors());
        String env = System.getenv("GOMAXPROCS");
        if (env != null && !env.isBlank()) {
            try {
                return parseProcs("environment variable GOMAXPROCS", env);
            } catch (IllegalArgumentException e) {
                if (WARNED_ENV.compareAndSet(false, true)) {
                    System.err.println("goloom: warning: " + e.getMessage() + "; ignored, as Go ignores it: using "
                            + fallback + " (available processors)");
                }
            }
        }
        return fallback;
    }

    /** One warning per JVM for an invalid GOMAXPROCS environment value. */
    private static final AtomicBoolean WARNED_ENV = new AtomicBoolean();

    static int parseProcs(String what, String value) {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + "=" + value + " is not a number: give an integer in 1.."
                    + MAX_PROCS);
        }
        return checkProcs(what, n);
    }

    private static int checkProcs(String what, int n) {
        if (n < 1 || n > MAX_PROCS) {
            throw new IllegalArgumentException(what + "=" + n + " is out of range: GOMAXPROCS must be in 1.."
                    + MAX_PROCS);
        }
        return n;
    }

    /**
     * The JVM-wide scheduler that the goloom agent installed for every virtual thread, if the JVM was started
     * with {@code -javaagent:goloom-scheduler.jar}.
     */
    public static Optional<GoScheduler> jvmWide() {
        return Optional.ofNullable(jvmWide);
    }

    /** Used by the agent: the one scheduler that replaces the JDK's default; it cannot be closed. */
    static synchronized GoScheduler installJvmWide(Builder b) {
        if (jvmWide == null) {
            b.closable = false;
            jvmWide = new GoScheduler(b);
        }
        return jvmWide;
    }

    // ----------------------------------------------------------------------------------------------------------

    /**
     * A builder of virtual threads scheduled here; like {@code Thread.ofVirtual()}. Builders are not thread-safe:
     * take a new one per thread that builds.
     *
     * @throws RejectedExecutionException if this scheduler is closed
     */
    public Thread.Builder.OfVirtual threadBuilder() {
        ensureOpen();
        return Loom.newVirtualThreadBuilder(sched);
    }

    /**
     * Starts a virtual thread running {@code task} on this scheduler: Go's {@code go f()}. Started from one of
     * this scheduler's virtual threads, it goes to that P's {@code runnext} and runs next there.
     *
     * @throws NullPointerException       if {@code task} is null
     * @throws RejectedExecutionException if this scheduler is closed
     */
    public Thread go(Runnable task) {
        Objects.requireNonNull(task, "task");
        return threadBuilder().start(task);
    }

    /** An executor that starts a new virtual thread of this scheduler for each task. */
    public ExecutorService newVirtualThreadPerTaskExecutor() {
        return Executors.newThreadPerTaskExecutor(threadBuilder().factory());
    }

    /** GOMAXPROCS: the number of Ps. */
    public int maxProcs() {
        return sched.gomaxprocs;
    }

    /**
     * Go's {@code runtime.GOMAXPROCS(n)}: changes the number of Ps while threads run and returns the previous
     * value. Growing adds Ps and wakes carriers; shrinking retires Ps and moves their queued threads to the
     * global queue, losing none. With {@code n < 1} it changes nothing and returns the current value, Go's query
     * idiom {@code runtime.GOMAXPROCS(0)}.
     *
     * @throws IllegalArgumentException if {@code n > MAX_PROCS}
     */
    public int setMaxProcs(int n) {
        if (n < 1) {
            return sched.gomaxprocs; // Go: "If n < 1, it does not change the current setting."
        }
        checkProcs("maxProcs", n);
        return sched.setMaxProcs(n);
    }

    public String name() {
        return sched.name;
    }

    /** Counters and gauges, as of now. */
    public GoSchedulerStats stats() {
        return GoSchedulerStats.of(sched);
    }

    /**
     * Every gauge and counter, as of now, by name: the open-ended form of {@link #stats()} (Go's
     * {@code runtime/metrics.Read}). {@link GoSchedulerMetrics#descriptions()} says what each one is.
     */
    public GoSchedulerMetrics metrics() {
        return GoSchedulerMetrics.of(sched);
    }

    /**
     * The line Go prints for {@code GODEBUG=schedtrace=X} ({@code SCHED 12ms: gomaxprocs=2 idleprocs=0 ...}), or
     * with {@code detailed} the {@code scheddetail=1} form with a line per P, per M and per mounted virtual thread.
     */
    public String schedtrace(boolean detailed) {
        return sched.schedtrace(detailed, (System.nanoTime() - createdNanos) / 1_000_000);
    }

    /**
     * Stops accepting new virtual threads (see the class comment for what happens to existing ones). Idempotent.
     *
     * @throws UnsupportedOperationException for the JVM-wide scheduler installed by the agent
     */
    @Override
    public void close() {
        if (!closable) {
            throw new UnsupportedOperationException("the JVM-wide GoScheduler installed by the goloom agent "
                    + "schedules every virtual thread of the JVM and cannot be closed");
        }
        sched.close();
        synchronized (this) {
            if (mxbeanName != null) {
                GoSchedulerMXBeanImpl.unregister(mxbeanName);
                mxbeanName = null;
            }
        }
    }

    public boolean isClosed() {
        return sched.closed;
    }

    /** Closed, and no carrier thread is alive. */
    public boolean isTerminated() {
        return sched.isTerminated();
    }

    /**
     * Waits until the scheduler is closed and no carrier thread is alive (every started virtual thread has ended
     * or is parked).
     *
     * @return true if terminated, false if the timeout elapsed first
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isTerminated()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            TimeUnit.MILLISECONDS.sleep(1);
        }
        return true;
    }

    /**
     * Go's {@code entersyscall}: the calling virtual thread, if it runs on this scheduler, is about to block its
     * carrier (file I/O, a native call); sysmon may then hand its P to another carrier after one tick instead of
     * after 10 ms. The agent brackets the JDK's {@code Blocker.begin/end} with this pair.
     *
     * @return whether the syscall state was entered; pass the result to {@link #exitSyscall(boolean)}
     */
    public boolean enterSyscall() {
        return sched.entersyscall();
    }

    /** Go's {@code exitsyscall}; see {@link #enterSyscall()}. */
    public void exitSyscall(boolean entered) {
        if (entered) {
            sched.exitsyscall();
        }
    }

    /**
     * Go's {@code entersyscall}/{@code exitsyscall} as a try-with-resources bracket, the way
     * {@link java.util.concurrent.ForkJoinPool#managedBlock} brackets a blocking call for a ForkJoinPool:
     *
     * <pre>{@code
     * try (var s = sched.syscall()) {
     *     blockingCall(); // blocks the carrier: sysmon hands this P to another carrier after one tick
     * }
     * }</pre>
     *
     * <p>Outside a virtual thread of this scheduler, and inside another bracket, it enters nothing
     * ({@link Syscall#entered()} is false) and closing it does nothing. The bracket must be closed by the
     * thread that opened it, which try-with-resources does.
     */
    public Syscall syscall() {
        Syscall s = new Syscall(this); // allocated first: nothing may fail between entersyscall and the bracket
        s.entered = enterSyscall();
        return s;
    }

    /**
     * An open {@link #syscall()} bracket; {@link #close()} is Go's {@code exitsyscall}. Idempotent, never throws a
     * checked exception.
     */
    public static final class Syscall implements AutoCloseable {
        private final GoScheduler scheduler;
        private final Thread thread = Thread.currentThread();
        private boolean entered;
        private boolean closed;

        private Syscall(GoScheduler scheduler) {
            this.scheduler = scheduler;
        }

        /** Whether this bracket entered the syscall state (false off this scheduler or when nested). */
        public boolean entered() {
            return entered;
        }

        /**
         * Go's {@code exitsyscall}: keeps or reacquires a P, or queues this virtual thread until one is free.
         *
         * @throws IllegalStateException if called by another thread than the one that opened the bracket
         */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            if (Thread.currentThread() != thread) {
                throw new IllegalStateException("a syscall bracket must be closed by the thread that opened it ("
                        + thread + "); use try-with-resources");
            }
            closed = true;
            scheduler.exitSyscall(entered);
        }
    }

    /**
     * Whether the calling thread is a virtual thread mounted on one of this scheduler's carrier threads (Ms),
     * judged by the carrier's identity, not its name.
     */
    public boolean runsCurrentThread() {
        Thread cur = Thread.currentThread();
        return cur.isVirtual() && Loom.currentCarrierThread() instanceof Machine m && m.sched == sched;
    }

    /**
     * Registers this scheduler as a {@link GoSchedulerMXBean} in the platform MBean server, as
     * {@code io.goloom:type=GoScheduler,name=<name>} (or {@code <name>-2}, ... if that name is taken). The agent
     * does this for the JVM-wide scheduler. {@link #close()} unregisters it. Idempotent.
     *
     * @return the name it is registered under
     */
    public synchronized javax.management.ObjectName registerMXBean() {
        if (mxbeanName == null) {
            mxbeanName = GoSchedulerMXBeanImpl.register(this);
        }
        return mxbeanName;
    }

    void setEvents(SchedEvents events) {
        sched.events = events == null ? SchedEvents.NONE : events;
    }

    Sched sched() {
        return sched;
    }

    private void ensureOpen() {
        if (sched.closed) {
            throw new RejectedExecutionException("GoScheduler '" + sched.name + "' is closed: create a new "
                    + "GoScheduler to start more virtual threads");
        }
    }

    @Override
    public String toString() {
        return "GoScheduler[" + sched.name + ", gomaxprocs=" + sched.gomaxprocs + (sched.closed ? ", closed]" : "]");
    }

    /** Configuration of a {@link GoScheduler}. */
    public static final class Builder {
        private int maxProcs;
        private String name;
        private int maxThreads = DEFAULT_MAX_THREADS;
        private Duration schedtrace;
        private boolean scheddetail;
        private boolean closable = true;

        private Builder() {}

        /**
         * GOMAXPROCS, in {@code 1..MAX_PROCS}; default {@link GoScheduler#defaultMaxProcs()}.
         *
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxProcs(int n) {
            this.maxProcs = checkProcs("maxProcs", n);
            return this;
        }

        /** Name of the scheduler; its carrier threads are called {@code name-M<id>}. */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            return this;
        }

        /**
         * Go's {@code debug.SetMaxThreads}: the most carrier threads this scheduler may have (default 10000). Ms
         * beyond GOMAXPROCS exist only while others are held by blocked or hogging virtual threads.
         *
         * @throws IllegalArgumentException if {@code n < 1}
         */
        public Builder maxThreads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxThreads=" + n + " must be at least 1");
            }
            this.maxThreads = n;
            return this;
        }

        /**
         * Go's {@code GODEBUG=schedtrace=X}: print the schedtrace line to stderr every {@code period}; null turns
         * it off.
         */
        public Builder schedtrace(Duration period) {
            if (period != null && (period.isNegative() || period.isZero())) {
                throw new IllegalArgumentException("schedtrace period must be positive: " + period);
            }
            this.schedtrace = period;
            return this;
        }

        /** Go's {@code GODEBUG=scheddetail=1}: print the detailed form (with schedtrace). */
        public Builder scheddetail(boolean detail) {
            this.scheddetail = detail;
            return this;
        }

        /**
         * @throws IllegalStateException if the JVM was started without
         *                               {@code --add-opens java.base/java.lang=ALL-UNNAMED} (and without the agent)
         */
        public GoScheduler build() {
            return new GoScheduler(this);
        }
    }
}
