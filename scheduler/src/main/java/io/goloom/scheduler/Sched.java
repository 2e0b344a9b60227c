package io.goloom.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The scheduler proper: Go's {@code schedt} state and the proc.go functions that act on it.
 *
 * <h2>Overview (read this first)</h2>
 * A G is a virtual thread's {@code runContinuation} task, the only thing the JDK ever hands to {@code execute}.
 * An M ({@link Machine}) is a carrier platform thread; a P ({@link Processor}) is the right to run Gs, with a
 * 256-slot local run queue and a {@code runnext} slot ({@link LocalRunQueue}). There are GOMAXPROCS Ps, any
 * number of Ms (capped at {@code maxThreads}), and one global run queue ({@link GlobalRunQueue}).
 *
 * <p>The path of a G:
 * <ol>
 *   <li>{@link #submit} ({@code execute}) decides the queue by who calls: a virtual thread running on one of our
 *       Ms puts the G in that M's P's {@code runnext} ({@code newproc}/{@code ready}: the old runnext is kicked to
 *       the ring tail); our M itself resubmitting a G that just yielded puts it on the global queue tail
 *       ({@code Gosched}); anybody else (main, the JDK's timer and unblocker threads, pollers) puts it on the
 *       global queue. Each then calls {@link #wakep} so an idle P gets a spinning M if none is spinning.</li>
 *   <li>An M in {@link #schedule} asks {@link #findRunnable} for work, in Go's order: one G from the global queue
 *       every 61st time slice; runnext, then the ring; a batch from the global queue; stealing half of another
 *       P's ring (4 randomised passes, runnext only on the last); and, if all fail, it gives up its P and parks
 *       ({@link #stopm}) after re-checking every source, so no submission is stranded.</li>
 *   <li>{@link #executeG} mounts the G by running its continuation. While it runs, the M's control word says
 *       IN_G, and {@link Sysmon} may take the P away ({@link Sysmon#retake}) if the G hogs the carrier for 10 ms while
 *       other work waits, or sits in a blocking call ({@link #entersyscall}) for a sysmon tick. When the
 *       continuation returns (the virtual thread parked, yielded or ended), the M goes back to step 2; if its P
 *       was taken it first tries to get an idle one, like {@code exitsyscall}.</li>
 * </ol>
 *
 * <h2>No locks on the submission path</h2>
 * Go guards the global queue and the idle lists with {@code sched.lock}. {@code execute} runs with the calling
 * virtual thread pinned, so it must not block: the global queue and idle lists are lock-free here, and the
 * decisions Go takes under the lock are re-expressed as store-then-load (Dekker) pairs on volatile/atomic
 * variables. Each pair is commented where it is relied on; jcstress tests cover them.
 */
final class Sched implements java.util.concurrent.Executor {
    /** Go's {@code forcePreemptNS}: the time slice. */
    static final long TIME_SLICE_NANOS = 10_000_000L;
    /** Go's {@code len(pp.runq)/2}: the most taken from the global queue at once. */
    static final int GLOBAL_BATCH_MAX = LocalRunQueue.SIZE / 2;
    /** Go's global-queue fairness tick. */
    static final int FAIRNESS_TICK = 61;
    /** How long an M that found no work watches for a hand-off before it parks in the OS (not in Go). */
    static final long STOPM_SPIN_NANOS = 20_000;
    /** Go's {@code stealTries}. */
    static final int STEAL_TRIES = 4;
    /** sysmon polls the network if nobody has for this long (Go: 10 ms). */
    static final long SYSMON_NETPOLL_NANOS = 10_000_000L;
    /**
     * sysmon runs a P's timers itself once they are this late and no P is idle to run them (not in Go): a slice,
     * by which a P whose G reaches preemption points has run them itself, into its runnext. Earlier, the woken
     * thread would land on the global queue behind every preempted hog (a 1 ms ticker beside 8 hogs on 2 Ps waited
     * 70 ms); so only a P whose G cannot be preempted (pinned, no points, preemption off) waits for sysmon.
     */
    static final long SYSMON_TIMER_SLACK_NANOS = TIME_SLICE_NANOS;
    /** "No deadline" for {@link #pollUntil} and the timer heaps' earliest deadline. */
    static final long NO_DEADLINE = Long.MAX_VALUE;

    final String name;
    final int maxThreads;
    final GlobalRunQueue runq = new GlobalRunQueue();

    /** Every P ever created (never shrinks, like Go's P structs) with the steal order over them. */
    volatile ProcSet procs;
    /** {@code gomaxprocs}: Ps with {@code id < gomaxprocs} are live, the rest retire. */
    volatile int gomaxprocs;
    private final ReentrantLock resizeLock = new ReentrantLock();

    /** {@code sched.pidle}: LIFO of idle Ps, and {@code sched.npidle}. */
    private final ConcurrentLinkedDeque<Processor> pidle = new ConcurrentLinkedDeque<>();
    final AtomicInteger npidle = new AtomicInteger();
    /** {@code sched.midle}: LIFO of idle Ms, and {@code sched.nmidle}. */
    private final ConcurrentLinkedDeque<Machine> midle = new ConcurrentLinkedDeque<>();
    final AtomicInteger nmidle = new AtomicInteger();
    /** {@code sched.nmspinning}. */
    final AtomicInteger nmspinning = new AtomicInteger();
    /** {@code sched.needspinning}: a spinning M found work but no idle P; the next M to go idle spins instead. */
    final AtomicInteger needspinning = new AtomicInteger();

    /** {@code allm} (live Ms only) and the M id generator {@code sched.mnext}. */
    final ConcurrentLinkedQueue<Machine> allm = new ConcurrentLinkedQueue<>();
    final AtomicInteger mnext = new AtomicInteger();
    final AtomicInteger mlive = new AtomicInteger();

    final Sysmon sysmon;
    volatile boolean closed;

    // The netpoller and the timers (netpoll.go, time.go); see NetPoller and TimerHeap.
    /**
     * {@code netpollinited}: the JDK's I/O pollers handed over by the agent, or null (library mode, or the JDK's
     * pollers were already running when the agent came): then I/O wake-ups come from the JDK's poller threads.
     */
    volatile NetPoller netpoller;
    /** Timers are on the Ps: the agent routes this scheduler's virtual threads' timeouts here ({@link #addTimer}). */
    volatile boolean timersOnP;
    /**
     * {@code sched.lastpoll}: when the network was last polled; 0 while an M is blocked in the poller (so at most one
     * M blocks there). A poll time that happens to be 0 is stored as 1.
     */
    final AtomicLong lastpoll = new AtomicLong(nonZero(System.nanoTime()));
    /** {@code sched.pollUntil}: until when the blocked poller sleeps; {@link #NO_DEADLINE} if forever or unknown. */
    volatile long pollUntil = NO_DEADLINE;
    /** {@code sched.pollingNet} (Go 1.25): 1 while some thread does a non-blocking poll; it owns that event array. */
    final AtomicInteger pollingNet = new AtomicInteger();
    /** The M blocked in {@link #pollBlocking} when there is no netpoller (timers only): {@code netpollBreak} unparks it. */
    private volatile Thread timerSleeper;
    /** A break for {@link #timerSleeper} that may have come before it slept (the eventfd's role with a netpoller). */
    private final java.util.concurrent.atomic.AtomicBoolean breakPending = new java.util.concurrent.atomic.AtomicBoolean();

    // Counters that are not owned by one P.
    final LongAdder handoffs = new LongAdder();
    final LongAdder retakesHog = new LongAdder();
    final LongAdder retakesSyscall = new LongAdder();
    final LongAdder preemptRequests = new LongAdder();
    final LongAdder externalSubmits = new LongAdder();
    final LongAdder threadLimitHits = new LongAdder();
    final LongAdder sysmonWakeups = new LongAdder();
    final LongAdder syscalls = new LongAdder();
    final LongAdder exitsyscallSlow = new LongAdder();
    final LongAdder timersFired = new LongAdder();
    final LongAdder timersBySysmon = new LongAdder();
    final LongAdder netpollReady = new LongAdder();
    final LongAdder netpollBlocks = new LongAdder();
    final LongAdder netpollBreaks = new LongAdder();
    /** The breaks that found the timers-only sleeper and unparked it (the rest left a pending break); for tests. */
    final LongAdder timerSleeperUnparks = new LongAdder();

    /**
     * Preemption points are live for this scheduler: the agent's JVM-wide one, unless turned off
     * ({@code preempt=false}, {@code GODEBUG=asyncpreemptoff=1}). See {@link Preemption}.
     */
    volatile boolean preempt;
    /** Gs that yielded at a preemption point ({@code gopreempt_m}), and yields that did not unmount (pinned). */
    final LongAdder preemptYields = new LongAdder();
    final LongAdder preemptPinned = new LongAdder();
    /** Hog hand-offs (preemption on) of a G that never reached a preemption point after its request. */
    final LongAdder preemptMissed = new LongAdder();

    private volatile boolean reportedThreadFailure;

    /** Listener for JFR events and the like; never null. */
    volatile SchedEvents events = SchedEvents.NONE;

    Sched(String name, int procs, int maxThreads, long schedtraceMillis, boolean scheddetail) {
        this.name = name;
        this.maxThreads = maxThreads;
        Processor[] all = new Processor[procs];
        for (int i = 0; i < procs; i++) {
            all[i] = new Processor(i);
        }
        this.procs = new ProcSet(all);
        this.gomaxprocs = procs;
        // Ps start idle, lowest id on top (Go's procresize pushes them the same way).
        for (int i = procs - 1; i >= 0; i--) {
            pidleput(all[i]);
        }
        this.sysmon = new Sysmon(this, schedtraceMillis, scheddetail);
    }

    /** Every P ever created, and the coprime strides for stealing over them ({@code randomOrder}). */
    record ProcSet(Processor[] all, int[] coprimes) {
        ProcSet(Processor[] all) {
            this(all, coprimes(all.length));
        }

        private static int[] coprimes(int n) {
            List<Integer> c = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                if (gcd(i, n) == 1) {
                    c.add(i);
                }
            }
            return c.stream().mapToInt(Integer::intValue).toArray();
        }

        private static int gcd(int a, int b) {
            while (b != 0) {
                int t = a % b;
                a = b;
                b = t;
            }
            return a;
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Submission: execute(runContinuation)
    // ------------------------------------------------------------------------------------------------------

    /**
     * The JDK-facing entry: the virtual threads of this scheduler hold this object as their scheduler, and the JDK
     * calls it with their {@code runContinuation} for every start and wake-up. Package-private on purpose (issue
     * 14): a user's {@code execute(task)} would run a plain Runnable on a carrier that holds a P, not in a virtual
     * thread; {@link GoScheduler} offers {@code go}, builders and executors instead.
     *
     * @throws NullPointerException       if {@code task} is null
     * @throws RejectedExecutionException if the scheduler is closed and {@code task} would start a new thread
     */
    @Override
    public void execute(Runnable task) {
        submit(java.util.Objects.requireNonNull(task, "task"));
    }

    /**
     * {@code execute}: never blocks, never parks (the calling virtual thread is pinned). See the class comment
     * for the choice of queue; it mirrors {@code newproc}/{@code ready} (runnext), {@code goschedImpl} (global
     * tail) and {@code injectglist} (external wake-ups).
     */
    void submit(Runnable g) {
        if (closed && rejectAfterClose(g)) {
            throw new RejectedExecutionException("GoScheduler '" + name + "' is closed: it does not start new "
                    + "virtual threads (threads that were already started still run to completion)");
        }
        Thread cur = Thread.currentThread();
        boolean fromCarrier = !cur.isVirtual();
        Thread carrier = fromCarrier ? cur : Loom.currentCarrierThread();
        if (carrier instanceof Machine m && m.sched == this) {
            if (fromCarrier && m.readyMode != Machine.READY_NONE) {
                readyFromScheduler(m, g);
                return;
            }
            long c = m.ctl();
            int st = Machine.state(c);
            // Take exclusive use of our P back from "running a G" for the length of the put; if sysmon retook
            // the P meanwhile the CAS fails and this is an external submission like any other.
            if ((st == Machine.IN_G || st == Machine.IN_SYSCALL) && m.casCtl(c, Machine.withState(c, Machine.SCHED))) {
                Processor pp = m.p;
                try {
                    if (fromCarrier && g == m.curg && Loom.stateOf(g) == Loom.STATE_YIELDED) {
                        // Thread.yield is Go's Gosched: to the global queue tail, behind everything else.
                        pp.yields++;
                        runq.put(g);
                    } else {
                        // Start or wake-up by a G of ours (or a park that raced its own unpark): runnext, so it
                        // runs next on this P and inherits the time slice.
                        pp.localSubmits++;
                        pp.runnextFromTimer = false;
                        if (pp.runq.put(g, true, runq)) {
                            pp.spills++;
                        }
                    }
                } finally {
                    // The M itself (fromCarrier) submits only after the continuation has unmounted (afterYield):
                    // no G runs on it any more, so it stays in SCHED and unmountG needs no CAS (one atomic less
                    // per Thread.yield). A G submitting from inside gives IN_G back, so sysmon may still retake.
                    if (!fromCarrier) {
                        m.setCtl(c);
                    }
                }
                wakep();
                return;
            }
        }
        externalSubmits.increment();
        runq.put(g);
        wakep();
    }

    /**
     * A wake-up made by this M while it runs timers or polls the network, outside any mount: the M owns its P
     * exclusively here (its control word says SCHED), so no CAS is needed.
     * <ul>
     *   <li>timers: Go's {@code goroutineReady} → {@code goready} → {@code ready(gp, next=true)}: this P's runnext,
     *       then {@code wakep};</li>
     *   <li>netpoll: Go's {@code netpoll} returns a list; the caller hands it to {@link #injectglist}.</li>
     * </ul>
     */
    private void readyFromScheduler(Machine m, Runnable g) {
        if (m.readyMode == Machine.READY_COLLECT) {
            m.readyList.add(g);
            return;
        }
        Processor pp = m.p;
        pp.localSubmits++;
        pp.runnextFromTimer = true;
        if (pp.runq.put(g, true, runq)) {
            pp.spills++;
        }
        wakep();
    }

    /** After close: starts of new virtual threads (and plain tasks) are refused, continuations never are. */
    private static boolean rejectAfterClose(Runnable g) {
        int state = Loom.stateOf(g);
        return state == Loom.STATE_STARTED || state < 0;
    }

    // ------------------------------------------------------------------------------------------------------
    // Spinning Ms and wake-ups
    // ------------------------------------------------------------------------------------------------------

    /**
     * Mirrors {@code wakep}: if nobody is spinning, start one spinning M on an idle P. At most one new spinner at a
     * time; the last spinner to find work calls this again ({@link #resetspinning}), which ramps up parallelism
     * one M at a time. Callers publish their work before calling (the Dekker pair with a spinning M that
     * decrements {@code nmspinning} and then re-checks every queue).
     *
     * @return true if this call handed an idle P to an M (Go's wakep returns nothing; sysmon's rescue counts
     *         only the calls that did something)
     */
    boolean wakep() {
        for (;;) {
            if (nmspinning.get() != 0) {
                return false;
            }
            // Saturated (no idle P) and already flagged: what the CAS below would achieve is done. npidle is raised
            // before a P is pushed idle, and an M that pushes its P reads needspinning afterwards, so it either
            // made npidle non-zero before our read or it will see the flag (cleared only by a new spinner, which
            // looks for work after clearing it). This keeps wakep at three reads on a busy scheduler.
            if (npidle.get() == 0 && needspinning.get() == 1) {
                return false;
            }
            if (!nmspinning.compareAndSet(0, 1)) {
                return false;
            }
            Processor pp = pidlegetSpinning();
            if (pp != null) {
                return startm(pp, true);
            }
            nmspinning.decrementAndGet();
            // While we held nmspinning at 1, a P may have been pushed idle by someone who then saw "a spinner
            // exists" and skipped its own wakep (handoffp, a GOMAXPROCS grow, destroyP). Pushers push, then read
            // nmspinning; we decrement, then look at the idle list: one of us sees the other. (Go does both
            // under sched.lock.)
            if (pidle.isEmpty()) {
                return false;
            }
        }
    }

    /** Mirrors {@code becomeSpinning}. */
    void becomeSpinning(Machine m) {
        m.spinning = true;
        nmspinning.incrementAndGet();
        needspinning.set(0);
    }

    /** Mirrors {@code resetspinning}: a spinning M found work; start a replacement spinner if it was the last. */
    private void resetspinning(Machine m) {
        m.spinning = false;
        nmspinning.decrementAndGet();
        wakep();
    }

    // ------------------------------------------------------------------------------------------------------
    // Idle Ps and Ms
    // ------------------------------------------------------------------------------------------------------

    /** Mirrors {@code pidleput}. The P's queue must be empty (or the caller hands its work on first). */
    void pidleput(Processor pp) {
        pp.setStatus(Processor.IDLE);
        npidle.incrementAndGet();
        pidle.offerFirst(pp);
        // A shrink may have published a lower gomaxprocs after our caller checked it; setMaxProcs writes
        // gomaxprocs and then scans the idle list, we push and then read gomaxprocs: one of us retires the P.
        if (pp.id >= gomaxprocs && pidle.remove(pp)) {
            npidle.decrementAndGet();
            retire(pp);
        }
    }

    /** Mirrors {@code pidleget}; a P retired by a GOMAXPROCS shrink is dropped on the way. */
    Processor pidleget() {
        for (;;) {
            Processor pp = pidle.pollFirst();
            if (pp == null) {
                return null;
            }
            npidle.decrementAndGet();
            if (pp.id >= gomaxprocs) {
                retire(pp);
                continue;
            }
            return pp; // stays IDLE (thieves skip it; it is empty) until acquirep, as in Go
        }
    }

    /**
     * Mirrors {@code pidlegetSpinning}: like {@link #pidleget}, but if there is no idle P, raise
     * {@code needspinning} so the next M about to drop its P spins instead. Go does both under
     * {@code sched.lock}; lock-free, we raise the flag and then look once more. An M dropping its P pushes the
     * P and then reads the flag, so either it sees the flag or our second look sees its P.
     */
    Processor pidlegetSpinning() {
        Processor pp = pidleget();
        if (pp == null) {
            needspinning.set(1);
            pp = pidleget();
        }
        return pp;
    }

    /**
     * Mirrors {@code startm}: give {@code pp} to an idle M (LIFO) or a new one. Never blocks: it may be called
     * from {@code execute} on a pinned virtual thread.
     *
     * @return false if no M could be had (thread cap, thread creation failed): the P went back idle
     */
    boolean startm(Processor pp, boolean spinning) {
        Machine nmp = midle.pollFirst();
        if (nmp != null) {
            nmidle.decrementAndGet();
            nmp.spinning = spinning;
            nmp.nextp = pp; // volatile: publishes spinning too
            LockSupport.unpark(nmp);
            return true;
        }
        return newm(pp, spinning);
    }

    /** Mirrors {@code mput}: an M joins the idle list (LIFO). */
    void mput(Machine m) {
        nmidle.incrementAndGet();
        midle.offerFirst(m);
    }

    /** Mirrors {@code newm}; at the thread cap the P goes back idle (Go would abort the process here). */
    private boolean newm(Processor pp, boolean spinning) {
        if (mlive.incrementAndGet() > maxThreads) {
            mlive.decrementAndGet();
            threadLimitHits.increment();
            giveBack(pp, spinning);
            return false;
        }
        Machine m = new Machine(this, mnext.getAndIncrement(), pp, spinning);
        allm.add(m);
        try {
            m.start();
        } catch (OutOfMemoryError | RuntimeException e) { // "unable to create native thread", and the like
            // Not rethrown: the caller may be execute(), whose G is already queued (the JDK would retry and queue
            // it twice). The G waits for an M that exists; the P goes back idle for the next wakep.
            allm.remove(m);
            mlive.decrementAndGet();
            threadLimitHits.increment();
            giveBack(pp, spinning);
            if (!reportedThreadFailure) {
                reportedThreadFailure = true;
                System.err.println("goloom: " + name + " could not start a carrier thread: " + e);
            }
            return false;
        }
        events.machineCreated(m);
        sysmon.ensureStarted();
        return true;
    }

    /**
     * No M could be had for {@code pp} (held transiently by the caller): undo the spinning count, move any queued
     * work to the global queue (an idle P's queue would be invisible to thieves), and put the P back idle.
     */
    private void giveBack(Processor pp, boolean spinning) {
        if (spinning) {
            nmspinning.decrementAndGet();
        }
        moveLocalToGlobalHead(pp);
        pidleput(pp);
    }

    /**
     * Mirrors {@code stopm}: park this M on the idle list until {@code startm} hands it a P. Returns false if the
     * M should exit instead (the scheduler is closed: carriers are not kept once there is nothing to do).
     */
    private boolean stopm(Machine m) {
        assert !m.spinning : "stopm: an M parks while counted as spinning";
        if (closed) {
            return false;
        }
        m.idle = true;
        mput(m);
        // close() drains the idle list after setting closed; if it ran before our push, take ourselves off.
        if (closed && midle.remove(m)) {
            nmidle.decrementAndGet();
            m.idle = false;
            return false;
        }
        events.machineParked(m);
        Processor pp;
        // Go's Ms park on a futex and so do ours, but a hand-off that wakes an M a few microseconds after it
        // parked pays for the OS round trip twice. Watch nextp for a few microseconds first: a startm that comes
        // in that window costs an unpark of a running thread (no system call).
        long spinUntil = System.nanoTime() + STOPM_SPIN_NANOS;
        while (m.nextp == null && !m.exitRequested && System.nanoTime() - spinUntil < 0) {
            Thread.onSpinWait();
        }
        while ((pp = m.nextp) == null) {
            if (m.exitRequested) {
                m.idle = false;
                return false;
            }
            LockSupport.park(this);
        }
        m.nextp = null;
        m.idle = false;
        acquirep(m, pp);
        return true;
    }

    /** Mirrors {@code acquirep}/{@code wirep}. */
    void acquirep(Machine m, Processor pp) {
        m.p = pp;
        pp.m = m;
        pp.setStatus(Processor.RUNNING);
        sysmon.wakeIfSleeping();
    }

    /** Mirrors {@code releasep}. */
    private Processor releasep(Machine m) {
        Processor pp = m.p;
        pp.m = null;
        m.p = null;
        return pp;
    }

    /**
     * Mirrors {@code handoffp}: find an owner for a P whose M lost it (sysmon's retake). Called by the transient
     * owner, never with the P attached to an M.
     */
    void handoffp(Processor pp) {
        handoffs.increment();
        if (pp.id >= gomaxprocs) {
            destroyP(pp);
            return;
        }
        // Work to do: start an M on it.
        if (!pp.runq.isEmpty() || !runq.isEmpty()) {
            startm(pp, false);
            return;
        }
        // No one is looking for work: become the spinner.
        if (nmspinning.get() + npidle.get() == 0 && nmspinning.compareAndSet(0, 1)) {
            needspinning.set(0);
            startm(pp, true);
            return;
        }
        // The last P, and nobody polls: an M must take it, or I/O and timers would wait for sysmon (Go).
        if (polls() && npidle.get() == gomaxprocs - 1 && lastpoll.get() != 0) {
            startm(pp, false);
            return;
        }
        long when = pp.timers.when0();
        pidleput(pp);
        // Go decides under sched.lock; here: publish the idle P, then look at the global queue once more.
        if (!runq.isEmpty()) {
            wakep();
        }
        if (when != NO_DEADLINE) {
            wakeNetPoller(when);
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // The M loop
    // ------------------------------------------------------------------------------------------------------

    /** Body of every M (Go's {@code mstart} then {@code schedule}, forever). */
    void mstart(Machine m) {
        try {
            Processor pp = m.nextp;
            m.nextp = null;
            acquirep(m, pp);
            schedule(m);
        } catch (Throwable t) {
            // An M must never die silently with a P: report, and hand the P on.
            System.err.println("goloom: " + m.getName() + " failed: " + t);
            t.printStackTrace();
            if (m.spinning) {
                m.spinning = false;
                nmspinning.decrementAndGet();
            }
            if (m.p != null) {
                handoffp(releasep(m));
            }
        } finally {
            allm.remove(m);
            mlive.decrementAndGet();
        }
    }

    /** Mirrors {@code schedule}: one scheduling round after another until the M is told to exit. */
    private void schedule(Machine m) {
        for (;;) {
            Runnable g = findRunnable(m);
            if (g == null) {
                return;
            }
            if (m.spinning) {
                resetspinning(m);
            }
            executeG(m, g);
        }
    }

    /**
     * Mirrors {@code execute(gp, inheritTime)}: mount the G. A new time slice bumps {@code schedtick}; a G from
     * runnext inherits the current one.
     */
    private void executeG(Machine m, Runnable g) {
        Processor pp = m.p;
        if (!m.inheritTime) {
            pp.schedtick++;
        }
        long c = m.ctl();
        long running = ((c >>> 2) + 1) << 2 | Machine.IN_G;
        m.curg = g;
        m.setCtl(running);
        try {
            g.run();
        } catch (Throwable t) {
            // runContinuation does not throw; if it ever does, the virtual thread's own handler saw it already.
            System.err.println("goloom: continuation threw on " + m.getName() + ": " + t);
        }
        unmountG(m);
    }

    /**
     * The end of a mount: take the control word back from IN_G to SCHED, or, if sysmon retook the P while the G ran,
     * let go of it (exitsyscall's slow path continues in findRunnable). Package-private for jcstress.
     *
     * @return true if the M kept its P
     */
    boolean unmountG(Machine m) {
        m.curg = null;
        for (;;) {
            long now = m.ctl();
            if (Machine.state(now) == Machine.SCHED) {
                // The M's own resubmission (submit, fromCarrier) already took the word back; only the M moves it
                // out of SCHED, so this read cannot be stale.
                return true;
            }
            if (Machine.state(now) == Machine.RETAKEN) {
                m.p = null;
                m.setCtl(Machine.withState(now, Machine.SCHED));
                return false;
            }
            if (m.casCtl(now, Machine.withState(now, Machine.SCHED))) {
                return true;
            }
        }
    }

    /**
     * Mirrors {@code findRunnable}: returns the next G to run with {@code m.inheritTime} set, blocking (parking
     * the M) until there is one. Returns null only when the M should exit.
     */
    private Runnable findRunnable(Machine m) {
        for (;;) {
            if (m.p == null) {
                // Lost our P (retake, or a shrink retired it) or just woke without one: take an idle P or park.
                Processor pp = pidleget();
                if (pp != null) {
                    acquirep(m, pp);
                    continue;
                }
                // A spinning M must not park still counted as spinning (Go asserts !spinning in stopm): do the
                // same decrement-then-recheck as when dropping a P.
                if (m.spinning && (pp = stopSpinning(m)) != null) {
                    acquirep(m, pp);
                    becomeSpinning(m);
                    continue;
                }
                if (!stopm(m)) {
                    return null;
                }
                continue;
            }
            Processor pp = m.p;
            if (pp.id >= gomaxprocs) {
                // GOMAXPROCS shrank below this P: move its work to the global queue and retire it (p.destroy).
                releasep(m);
                destroyP(pp);
                continue;
            }
            // Timers: this P's due timers first; the threads they wake go to our runnext (Go: pp.timers.check).
            runTimers(m, pp.timers);
            Runnable g;
            // Fairness: every 61st slice, one G from the global queue first, so two Gs that keep waking each
            // other through runnext cannot starve it.
            if (pp.schedtick % FAIRNESS_TICK == 0 && !runq.isEmpty()) {
                g = runq.poll();
                if (g != null) {
                    pp.fairTakes++;
                    m.inheritTime = false;
                    return g;
                }
            }
            // Local: runnext (inherits the slice) unless the slice is used up, then the ring.
            g = runqget(m, pp);
            if (g != null) {
                return g;
            }
            // Global: a batch of Go's size into our (empty) ring.
            if ((g = globalBatch(m, pp)) != null) {
                return g;
            }
            // Network, without blocking, if anyone waits on I/O and no M is blocked in the poller already (it will
            // see the events): one G to run, the rest injected (Go's step 8, one poller at a time as in 1.25).
            if ((g = netpollNonBlocking(m)) != null) {
                return g;
            }
            // Steal, if we may spin: spinners are capped at half the busy Ps.
            if (m.spinning || 2 * nmspinning.get() < gomaxprocs - npidle.get()) {
                if (!m.spinning) {
                    becomeSpinning(m);
                }
                g = stealWork(m, pp);
                if (g != null) {
                    return g;
                }
            }
            // Give up the P. Last look at the global queue first (Go does this under sched.lock).
            if ((g = globalBatch(m, pp)) != null) {
                return g;
            }
            boolean wasSpinning = m.spinning;
            if (dropP(m) != null) {
                continue;
            }
            // Without a P: block in the poller until I/O or the next timer, if no other M does (Go's step 15).
            int polled = netpollBlocking(m, wasSpinning);
            if (polled == POLL_GOT_P) {
                if (!m.readyList.isEmpty()) {
                    g = m.readyList.removeFirst();
                    injectglist(m);
                    m.inheritTime = false;
                    return g;
                }
                continue;
            }
            if (!stopm(m)) {
                return null;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Timers (time.go) and the netpoller (netpoll.go, findRunnable's steps 1, 8 and 15)
    // ------------------------------------------------------------------------------------------------------

    /**
     * Mirrors {@code addtimer} for the JDK's timeout of a virtual thread that is parking (the agent's hook in
     * {@code VirtualThread.schedule}, called on the carrier right after the thread unmounted): the timer goes into
     * the heap of the P this M holds, and the blocked poller is woken if it now sleeps too long
     * ({@code wakeNetPoller}).
     */
    Future<?> addTimer(Runnable task, long delayNanos) {
        long now = System.nanoTime();
        long when = now + Math.max(0, delayNanos);
        if (when < now) {
            when = NO_DEADLINE - 1; // overflow: "never", but still a real deadline
        }
        Timer t = new Timer(when, task);
        Processor pp = Thread.currentThread() instanceof Machine m && m.sched == this && m.p != null
                ? m.p : procs.all()[0];
        int r = pp.timers.add(t);
        if (r < 0) {
            // pp was destroyed by a GOMAXPROCS shrink while its G ran: P0 is never destroyed.
            r = procs.all()[0].timers.add(t);
        }
        if (r == 1) {
            wakeNetPoller(when);
        }
        return t;
    }

    /**
     * Mirrors {@code timers.check}/{@code timers.run}: run the due timers of {@code h} on this M, which holds a P;
     * the threads they wake go to that P's runnext ({@link #readyFromScheduler}).
     *
     * @return whether any timer ran
     */
    private boolean runTimers(Machine m, TimerHeap h) {
        long w = h.when0();
        if (w == NO_DEADLINE) {
            return false;
        }
        long now = System.nanoTime();
        if (w > now) {
            return false;
        }
        boolean ran = false;
        m.readyMode = Machine.READY_RUNNEXT;
        try {
            Timer t;
            while ((t = h.pollDue(now)) != null) {
                timersFired.increment();
                runTimerTask(t);
                ran = true;
            }
        } finally {
            m.readyMode = Machine.READY_NONE;
        }
        return ran;
    }

    void runTimerTask(Timer t) {
        try {
            t.task.run();
        } catch (Throwable e) {
            // The JDK's timeout tasks do not throw; if one ever does, the wake-up is the JDK's to lose, not ours.
            System.err.println("goloom: a timer task threw: " + e);
        }
    }

    /** Mirrors {@code timeSleepUntil}/{@code checkTimersNoP}: the earliest deadline over every P, or NO_DEADLINE. */
    long earliestTimer() {
        long w = NO_DEADLINE;
        for (Processor p : procs.all()) {
            w = Math.min(w, p.timers.when0());
        }
        return w;
    }

    /**
     * Mirrors {@code wakeNetPoller}: a timer earlier than every other on its P was added. If an M sleeps in the
     * poller past it, break that sleep; if nobody polls, make sure an M is looking ({@code wakep}).
     */
    void wakeNetPoller(long when) {
        if (lastpoll.get() == 0) {
            if (pollUntil > when) {
                breakPoll();
            }
        } else {
            wakep();
        }
    }

    /** Whether this scheduler runs its own poller loop (timers on the Ps and/or the netpoller). */
    private boolean polls() {
        return netpoller != null || timersOnP;
    }

    /** Step 8 of {@code findRunnable}: a non-blocking poll, one thread at a time ({@code sched.pollingNet}). */
    private Runnable netpollNonBlocking(Machine m) {
        NetPoller np = netpoller;
        if (np == null || lastpoll.get() == 0 || !np.anyWaiters() || !pollingNet.compareAndSet(0, 1)) {
            return null;
        }
        m.readyMode = Machine.READY_COLLECT;
        try {
            np.poll(0, NetPoller.NONBLOCKING);
        } finally {
            m.readyMode = Machine.READY_NONE;
            pollingNet.set(0);
        }
        if (m.readyList.isEmpty()) {
            return null;
        }
        Runnable g = m.readyList.removeFirst();
        injectglist(m);
        m.inheritTime = false;
        return g;
    }

    /** {@link #netpollBlocking}'s answer: the M holds a P again and must look for work (its readyList may have some). */
    static final int POLL_GOT_P = 1;
    /** {@link #netpollBlocking}'s answer: nothing was done, or the M polled and found no idle P: it must park. */
    static final int POLL_NO_P = 0;

    /**
     * Step 15 of {@code findRunnable}: the M has given up its P and found nothing anywhere. If someone waits on I/O
     * or a timer is pending, and no other M is blocked in the poller ({@code lastpoll} swapped to 0), block there
     * until I/O, the earliest timer, or a {@link #breakPoll}. Then take an idle P (the M goes on with it; the Gs the
     * poll made ready are in {@code m.readyList}), or, with none, inject them globally and park. If another M is
     * in the poller and would sleep past our earliest timer, break its sleep so it re-arms.
     */
    private int netpollBlocking(Machine m, boolean wasSpinning) {
        if (!polls()) {
            return POLL_NO_P;
        }
        long until = earliestTimer();
        NetPoller np = netpoller;
        boolean waiters = np != null && np.anyWaiters();
        if (enterPoller(waiters, until)) {
            long delay = until == NO_DEADLINE ? -1 : Math.max(0, until - System.nanoTime());
            netpollBlocks.increment();
            m.readyMode = Machine.READY_COLLECT;
            try {
                pollBlocking(np, delay);
            } finally {
                m.readyMode = Machine.READY_NONE;
                pollUntil = NO_DEADLINE;
                lastpoll.set(nonZero(System.nanoTime()));
            }
            Processor pp = pidleget();
            if (pp == null) {
                injectglist(m);
                return POLL_NO_P;
            }
            acquirep(m, pp);
            if (m.readyList.isEmpty() && wasSpinning) {
                becomeSpinning(m);
            }
            return POLL_GOT_P;
        }
        if (until != NO_DEADLINE && pollUntil > until) {
            breakPoll();
        }
        return POLL_NO_P;
    }

    /**
     * {@link #netpollBlocking}'s decision, split out (same code, same order) so that jcstress drives it: with someone
     * waiting on I/O or a timer pending, become the one M blocked in the poller ({@code lastpoll} swapped to 0),
     * then publish {@code until} for {@link #wakeNetPoller}. {@code until} was read before the swap: a timer added
     * after that read is covered by its adder, which either sees {@code lastpoll != 0} and calls {@code wakep}, or
     * sees 0 and our {@code pollUntil} (or the {@link #NO_DEADLINE} it replaces) later than its timer and breaks us.
     */
    boolean enterPoller(boolean waiters, long until) {
        if ((waiters || until != NO_DEADLINE) && lastpoll.getAndSet(0) != 0) {
            pollUntil = until;
            return true;
        }
        return false;
    }

    /** The blocking wait itself: in the netpoller, or, with timers only, a park that {@link #breakPoll} ends. */
    private void pollBlocking(NetPoller np, long delayNanos) {
        if (np != null) {
            np.poll(delayNanos, NetPoller.BLOCKING);
            return;
        }
        // Dekker with breakPoll: we publish ourselves, then read the flag; it sets the flag, then reads us. Either
        // we see its break, or it sees us and unparks (a permit that outlives a park not yet begun).
        try {
            if (armTimerSleep(Thread.currentThread())) {
                LockSupport.parkNanos(this, delayNanos < 0 ? Long.MAX_VALUE : Math.max(1, delayNanos));
            }
        } finally {
            timerSleeper = null;
        }
    }

    /**
     * {@link #pollBlocking}'s half of the Dekker pair with {@link #breakPoll}, split out (same code, same order) for
     * jcstress: publish the sleeper, then consume a pending break. The order is what makes it work: reading the flag
     * first would let a break land between the read and the publication, find no sleeper to unpark, and be missed
     * until the next sleep.
     *
     * @return true if the caller may sleep (no break was pending)
     */
    boolean armTimerSleep(Thread self) {
        timerSleeper = self;
        return !breakPending.getAndSet(false);
    }

    /** Mirrors {@code netpollBreak}: end the blocked poller's sleep. */
    void breakPoll() {
        netpollBreaks.increment();
        NetPoller np = netpoller;
        if (np != null) {
            np.breakPoll();
        } else {
            breakPending.set(true);
            Thread t = timerSleeper;
            if (t != null) {
                timerSleeperUnparks.increment();
                LockSupport.unpark(t);
            }
        }
    }

    /**
     * Mirrors {@code injectglist} (Go 1.23+): the Gs a netpoll made ready, in {@code m.readyList}. Without a P they
     * all go to the global queue and an M is started for each idle P; with one, as many as there are idle Ps go to
     * the global queue (with an M started for each of those Ps) and the rest to our ring, then {@code wakep}.
     */
    private void injectglist(Machine m) {
        java.util.ArrayList<Runnable> list = m.readyList;
        int n = list.size();
        if (n == 0) {
            return;
        }
        netpollReady.add(n);
        Processor pp = m.p;
        try {
            if (pp == null) {
                for (int i = 0; i < n; i++) {
                    runq.put(list.get(i));
                }
                startIdle(n);
                return;
            }
            int k = Math.min(Math.max(0, npidle.get()), n);
            for (int i = 0; i < k; i++) {
                runq.put(list.get(i));
            }
            startIdle(k);
            for (int i = k; i < n; i++) {
                if (pp.runq.put(list.get(i), false, runq)) {
                    pp.spills++;
                }
            }
            wakep();
        } finally {
            list.clear();
        }
    }

    /** {@code injectglist}'s {@code startIdle}: start an M (not spinning) on up to {@code n} idle Ps. */
    private void startIdle(int n) {
        for (int i = 0; i < n; i++) {
            Processor pp = pidlegetSpinning();
            if (pp == null) {
                return;
            }
            startm(pp, false);
        }
    }

    /**
     * The agent hands over the JDK's I/O pollers ({@code Poller$Pollers.start}): from now on goloom's Ms poll them.
     *
     * @return false if the netpoller could not be set up (the JDK then starts its own poller threads)
     */
    boolean adoptPollers(Object... pollers) {
        try {
            netpoller = NetPoller.create(pollers);
            return true;
        } catch (RuntimeException | LinkageError e) {
            System.err.println("goloom: " + e.getMessage() + "; I/O wake-ups stay with the JDK's poller threads");
            return false;
        }
    }

    static long nonZero(long t) {
        return t == 0 ? 1 : t;
    }

    /**
     * {@code globrunqgetbatch} + {@code runqputbatch}: one G to run (a new slice), the rest into our empty ring.
     * Package-private for jcstress.
     */
    Runnable globalBatch(Machine m, Processor pp) {
        if (runq.isEmpty()) {
            return null;
        }
        Runnable g = runq.pollBatch(GLOBAL_BATCH_MAX, gomaxprocs, pp.runq);
        if (g != null) {
            pp.globalTakes++;
            m.inheritTime = false;
        }
        return g;
    }

    /**
     * The end of {@code findRunnable}: the M found nothing and gives up its P. Returns the P it holds again if it
     * must keep looking (it is then spinning), or null if it should park ({@code stopm}).
     *
     * <p>Two lost-wake-up races are closed here, each by a store-then-load pair (Go closes them under
     * {@code sched.lock}):
     * <ul>
     *   <li>{@code needspinning}: a {@code wakep} found no idle P. We push our P and then read the flag; it sets the
     *       flag and then looks for an idle P again. Either it finds our P or we see the flag.</li>
     *   <li>The "delicate dance": a spinning M must stop counting itself as spinning BEFORE re-checking every
     *       source, because a submitter publishes its work and then skips {@code wakep} if it sees a spinner.</li>
     * </ul>
     */
    Processor dropP(Machine m) {
        Processor pp = releasep(m);
        pidleput(pp);
        if (!m.spinning && needspinning.get() == 1) {
            Processor pp2 = pidleget();
            if (pp2 != null) {
                acquirep(m, pp2);
                becomeSpinning(m);
                return pp2;
            }
        }
        if (m.spinning) {
            Processor pp2 = stopSpinning(m);
            if (pp2 != null) {
                acquirep(m, pp2);
                becomeSpinning(m);
                return pp2;
            }
        }
        return null;
    }

    /**
     * The "delicate dance" of {@code findRunnable}: stop counting this M as spinning, then re-check the global
     * queue and every busy P's ring. Returns an idle P (not yet acquired) if work turned up, else null.
     */
    private Processor stopSpinning(Machine m) {
        m.spinning = false;
        nmspinning.decrementAndGet();
        Processor pp = null;
        if (!runq.isEmpty()) {
            pp = pidlegetSpinning();
        }
        return pp != null ? pp : checkRunqsNoP();
    }

    /** Mirrors {@code runqget}, plus the cooperative form of Go's time-slice preemption. */
    private Runnable runqget(Machine m, Processor pp) {
        if (pp.runq.peekRunnext() != null) {
            boolean expired = pp.preemptTick == pp.schedtick;
            if (expired && pp.runnextFromTimer) {
                // A thread a timer just woke, after a slice that ran 10 ms (its G was preempted or parked): Go's
                // goready puts it in runnext and it runs next. It starts a new slice here, so that the expired
                // slice's preemption request does not make it yield at once, and it is not kicked behind the
                // global queue like the partner of a ping-pong pair (below), which would make timers late by
                // several slices whenever every P is busy.
                Runnable g = pp.runq.takeRunnext();
                if (g != null) {
                    m.inheritTime = false;
                    return g;
                }
            } else if (expired) {
                // The slice this runnext would inherit has run 10 ms: Go would preempt the running G to the global
                // queue. We cannot preempt a virtual thread, so the one about to inherit the slice goes there.
                Runnable kicked = pp.runq.takeRunnext();
                if (kicked != null) {
                    pp.runnextPreempts++;
                    runq.put(kicked);
                    wakep();
                }
            } else {
                Runnable g = pp.runq.takeRunnext();
                if (g != null) {
                    m.inheritTime = true;
                    return g;
                }
            }
        }
        Runnable g = pp.runq.poll();
        if (g != null) {
            m.inheritTime = false;
        }
        return g;
    }

    /**
     * Mirrors {@code stealWork}: four passes over the Ps in a random coprime order; take half of a busy P's ring,
     * and its runnext only on the last pass.
     */
    private Runnable stealWork(Machine m, Processor pp) {
        ProcSet set = procs;
        Processor[] all = set.all();
        int n = all.length;
        int[] coprimes = set.coprimes();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = 0; i < STEAL_TRIES; i++) {
            boolean lastPass = i == STEAL_TRIES - 1;
            int r = rnd.nextInt() & Integer.MAX_VALUE;
            int pos = r % n;
            int inc = coprimes[(r / n) % coprimes.length];
            for (int k = 0; k < n; k++, pos = (pos + inc) % n) {
                Processor p2 = all[pos];
                if (p2 == pp) {
                    continue;
                }
                // Go runs the victim's due timers on the last pass, idle Ps' included (their timers have nobody
                // else); what they wake lands in our runnext.
                if (lastPass && runTimers(m, p2.timers)) {
                    Runnable g = runqget(m, pp);
                    if (g != null) {
                        return g;
                    }
                }
                if (p2.status() != Processor.RUNNING) {
                    continue; // never steal Gs from idle Ps
                }
                Machine vm = p2.m;
                boolean victimRunning = vm != null && Machine.state(vm.ctl()) == Machine.IN_G;
                Runnable g = pp.runq.stealFrom(p2.runq, lastPass, victimRunning);
                if (g != null) {
                    m.inheritTime = false;
                    pp.steals++;
                    pp.stolenGs += pp.runq.lastStealCount;
                    events.stolen(pp, p2, pp.runq.lastStealCount);
                    return g;
                }
            }
        }
        return null;
    }

    /** Mirrors {@code checkRunqsNoP}: a busy P with queued work means we should get a P back and go steal. */
    private Processor checkRunqsNoP() {
        for (Processor p2 : procs.all()) {
            if (p2.status() == Processor.RUNNING && !p2.runq.isEmpty()) {
                return pidlegetSpinning();
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------------
    // GOMAXPROCS
    // ------------------------------------------------------------------------------------------------------

    /**
     * Mirrors {@code runtime.GOMAXPROCS(n)} + {@code procresize}, without stopping the world (a virtual thread
     * cannot be stopped): growing adds idle Ps and wakes an M; shrinking retires each P above {@code n} at its
     * owner's next scheduling point (or at once if it is idle), moving its queue to the global head.
     */
    int setMaxProcs(int n) {
        resizeLock.lock();
        try {
            int old = gomaxprocs;
            if (n == old) {
                return old;
            }
            if (n > old) {
                ProcSet set = procs;
                Processor[] all = set.all();
                int existing = all.length;
                if (n > existing) {
                    Processor[] grown = java.util.Arrays.copyOf(all, n);
                    for (int i = existing; i < n; i++) {
                        grown[i] = new Processor(i);
                        grown[i].setStatus(Processor.DEAD);
                    }
                    procs = new ProcSet(grown);
                    all = grown;
                }
                // Dekker with retire(): we publish the new gomaxprocs, then revive; retire marks DEAD, then
                // re-reads gomaxprocs. The CAS makes sure exactly one side revives a P.
                gomaxprocs = n;
                for (int i = 0; i < n; i++) {
                    if (all[i].casStatus(Processor.DEAD, Processor.IDLE)) {
                        all[i].timers.revive();
                        pidleput(all[i]);
                    }
                }
                wakep();
            } else {
                gomaxprocs = n;
                for (Processor p : procs.all()) {
                    if (p.id >= n && p.status() == Processor.IDLE && pidle.remove(p)) {
                        npidle.decrementAndGet();
                        retire(p);
                    }
                }
                // Ps above n that are running retire themselves at their owner's next scheduling point; sysmon
                // hands them off at once if their M is stuck in a long G while they hold queued work.
            }
            return old;
        } finally {
            resizeLock.unlock();
        }
    }

    /** Mirrors {@code p.destroy}: the queue goes to the global head in its order (runnext first), then DEAD. */
    private void destroyP(Processor pp) {
        int k = moveLocalToGlobalHead(pp);
        retire(pp);
        if (k > 0) {
            wakep();
        }
    }

    /** Owner (or transient owner) only: runnext and the ring go to the global queue's head, in their order. */
    private int moveLocalToGlobalHead(Processor pp) {
        Runnable[] drained = new Runnable[LocalRunQueue.SIZE + 1];
        int k = pp.runq.drain(drained);
        for (int i = k - 1; i >= 0; i--) {
            runq.putHead(drained[i]);
        }
        return k;
    }

    /** Marks an empty P dead, unless GOMAXPROCS grew back over it meanwhile (then it goes idle instead). */
    private void retire(Processor pp) {
        // Go's p.destroy moves the timers to the current P; P0, which no shrink retires, takes them here.
        TimerHeap p0 = procs.all()[0].timers;
        if (pp.timers.moveAllTo(p0)) {
            wakeNetPoller(p0.when0());
        }
        pp.m = null;
        pp.setStatus(Processor.DEAD);
        if (pp.id < gomaxprocs && pp.casStatus(Processor.DEAD, Processor.IDLE)) {
            pp.timers.revive();
            pidleput(pp);
            // a P became idle: like every other push, make sure queued work gets a spinner (a no-op if one spins)
            if (!runq.isEmpty()) {
                wakep();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // System calls (Blocker.begin/end under the agent)
    // ------------------------------------------------------------------------------------------------------

    /** The M the current virtual thread is mounted on, if it is one of ours; else null. */
    private Machine mountedMachine() {
        Thread cur = Thread.currentThread();
        if (!cur.isVirtual()) {
            return null;
        }
        return Loom.currentCarrierThread() instanceof Machine m && m.sched == this ? m : null;
    }

    /** {@code ncpu}, read once as Go reads it at start-up ({@code getproccount}). */
    static final int NCPU = Runtime.getRuntime().availableProcessors();

    /**
     * Mirrors {@code sync_runtime_canSpin(i)} without the iteration count (the JDK's spinner counts its own
     * iterations): may a virtual thread mounted on {@code m} busy-wait for a peer instead of parking? Go says no
     * <ul>
     *   <li>on a uniprocessor ({@code ncpu <= 1});</li>
     *   <li>when no other P is running ({@code gomaxprocs <= npidle + nmspinning + 1}): the peer it waits for can
     *       only run once this G gets off the P, so spinning just delays it (GOMAXPROCS=1 always lands here);</li>
     *   <li>when the local P's run queue (runnext included, as Go's {@code runqempty}) is non-empty: that work
     *       could run right now.</li>
     * </ul>
     * A racy heuristic, as in Go: every read is a plain snapshot and a wrong answer only costs a spin or a park.
     * {@code m.p} is written by {@code m} only, and the caller runs on {@code m}, so it is read on its own thread.
     * Called through {@code ForkJoinWorkerThread.hasKnownQueuedWork()} under the agent ({@link AgentHooks}).
     */
    boolean canSpin(Machine m) {
        if (NCPU <= 1 || gomaxprocs <= npidle.get() + nmspinning.get() + 1) {
            return false;
        }
        Processor pp = m.p;
        return pp != null && pp.runq.isEmpty();
    }

    /**
     * Mirrors {@code entersyscall}: the mounted virtual thread is about to block its carrier. The P stays with
     * the M, but sysmon may now retake it after one tick (Go's syscall rule) instead of after 10 ms.
     *
     * @return true if the syscall state was entered (pass it to {@link #exitsyscall})
     */
    boolean entersyscall() {
        Machine m = mountedMachine();
        if (m == null) {
            return false;
        }
        long c = m.ctl();
        if (Machine.state(c) != Machine.IN_G || !m.casCtl(c, Machine.withState(c, Machine.IN_SYSCALL))) {
            return false;
        }
        syscalls.increment();
        sysmon.wakeIfSleeping();
        return true;
    }

    /**
     * Mirrors {@code exitsyscall}: keep our P if sysmon did not take it; else take an idle P; else (Go's
     * {@code exitsyscallNoP}) yield, which puts this virtual thread on the global queue, and the M goes idle.
     */
    void exitsyscall() {
        Machine m = mountedMachine();
        if (m != null && exitsyscall(m) == ExitSyscall.YIELD) {
            // No P: let the virtual thread queue up globally (the carrier resubmits it, sees RETAKEN, and it goes
            // to the global queue); the M, once the continuation returns, sees RETAKEN too and goes idle.
            Thread.yield();
        }
    }

    /** What {@link #exitsyscall(Machine)} did. */
    enum ExitSyscall {
        /** Fast path: the M still had its P. */
        KEPT,
        /** Slow path: the P was retaken; the M took its old P back from the idle list, or another idle P. */
        OTHER_P,
        /** Slow path, no idle P: the caller must yield (Go's exitsyscallNoP: global queue, M goes idle). */
        YIELD,
        /** Not in a syscall bracket: nothing to do. */
        NOT_IN_SYSCALL
    }

    /** {@code exitsyscall} for the M the current virtual thread is mounted on. Package-private for jcstress. */
    ExitSyscall exitsyscall(Machine m) {
        long c;
        for (;;) {
            c = m.ctl();
            int st = Machine.state(c);
            if (st == Machine.RETAKEN) {
                break;
            }
            if (st != Machine.IN_SYSCALL) {
                return ExitSyscall.NOT_IN_SYSCALL;
            }
            if (m.casCtl(c, Machine.withState(c, Machine.IN_G))) {
                Processor pp = m.p;
                if (pp != null) {
                    pp.syscalltick++;
                }
                return ExitSyscall.KEPT;
            }
            // sysmon retook the P between our read and our CAS: read again
        }
        exitsyscallSlow.increment();
        // Go's exitsyscallTryGetP: our old P if it is idle now, else any idle P.
        Processor oldp = m.p;
        Processor pp = null;
        if (oldp != null && oldp.id < gomaxprocs && oldp.status() == Processor.IDLE && pidle.remove(oldp)) {
            npidle.decrementAndGet();
            pp = oldp;
        }
        if (pp == null) {
            pp = pidleget();
        }
        if (pp != null) {
            acquirep(m, pp);
            // a new mount sequence: sysmon must not mistake this for the syscall it already timed
            m.setCtl(((c >>> 2) + 1) << 2 | Machine.IN_G);
            return ExitSyscall.OTHER_P;
        }
        return ExitSyscall.YIELD;
    }

    /**
     * Whether the G mounted on {@code m} (control word {@code c}, read by that G) must yield at a preemption point:
     * sysmon asked for its P's current slice (a request names its slice: one for a slice that ended, the G having
     * parked or yielded meanwhile, never applies to the next G), or its P was retaken; and it has not tried yet in
     * this mount. Package-private for jcstress.
     */
    boolean preemptAsked(Machine m, long c) {
        int st = Machine.state(c);
        if (st == Machine.IN_G) {
            Processor pp = m.p; // stable: the M changes it only in SCHED, and we are the G it has mounted
            if (pp == null || pp.preemptTick != pp.schedtick) {
                return false;
            }
        } else if (st != Machine.RETAKEN) {
            return false; // IN_SYSCALL (a point reached inside a blocking bracket): the syscall rule covers it
        }
        return m.preemptedCtl != c; // tried once per mount
    }

    /**
     * How long sysmon keeps a slice's preemption request up before the hog hand-off takes over (and the request
     * word goes down, so that a G that cannot reach a preemption point does not keep every other G on the slow
     * path). Go has no such fallback: its asynchronous preemption (1.14+) reaches every G.
     */
    static final long PREEMPT_GRACE_NANOS = TIME_SLICE_NANOS;

    /**
     * The slow path of a preemption point, on the G itself: Go's {@code morestack} seeing {@code stackPreempt},
     * then {@code gopreempt_m} -> {@code goschedImpl}: the G goes to the global queue and the P runs something
     * else, on the same carrier. Acts only if sysmon asked for this P's current slice (a request for an older
     * slice is void: {@code schedtick} moved), or if sysmon already handed this M's P away (the G runs on without
     * a P: yielding lets its carrier go idle, so the count of carriers running Java code falls back to GOMAXPROCS).
     * A request is tried once per mount: a yield that does not unmount (a native frame pins the virtual thread)
     * is recorded, and sysmon hands the P off at once.
     */
    void preemptPoint(Machine m) {
        long c = m.ctl();
        if (!preemptAsked(m, c)) {
            return;
        }
        m.preemptedCtl = c;
        Preemption.request(false);
        preemptYields.increment();
        Thread.yield(); // Gosched: submit() sees our own M resubmitting its curg YIELDED -> global queue
        if (Loom.currentCarrierThread() == m && m.ctl() == c) {
            // Same carrier, same mount: the yield did not unmount.
            m.preemptPinnedCtl = c;
            preemptPinned.increment();
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Shutdown
    // ------------------------------------------------------------------------------------------------------

    /** Stop starting new threads; Ms with nothing to do exit from now on instead of idling. */
    void close() {
        closed = true;
        Machine m;
        while ((m = midle.pollFirst()) != null) {
            nmidle.decrementAndGet();
            m.exitRequested = true;
            LockSupport.unpark(m);
        }
        sysmon.wakeIfSleeping();
    }

    /** True when closed and no carrier (and no sysmon) is alive. */
    boolean isTerminated() {
        return closed && mlive.get() == 0 && !sysmon.isAlive();
    }

    // ------------------------------------------------------------------------------------------------------
    // Observation
    // ------------------------------------------------------------------------------------------------------

    /** {@code Thread.yield}s handled as Gosched, summed over every P. */
    long yields() {
        long n = 0;
        for (Processor p : procs.all()) {
            n += p.yields;
        }
        return n;
    }

    /** Starts and wake-ups by virtual threads of this scheduler (to runnext), summed over every P. */
    long localSubmits() {
        long n = 0;
        for (Processor p : procs.all()) {
            n += p.localSubmits;
        }
        return n;
    }

    int threads() {
        return mlive.get() + (sysmon.isAlive() ? 1 : 0);
    }

    /**
     * Mirrors {@code schedtrace}: the line Go 1.21-1.25 prints for {@code GODEBUG=schedtrace=X}, or with
     * {@code detailed} ({@code scheddetail=1}) the P and M lines and one line per mounted virtual thread.
     */
    String schedtrace(boolean detailed, long sinceMillis) {
        StringBuilder sb = new StringBuilder(256);
        int maxprocs = (int) Metrics.GOMAXPROCS.read(this); // once: the [a b ...] list below has this many entries
        // The gauges come from the table of metrics (Metrics), so this line and every other view agree.
        sb.append("SCHED ").append(sinceMillis).append("ms: gomaxprocs=").append(maxprocs)
                .append(" idleprocs=").append(Metrics.IDLE_PROCS.read(this))
                .append(" threads=").append(Metrics.THREADS.read(this))
                .append(" spinningthreads=").append(Metrics.SPINNING_THREADS.read(this))
                .append(" needspinning=").append(Metrics.NEED_SPINNING.read(this))
                .append(" idlethreads=").append(Metrics.IDLE_THREADS.read(this))
                .append(" runqueue=").append(Metrics.RUN_QUEUE.read(this));
        Processor[] all = procs.all();
        if (!detailed) {
            sb.append(" [");
            for (int i = 0; i < maxprocs && i < all.length; i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                sb.append(all[i].runq.size());
            }
            return sb.append(']').toString();
        }
        sb.append(" gcwaiting=false nmidlelocked=0 stopwait=0 sysmonwait=").append(sysmon.sleeping);
        for (Processor pp : all) {
            if (pp.id >= maxprocs && pp.status() == Processor.DEAD) {
                continue;
            }
            Machine m = pp.m;
            sb.append("\n  P").append(pp.id).append(": status=").append(pp.status())
                    .append(" schedtick=").append(pp.schedtick)
                    .append(" syscalltick=").append(pp.syscalltick)
                    .append(" m=").append(m == null ? "nil" : Integer.toString(m.mid))
                    .append(" runqsize=").append(pp.runq.size())
                    .append(" gfreecnt=0 timerslen=").append(pp.timers.size());
        }
        List<Machine> ms = new ArrayList<>(allm);
        java.util.Collections.reverse(ms); // Go walks allm newest first
        StringBuilder gs = new StringBuilder();
        for (Machine m : ms) {
            long c = m.ctl();
            int st = Machine.state(c);
            Runnable g = m.curg;
            Thread vt = g == null ? null : Loom.threadOf(g);
            Processor pp = st == Machine.RETAKEN ? null : m.p;
            sb.append("\n  M").append(m.mid).append(": p=").append(pp == null ? "nil" : Integer.toString(pp.id))
                    .append(" curg=").append(vt == null ? "nil" : Long.toString(vt.threadId()))
                    .append(" mallocing=0 throwing=0 preemptoff= locks=0 dying=0")
                    .append(" spinning=").append(m.spinning)
                    .append(" blocked=").append(m.idle)
                    .append(" lockedg=nil");
            if (vt != null) {
                gs.append("\n  G").append(vt.threadId()).append(": status=")
                        .append(st == Machine.IN_SYSCALL ? 3 : 2).append("() m=").append(m.mid)
                        .append(" lockedm=nil name=\"").append(vt.getName()).append('"');
            }
        }
        return sb.append(gs).toString();
    }
}
