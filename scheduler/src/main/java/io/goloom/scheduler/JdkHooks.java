package io.goloom.scheduler;

import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

/**
 * Template of {@code java.lang.GoloomHooks}, the class the JDK methods rewritten by the agent call. The agent
 * renames this class and defines it in {@code java.base}, package {@code java.lang} (with a private lookup on
 * {@code Thread}): code in {@code java.base} can call a class there, and only JDK types cross the boundary, so
 * goloom itself stays an ordinary class-path library, loaded once, by the application class loader.
 *
 * <p>So this class must use JDK types only (no goloom class, no lambda, no nested class). Every method runs
 * inside the JDK on every virtual-thread creation or blocking bracket of the JVM, or (the preemption point) in
 * application loops: a few field reads, never a throw.
 */
final class JdkHooks {
    private JdkHooks() {}

    private static volatile Executor scheduler;
    private static volatile IntSupplier blockerBegin;
    private static volatile BooleanSupplier blockerEnd;
    /** The JVM-wide scheduler's per-P timers: (task, delay in ns) to a cancellable timer. */
    private static volatile BiFunction<Runnable, Long, Future<?>> timers;
    /** Takes the JDK's I/O pollers ({master, read[], write[]}) over; true if it did. */
    private static volatile Predicate<Object[]> pollers;
    private static volatile IntSupplier knownQueuedWork;

    /**
     * Sets the JVM-wide scheduler and the syscall hooks, once.
     *
     * @throws IllegalStateException if already set
     */
    public static synchronized void install(Executor jvmWide, IntSupplier begin, BooleanSupplier end) {
        if (scheduler != null) {
            throw new IllegalStateException("the JVM-wide scheduler is already set");
        }
        blockerBegin = begin;
        blockerEnd = end;
        scheduler = jvmWide;
    }

    /** Sets the timer and poller hooks of the JVM-wide scheduler (after {@link #install}). */
    public static synchronized void installIo(BiFunction<Runnable, Long, Future<?>> t, Predicate<Object[]> p) {
        timers = t;
        pollers = p;
    }

    /**
     * A downcall handle for libc's {@code epoll_pwait2} (Linux 5.11+, glibc 2.35+), whose timeout is a
     * {@code timespec}, or null where there is none. Created here, in {@code java.base}, which has native access:
     * goloom's own module would need {@code --enable-native-access} (or print the JDK's warning) to create it,
     * while invoking the handle is not restricted. {@code (int epfd, MemorySegment events, int maxevents,
     * MemorySegment timeout, MemorySegment sigmask) -> int}.
     */
    public static java.lang.invoke.MethodHandle epollPwait2() {
        try {
            java.lang.foreign.Linker linker = java.lang.foreign.Linker.nativeLinker();
            java.util.Optional<java.lang.foreign.MemorySegment> f = linker.defaultLookup().find("epoll_pwait2");
            if (f.isEmpty()) {
                return null;
            }
            return linker.downcallHandle(f.get(), java.lang.foreign.FunctionDescriptor.of(
                    java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.JAVA_INT,
                    java.lang.foreign.ValueLayout.ADDRESS, java.lang.foreign.ValueLayout.JAVA_INT,
                    java.lang.foreign.ValueLayout.ADDRESS, java.lang.foreign.ValueLayout.ADDRESS));
        } catch (Throwable t) {
            return null;
        }
    }

    /**
     * Called first in {@code java.lang.VirtualThread.schedule(Runnable, long, TimeUnit)}, which schedules the
     * timeout of a timed park or timed wait (on the carrier, right after the thread unmounted).
     *
     * @return the timer on the current P, or null to run the JDK's code (another scheduler's thread, or no hook)
     */
    public static Future<?> schedule(Executor threadsScheduler, Runnable task, long delay, TimeUnit unit) {
        BiFunction<Runnable, Long, Future<?>> f = timers;
        if (f == null || threadsScheduler != scheduler) {
            return null;
        }
        try {
            return f.apply(task, unit.toNanos(delay));
        } catch (Throwable t) {
            return null;
        }
    }

    /**
     * Called first in {@code sun.nio.ch.Poller$Pollers.start()}, once, when the JDK's I/O pollers are created.
     *
     * @return true if goloom polls them from now on (the JDK's poller threads are then not started)
     */
    public static boolean startPollers(Object master, Object[] read, Object[] write) {
        Predicate<Object[]> p = pollers;
        if (p == null) {
            return false;
        }
        try {
            return p.test(new Object[] {master, read, write});
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * Called first in {@code java.lang.ThreadBuilders.newVirtualThread(Executor, String, int, Runnable)}, through
     * which the JDK creates every virtual thread. A thread with no scheduler of its own created by a platform
     * thread gets the JVM-wide scheduler; one created by a virtual thread keeps null, so the JDK gives it its
     * parent's scheduler, as usual.
     */
    public static Executor scheduler(Executor given) {
        if (given != null) {
            return given;
        }
        Executor s = scheduler;
        if (s == null || Thread.currentThread().isVirtual()) {
            return null;
        }
        return s;
    }

    /**
     * Called first in {@code jdk.internal.misc.Blocker.begin()} and {@code begin(boolean)}.
     *
     * @return -1 to run the JDK's code (not a virtual thread on a goloom carrier), else the result to return
     *         (1: entered the syscall state, 0: did not)
     */
    public static int blockerBegin() {
        return askForVirtualThread(blockerBegin);
    }

    /**
     * The answer of one of goloom's int hooks for the current thread if it is virtual, else -1 ("run the JDK's
     * code"); a hook that is not set, or that throws, also answers -1.
     */
    private static int askForVirtualThread(IntSupplier f) {
        if (f == null || !Thread.currentThread().isVirtual()) {
            return -1;
        }
        try {
            return f.getAsInt();
        } catch (Throwable t) {
            return -1;
        }
    }

    /**
     * Called first in {@code jdk.internal.misc.Blocker.end(boolean)} when its argument is true.
     *
     * @return true if goloom handled it (the JDK's code, which expects its own carrier type, is then skipped)
     */
    public static boolean blockerEnd() {
        BooleanSupplier f = blockerEnd;
        if (f == null || !Thread.currentThread().isVirtual()) {
            return false;
        }
        return f.getAsBoolean();
    }

    // ------------------------------------------------------------------------------------------------------
    // Preemption points (PreemptionTransformer inserts calls to preemptPoint into application classes)
    // ------------------------------------------------------------------------------------------------------

    /**
     * Non-zero while sysmon has asked some carrier's G to yield (Go: {@code gp.stackguard0 = stackPreempt}, which
     * every function prologue compares). One word for the whole JVM, so the check is one load and one branch;
     * the slow path finds out whether the request is for the G that reads it. Volatile so that the JIT cannot
     * hoist the load out of a loop (a plain load would be read once and the loop would never see a request);
     * on x86 and AArch64 it is an ordinary load (plus, on AArch64, ldar).
     */
    private static volatile int preempt;
    private static volatile Runnable preemptSlow;

    /** Sets goloom's slow path (the agent, once, when preemption is on). */
    public static void preemptInstall(Runnable slow) {
        preemptSlow = slow;
    }

    /** Raises (sysmon) or clears (sysmon, or the G that honoured the request) the JVM-wide request word. */
    public static void preemptRequest(boolean on) {
        preempt = on ? 1 : 0;
    }

    /** Whether the request word is up (sysmon reads it to know whether a G cleared it). */
    public static boolean preemptRequested() {
        return preempt != 0;
    }

    /**
     * A preemption point: Go's prologue check {@code if sp < g.stackguard0 { morestack() }}. Called at loop
     * back-edges and at the entry of recursive methods of application classes. Tiny on purpose, so the JIT
     * inlines it into the caller: one load, one never-taken branch.
     */
    public static void preemptPoint() {
        if (preempt != 0) {
            preemptSlowPath();
        }
    }

    /** Out of line, so that {@link #preemptPoint} stays small enough to be inlined everywhere. */
    private static void preemptSlowPath() {
        Runnable r = preemptSlow;
        if (r != null) {
            try {
                r.run();
            } catch (Throwable ignored) {
                // a preemption point must never throw into application code
            }
        }
    }

    /**
     * Sets the spin hook, once (separate from {@link #install} so that a JVM-wide scheduler without it is
     * still complete).
     */
    public static synchronized void installSpin(IntSupplier queuedWork) {
        if (knownQueuedWork != null) {
            throw new IllegalStateException("the spin hook is already set");
        }
        knownQueuedWork = queuedWork;
    }

    /**
     * Called first in {@code java.util.concurrent.ForkJoinWorkerThread.hasKnownQueuedWork()}, which
     * {@code LinkedTransferQueue} (so {@code SynchronousQueue}) and {@code Exchanger} ask before they spin: "true"
     * means "don't spin, park". On a goloom carrier the answer is Go's {@code !sync_runtime_canSpin}.
     *
     * @return -1 to run the JDK's code (not a virtual thread on a goloom carrier), else the result to return
     *         (1: has queued work, do not spin; 0: may spin)
     */
    public static int knownQueuedWork() {
        return askForVirtualThread(knownQueuedWork);
    }
}
