package io.goloom.scheduler;

/**
 * A P (runtime2.go {@code type p struct}): the right to run Go code. An M runs virtual threads only while it
 * holds a P; there are GOMAXPROCS of them.
 *
 * <p>Ownership: a P is owned by exactly one of its M ({@link #RUNNING}), the idle list ({@link #IDLE}), a
 * transient owner that is handing it off (sysmon in {@code handoffp}), or nobody ({@link #DEAD}, retired by a
 * GOMAXPROCS shrink). Fields marked "owner" are written only by the current owner.
 */
final class Processor {
    static final int IDLE = 0;     // _Pidle
    static final int RUNNING = 1;  // _Prunning
    static final int DEAD = 4;     // _Pdead

    final int id;
    final LocalRunQueue runq = new LocalRunQueue();
    /** {@code p.timers}: the timers of the virtual threads that went to sleep on this P. */
    final TimerHeap timers = new TimerHeap();

    /** {@code p.status}; read by thieves to skip idle Ps (Go's {@code idlepMask}). */
    private volatile int status = IDLE;
    private static final java.lang.invoke.VarHandle STATUS;
    static {
        try {
            STATUS = java.lang.invoke.MethodHandles.lookup().findVarHandle(Processor.class, "status", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    int status() {
        return status;
    }

    void setStatus(int s) {
        status = s;
    }

    boolean casStatus(int expect, int update) {
        return STATUS.compareAndSet(this, expect, update);
    }

    /** {@code p.syscalltick}: bumped on every {@code exitsyscall} and every syscall retake. */
    volatile int syscalltick;
    /** {@code p.m}: the owning M, null when idle. */
    volatile Machine m;

    /** Owner: {@code p.schedtick}, incremented only when a new time slice starts. Read racily by sysmon. */
    volatile int schedtick;
    /**
     * Sysmon's preemption request ({@code preemptone}): the {@code schedtick} of a time slice that has run for
     * 10 ms. The owner honours it at its next scheduling decision, by not letting {@code runnext} inherit that
     * slice, only while {@code schedtick} still equals it: a request that arrives after a new slice began is
     * void by construction (sysmon read the tick before the owner moved it).
     */
    volatile int preemptTick = -1;
    /** Owner: the G in runnext was put there by a timer this P's M ran (Go's {@code goready}), not by a G. */
    boolean runnextFromTimer;
    // Counters, written by the owner only (a racy snapshot is good enough for statistics).
    long steals;
    long stolenGs;
    long globalTakes;
    long fairTakes;
    long runnextPreempts;
    long spills;
    long yields;
    long localSubmits;

    Processor(int id) {
        this.id = id;
    }

    @Override
    public String toString() {
        return "P" + id;
    }
}
