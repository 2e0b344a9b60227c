package io.goloom.scheduler;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * sysmon (proc.go {@code sysmon}): a monitor thread that runs without a P. Every tick it retakes Ps from Ms that
 * hog them or sit in blocking calls ({@link Sched#retake}), asks for time-slice preemption, and prints schedtrace.
 *
 * <p>Go's back-off: sleep 20 µs; after 50 idle rounds (about 1 ms) double the sleep each round, capped at 10 ms;
 * back to 20 µs as soon as a retake happens. When every P is idle it sleeps deeply until an M acquires a P
 * (Go: until the next timer or {@code forcegcperiod/2}, woken by {@code startTheWorld}, {@code exitsyscall} ...).
 *
 * <p>Unlike Go's, this sysmon is started with the first M and ends when its scheduler is closed and no M is left;
 * a later M (a parked virtual thread of a closed scheduler being woken) starts it again.
 */
final class Sysmon implements Runnable {
    private static final long MIN_DELAY_MICROS = 20;
    private static final long MAX_DELAY_MICROS = 10_000;
    private static final long DEEP_SLEEP_NANOS = 60_000_000_000L;

    private final Sched sched;
    private final long schedtraceMillis;
    private final boolean scheddetail;
    private final AtomicInteger running = new AtomicInteger();
    private volatile Thread thread;
    /** {@code sched.sysmonwait}: in deep sleep. */
    volatile boolean sleeping;
    private long startNanos = -1;

    Sysmon(Sched sched, long schedtraceMillis, boolean scheddetail) {
        this.sched = sched;
        this.schedtraceMillis = schedtraceMillis;
        this.scheddetail = scheddetail;
    }

    boolean isAlive() {
        return running.get() == 1;
    }

    void ensureStarted() {
        if (running.get() == 0 && running.compareAndSet(0, 1)) {
            Thread t = Thread.ofPlatform().daemon().name(sched.name + "-sysmon").unstarted(this);
            thread = t;
            t.start();
        }
    }

    /**
     * Announces the deep sleep and re-checks after it: acquirep sets RUNNING, then reads {@code sleeping}
     * ({@link #allIdle} has the pair). True if sysmon may sleep; false (and not {@code sleeping}) if a P runs.
     * Package-private for jcstress.
     */
    boolean enterDeepSleep() {
        sleeping = true;
        if (allIdle()) {
            return true;
        }
        sleeping = false;
        return false;
    }

    /** How many times {@link #wakeIfSleeping} found sysmon asleep (jcstress reads it; rare, so a CAS is fine). */
    final AtomicInteger wakeSignals = new AtomicInteger();

    /** Called when a P is acquired, a syscall starts or the scheduler closes: sysmon must be watching. */
    void wakeIfSleeping() {
        if (sleeping) {
            wakeSignals.incrementAndGet();
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    @Override
    public void run() {
        for (;;) {
            loop();
            // Exit protocol, Dekker with newm (which increments mlive, then calls ensureStarted).
            running.set(0);
            if (sched.mlive.get() == 0 || !running.compareAndSet(0, 1)) {
                return;
            }
        }
    }

    private void loop() {
        int idle = 0;
        long delay = MIN_DELAY_MICROS;
        long lastTrace = 0;
        boolean strandedLastTick = false;
        for (;;) {
            if (idle == 0) {
                delay = MIN_DELAY_MICROS;
            } else if (idle > 50) {
                delay = Math.min(delay * 2, MAX_DELAY_MICROS);
            }
            LockSupport.parkNanos(this, delay * 1_000);
            long now = System.nanoTime();
            if (sched.closed && sched.mlive.get() == 0) {
                return;
            }
            if (schedtraceMillis <= 0 && allIdle()) {
                if (enterDeepSleep()) {
                    LockSupport.parkNanos(this, sched.closed ? 1_000_000 : DEEP_SLEEP_NANOS);
                }
                sleeping = false;
                idle = 0;
                continue;
            }
            sched.sysmonPollAndTimers(now);
            int n = sched.retake(now);
            // a raised preemption request keeps sysmon ticking fast, so the request word goes down soon after
            idle = n > 0 || sched.preemptWanted ? 0 : idle + 1;
            boolean stranded = sched.looksStranded();
            if (stranded && strandedLastTick) {
                sched.rescueIfStranded();
            }
            strandedLastTick = stranded;
            if (schedtraceMillis > 0 && (lastTrace == 0 || now - lastTrace >= schedtraceMillis * 1_000_000)) {
                if (startNanos < 0) {
                    startNanos = now;
                }
                lastTrace = now;
                System.err.println(sched.schedtrace(scheddetail, (now - startNanos) / 1_000_000));
            }
        }
    }

    /**
     * Go's deep-sleep condition ({@code sched.npidle == gomaxprocs}), made exact: no P is RUNNING and the global
     * queue is empty. The counter alone is not enough here: a GOMAXPROCS shrink lowers {@code gomaxprocs} first
     * and takes the idle Ps above it off the list one by one afterwards, so for the length of that scan
     * {@code npidle >= gomaxprocs} held while P0 ran, and sysmon slept 60 s with nobody to wake it (issue 13).
     * Go avoids that by resizing under stop-the-world. The scan asks the question itself ("does any P run?")
     * instead of a count that lags behind the idle list, whatever the resize does.
     *
     * <p>Dekker pair, the one {@link #wakeIfSleeping} relies on: sysmon stores {@code sleeping = true} and then
     * reads every P's status here; {@code acquirep} stores RUNNING and then reads {@code sleeping}. Either sysmon
     * sees the RUNNING P and stays awake, or acquirep sees the flag and unparks it. Ps stay RUNNING while sysmon
     * itself hands them off, and a P in flight from the idle list to {@code startm} is acquired (and wakes
     * sysmon) by its new M.
     */
    boolean allIdle() {
        if (sched.npidle.get() < sched.gomaxprocs || !sched.runq.isEmpty()) {
            return false; // cheap common case: some P is (or is about to be) running
        }
        for (Processor pp : sched.procs.all()) {
            if (pp.status() == Processor.RUNNING) {
                return false;
            }
        }
        return sched.runq.isEmpty();
    }
}
