package io.goloom.scheduler;

import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Template of {@code java.lang.GoloomHooks}, the class the JDK methods rewritten by the agent call. The agent
 * renames this class and defines it in {@code java.base}, package {@code java.lang} (with a private lookup on
 * {@code Thread}): code in {@code java.base} can call a class there, and only JDK types cross the boundary, so
 * goloom itself stays an ordinary class-path library, loaded once, by the application class loader.
 *
 * <p>So this class must use JDK types only (no goloom class, no lambda, no nested class). Every method runs
 * inside the JDK on every virtual-thread creation or blocking bracket of the JVM: a few field reads, never a
 * throw.
 */
final class JdkHooks {
    private JdkHooks() {}

    private static volatile Executor scheduler;
    private static volatile IntSupplier blockerBegin;
    private static volatile BooleanSupplier blockerEnd;
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
        IntSupplier f = blockerBegin;
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
        IntSupplier f = knownQueuedWork;
        if (f == null || !Thread.currentThread().isVirtual()) {
            return -1;
        }
        try {
            return f.getAsInt();
        } catch (Throwable t) {
            return -1;
        }
    }
}
