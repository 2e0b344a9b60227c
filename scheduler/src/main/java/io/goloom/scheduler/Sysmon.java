package io.goloom.scheduler;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * sysmon (proc.go {@code sysmon}): a monitor thread that runs without a P. Every tick it polls the network if
 * nobody has for 10 ms and runs overdue timers ({@link #pollAndRunTimers}), retakes Ps from Ms that hog them or sit
 * in blocking calls and asks for time-slice preemption ({@link #retake}), runs its safety net
 * ({@link #rescueIfStranded}), and prints schedtrace. Everything in this file runs on the sysmon thread (tests and
 * jcstress drive {@link #retake} from theirs), and every per-P observation it keeps is its own ({@link PTick},
 * Go's {@code p.sysmontick}); what it decides acts through {@link Sched} ({@code handoffp}, {@code wakep}).
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
    /** A P's timers this late make sysmon ask its G to yield (preemption on): half a millisecond. */
    static final long TIMER_PREEMPT_NANOS = 500_000L;
    /** Whether the last {@link #retake} raised the JVM-wide preemption request word (sysmon then ticks fast). */
    boolean preemptWanted;
    /** sysmon's last observation of each P, by P id (Go's {@code p.sysmontick}); grown with GOMAXPROCS. */
    private PTick[] ticks = new PTick[0];

    /**
     * What sysmon last saw of one P (Go's {@code sysmontick}, plus the hand-off rule's probes). Touched by the
     * sysmon thread only (and by jcstress, which drives {@link #retake} on its own thread).
     */
    static final class PTick {
        /** {@code schedtick}/{@code schedwhen}: the P's time slice and when sysmon first saw it. */
        int schedtick = -1;
        long schedwhen;
        /** When sysmon set the P's {@code preemptTick} (the request's age bounds the request word). */
        long preemptWhen;
        /** {@code syscalltick}/{@code syscallwhen}'s role: the mount (the M's control word) and when first seen. */
        long ctl;
        Machine m;
        long ctlwhen;
        boolean reportedLong;
        /** The hand-off rule (issues 11, 15): the carrier was seen blocked (pinned) on an earlier tick of this mount. */
        boolean blockedSeen;
        /** The carrier's CPU time at sysmon's first reading in this mount (-1: none yet), and when it was read. */
        long cpu0 = -1;
        long cpuWhen;
        /** When sysmon last read the carrier's OS state in this mount (rate limit). */
        long osWhen;
    }

    /** The observation of {@code pp}, created on first sight (Ps are created by GOMAXPROCS grows, never freed). */
    PTick tick(Processor pp) {
        PTick[] ts = ticks;
        if (pp.id >= ts.length) {
            ts = java.util.Arrays.copyOf(ts, Math.max(pp.id + 1, sched.procs.all().length));
            ticks = ts;
        }
        PTick t = ts[pp.id];
        if (t == null) {
            ts[pp.id] = t = new PTick();
        }
        return t;
    }

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
            pollAndRunTimers(now);
            int n = retake(now);
            // a raised preemption request keeps sysmon ticking fast, so the request word goes down soon after
            idle = n > 0 || preemptWanted ? 0 : idle + 1;
            boolean stranded = looksStranded();
            if (stranded && strandedLastTick) {
                rescueIfStranded();
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

    /**
     * Mirrors {@code retake}. For each running P:
     * <ul>
     *   <li>time slice: if its {@code schedtick} has not moved for 10 ms, request preemption (honoured at the next
     *       scheduling decision by not letting runnext inherit the slice);</li>
     *   <li>hog: if its M has been mounted on the same G for 10 ms while work waits (in this P's queue or the
     *       global one), take the P and hand it to another M, so a CPU hog, a carrier blocked in file I/O or JNI,
     *       or a pinned lock cannot starve the rest;</li>
     *   <li>syscall: if the G is inside a blocking call for a sysmon tick, take the P (Go's rule: unless the P has
     *       nothing queued, someone is idle or spinning anyway, and it has been less than 10 ms).</li>
     * </ul>
     * A P above GOMAXPROCS with queued work is handed off at once so the shrink loses no time.
     *
     * @return how many Ps were taken
     */
    int retake(long now) {
        int n = 0;
        int maxprocs = sched.gomaxprocs;
        boolean wantPreempt = false;
        for (Processor pp : sched.procs.all()) {
            if (pp.status() != Processor.RUNNING) {
                continue;
            }
            Machine m = pp.m;
            if (m == null) {
                continue;
            }
            PTick t = tick(pp);
            int tick = pp.schedtick;
            if (tick != t.schedtick) {
                t.schedtick = tick;
                t.schedwhen = now;
            } else if (now - t.schedwhen >= Sched.TIME_SLICE_NANOS && pp.preemptTick != tick) {
                preemptone(pp, t, tick, now);
            }
            long c = m.ctl();
            int st = Machine.state(c);
            if (st != Machine.IN_G && st != Machine.IN_SYSCALL) {
                continue;
            }
            if (sched.preempt && st == Machine.IN_G && pp.preemptTick == tick && m.preemptedCtl != c
                    && now - t.preemptWhen < Sched.PREEMPT_GRACE_NANOS) {
                // Go's preemptone: the G sees the request at its next preemption point (Preemption) and yields.
                wantPreempt = true;
            }
            if (c != t.ctl || m != t.m) {
                t.ctl = c; // first sighting of this mount (or of this syscall)
                t.reportedLong = false;
                t.m = m;
                t.ctlwhen = now;
                t.blockedSeen = false;
                t.cpu0 = -1;
                t.osWhen = 0;
            }
            long ran = now - t.ctlwhen;
            if (st == Machine.IN_G && ran >= Sched.TIME_SLICE_NANOS && !t.reportedLong) {
                t.reportedLong = true;
                sched.events.longRunning(m, m.curg, ran);
            }
            boolean take;
            String why;
            if (pp.id >= maxprocs) {
                take = !pp.runq.isEmpty();
                why = "gomaxprocs";
            } else if (st == Machine.IN_SYSCALL) {
                // Go: retake once the same syscall was seen on two ticks, unless nothing is queued here, someone
                // is idle or spinning anyway, and it has been under 10 ms.
                take = ran > 0 && !(pp.runq.isEmpty() && sched.nmspinning.get() + sched.npidle.get() > 0
                        && ran < Sched.TIME_SLICE_NANOS);
                why = "syscall";
            } else if (blockedOnTwoTicks(t, m)
                    && (ran >= Sched.TIME_SLICE_NANOS || carriersWithoutP() < sched.gomaxprocs)) {
                // Pinned and blocked (issue 15): the carrier is parked under its mounted virtual thread, which is
                // a blocking call goloom was not told about. Go's syscall rule, as above. Not in Go: while
                // GOMAXPROCS carriers already run without a P, a blocked one waits a full slice first. Many
                // threads blocking pinned on one monitor (the JDK's class-loading lock while 64 connections load
                // the same class) would otherwise cost a new carrier per sysmon tick, each one only to block on
                // the same lock; a waiter whose lock owner sits in a run queue still gets its P within 10 ms.
                take = !(pp.runq.isEmpty() && sched.nmspinning.get() + sched.npidle.get() > 0
                        && ran < Sched.TIME_SLICE_NANOS);
                why = "blocked";
            } else {
                // Only when nobody else can run the waiting work: with an idle P or a spinning M, wakep and
                // stealing already get to it, and a hand-off would only add a carrier. And only a carrier that
                // burns CPU or is blocked unseen, never one the OS simply did not run (issue 11).
                readCpuOnce(t, m, now, ran);
                take = ran >= Sched.TIME_SLICE_NANOS && (!pp.runq.isEmpty() || !sched.runq.isEmpty())
                        && sched.nmspinning.get() + sched.npidle.get() == 0 && hogsItsCarrier(t, m, now);
                if (take && sched.preempt && ran < Sched.TIME_SLICE_NANOS + Sched.PREEMPT_GRACE_NANOS
                        && m.preemptPinnedCtl != c) {
                    // With preemption points the G yields by itself and the carrier count stays at GOMAXPROCS;
                    // the hand-off is the fallback for a G that cannot (pinned, or in code without points).
                    take = false;
                }
                why = "hog";
            }
            if (!take || sched.mlive.get() >= sched.maxThreads && sched.nmidle.get() == 0) {
                continue;
            }
            // Read m.p BEFORE the CAS: while ctl == c the M does not change m.p (it does so only in SCHED, or after it
            // has seen RETAKEN, which it may do the instant our CAS lands). It is pp unless m moved to another P
            // between our reads of pp.m and m.ctl; then it is that P we take.
            Processor taken = m.p;
            if (taken == null || !m.casCtl(c, Machine.withState(c, Machine.RETAKEN))) {
                continue; // the G unmounted or moved on meanwhile
            }
            // The P is ours (transiently) now: the old M will not touch it again.
            taken.m = null;
            taken.syscalltick++;
            if (st == Machine.IN_SYSCALL || why.equals("blocked")) {
                sched.retakesSyscall.increment(); // Go's syscall rule (a pinned-blocked carrier counts here)
            } else {
                sched.retakesHog.increment();
                if (sched.preempt && m.preemptedCtl != c) {
                    sched.preemptMissed.increment();
                }
            }
            sched.events.retaken(taken, m, why, ran);
            sched.handoffp(taken);
            n++;
        }
        if (sched.preempt) {
            // Raised on every tick while some G has not seen its request; the G that honours one clears it, and
            // sysmon raises it again on its next tick for any other.
            if (wantPreempt) {
                Preemption.request(true);
            } else if (preemptWanted) {
                Preemption.request(false);
            }
            preemptWanted = wantPreempt;
        }
        return n;
    }

    /**
     * Mirrors {@code preemptone}: ask the G running slice {@code tick} of {@code pp} to yield (honoured at its next
     * preemption point, or by not letting runnext inherit the slice). The request names its slice, so it is void
     * once the slice has ended.
     */
    private void preemptone(Processor pp, PTick t, int tick, long now) {
        pp.preemptTick = tick;
        t.preemptWhen = now;
        sched.preemptRequests.increment();
    }

    /**
     * How many Ms run a G without a P (sysmon retook their P: hogs, syscalls, blocked carriers): the carriers beyond
     * GOMAXPROCS that run or block Java code right now. A scan of {@code allm}, done only when the blocked rule
     * is about to fire.
     */
    private int carriersWithoutP() {
        int n = 0;
        for (Machine x : sched.allm) {
            if (Machine.state(x.ctl()) == Machine.RETAKEN) {
                n++;
            }
        }
        return n;
    }

    /** How long a mount runs before sysmon reads its carrier's CPU time (so short mounts cost nothing). */
    static final long CPU_PROBE_AFTER_NANOS = 1_000_000L;
    /** CPU time a mount must burn (after sysmon's first reading) to be a hog: half a slice. */
    static final long HOG_CPU_NANOS = Sched.TIME_SLICE_NANOS / 2;
    /** At most one look at a carrier's OS state per mount and this interval. */
    static final long OS_PROBE_INTERVAL_NANOS = 1_000_000L;

    /**
     * Sysmon only. The carrier of this mount is parked or blocked in Java terms (its virtual thread is pinned
     * and blocked) on this tick and was on an earlier tick of the same mount: Go's "same syscall on two ticks".
     * A field read per running P per tick.
     */
    private static boolean blockedOnTwoTicks(PTick t, Machine m) {
        if (!CarrierProbe.blockedInJava(m)) {
            t.blockedSeen = false;
            return false;
        }
        if (t.blockedSeen) {
            return true;
        }
        t.blockedSeen = true;
        return false;
    }

    /**
     * Sysmon only: the carrier's CPU time once per mount, when the mount is 1 ms old (shorter mounts cost nothing;
     * a longer one costs one {@code clock_gettime}, about a microsecond). The start of the hog rule's window.
     */
    private static void readCpuOnce(PTick t, Machine m, long now, long ran) {
        if (t.cpu0 < 0 && ran >= CPU_PROBE_AFTER_NANOS && CarrierProbe.cpuTimeSupported()) {
            long cpu = CarrierProbe.cpuTimeNanos(m);
            if (cpu >= 0) {
                t.cpu0 = cpu;
                t.cpuWhen = now;
            }
        }
    }

    /**
     * Sysmon only; the hog rule's last condition (issue 11's hand-off rule), for a mount of 10 ms while work waits.
     * The carrier hogs if, since {@link #readCpuOnce}, it burnt half a slice (5 ms) of CPU time; or if over a
     * window of at least 5 ms it burnt under half the window and the OS says it is blocked in the kernel, where
     * goloom cannot see it (native code, an unbracketed read: Linux state S or D). Not if the OS state is R: the
     * OS simply did not run it, and another carrier would only compete for the same CPUs. A carrier that runs but
     * has not burnt 5 ms yet is looked at again on the next tick. Where the CPU time or the OS state cannot be
     * read, the wall-clock rule stands (no starvation).
     */
    private static boolean hogsItsCarrier(PTick t, Machine m, long now) {
        if (t.cpu0 < 0) {
            return true; // no CPU reading on this JVM: the wall-clock rule
        }
        long cpu = CarrierProbe.cpuTimeNanos(m);
        if (cpu < 0) {
            return true;
        }
        long used = cpu - t.cpu0;
        if (used >= HOG_CPU_NANOS) {
            return true; // burns CPU: the classic hog
        }
        long window = now - t.cpuWhen;
        if (window < HOG_CPU_NANOS || used >= window / 2) {
            return false; // too early to tell, or running: it becomes a hog once it has burnt 5 ms
        }
        if (t.osWhen != 0 && now - t.osWhen < OS_PROBE_INTERVAL_NANOS) {
            return false;
        }
        t.osWhen = now;
        return CarrierProbe.osState(m) != CarrierProbe.OS_RUNNABLE; // blocked unseen, or unknown: hand off
    }


    /**
     * Not in Go: sysmon's safety net. If work has waited in the global queue across two sysmon ticks while a P
     * is idle and nobody spins, start a spinner. The protocol above should never need it; the counter shows
     * whether it ever did.
     */
    void rescueIfStranded() {
        // Counted only when the wakep actually handed an idle P to an M: looksStranded reads three counters
        // racily, and a P that another thread was still taking off the idle list (npidle not yet decremented)
        // made it look stranded while every live P ran. Counted this way, sysmonWakeups > 0 means a wake-up
        // was really lost, and stress runs assert it stays 0.
        if (looksStranded() && sched.wakep()) {
            sched.sysmonWakeups.increment();
        }
    }

    boolean looksStranded() {
        return !sched.runq.isEmpty() && sched.npidle.get() > 0 && sched.nmspinning.get() == 0;
    }


    /**
     * sysmon's part (no P; called on the sysmon thread): poll the network if nobody has for 10 ms (Go); with
     * preemption points, ask the G on a P whose timers are over {@link #TIMER_PREEMPT_NANOS} late to yield, so that
     * its M runs them itself and the woken thread lands in that P's runnext (Go relies on preemption the same way);
     * and, as the fallback for a G that cannot be preempted, run timers that are over
     * {@link Sched#SYSMON_TIMER_SLACK_NANOS} late while no P is idle to run them (not in Go). What the fallback wakes
     * goes to the global queue, like any external wake-up.
     */
    void pollAndRunTimers(long now) {
        NetPoller np = sched.netpoller;
        long last = sched.lastpoll.get();
        if (np != null && last != 0 && now - last > Sched.SYSMON_NETPOLL_NANOS
                && sched.lastpoll.compareAndSet(last, Sched.nonZero(now)) && sched.pollingNet.compareAndSet(0, 1)) {
            try {
                np.poll(0, NetPoller.NONBLOCKING);
            } finally {
                sched.pollingNet.set(0);
            }
        }
        if (sched.timersOnP && sched.preempt) {
            for (Processor pp : sched.procs.all()) {
                if (pp.status() != Processor.RUNNING || pp.timers.when0() > now - TIMER_PREEMPT_NANOS) {
                    continue;
                }
                Machine m = pp.m;
                int tick = pp.schedtick;
                if (m != null && Machine.state(m.ctl()) == Machine.IN_G && pp.preemptTick != tick) {
                    // for the current slice; retake, right after us, raises the request word
                    preemptone(pp, tick(pp), tick, now);
                }
            }
        }
        if (sched.timersOnP && sched.npidle.get() == 0
                && sched.earliestTimer() <= now - Sched.SYSMON_TIMER_SLACK_NANOS) {
            for (Processor p : sched.procs.all()) {
                Timer t;
                while ((t = p.timers.pollDue(now)) != null) {
                    sched.timersBySysmon.increment();
                    sched.runTimerTask(t);
                }
            }
        }
    }
}
