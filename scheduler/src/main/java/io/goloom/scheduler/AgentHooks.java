package io.goloom.scheduler;

import java.util.concurrent.Executor;

/**
 * The methods that the JDK code rewritten by the goloom agent calls. Not an API: public only because
 * {@code java.base} must be able to call it (see docs/agent.md, "The bytecode hook").
 *
 * <p>Every method here runs inside the JDK, on every virtual-thread creation or blocking bracket of the JVM, so
 * each is a few field reads and never throws: on any failure it answers "not ours", and the JDK's original code
 * runs as if the agent were absent.
 */
public final class AgentHooks {
    private AgentHooks() {}

    /** The JVM-wide scheduler; null until the agent installed one. */
    private static volatile GoScheduler jvmWide;
    /** Whether {@code Blocker.begin/end} brackets become {@code entersyscall/exitsyscall}. */
    private static volatile boolean syscalls;

    static void install(GoScheduler scheduler, boolean syscallHandOff) {
        syscalls = syscallHandOff;
        jvmWide = scheduler;
    }

    /**
     * Called at the start of {@code java.lang.ThreadBuilders.newVirtualThread(Executor, String, int, Runnable)},
     * the one method every virtual thread of the JDK is created by. A thread with no scheduler of its own, created
     * by a platform thread, gets the JVM-wide GoScheduler. A virtual thread's children keep {@code null}, so the
     * JDK gives them their parent's scheduler as usual.
     *
     * @param given the scheduler the JDK was asked for (null: the default)
     * @return the scheduler to use (null: let the JDK choose)
     */
    public static Executor scheduler(Executor given) {
        if (given != null) {
            return given;
        }
        GoScheduler s = jvmWide;
        if (s == null || Thread.currentThread().isVirtual()) {
            return null;
        }
        return s;
    }

    /**
     * Called at the start of {@code jdk.internal.misc.Blocker.begin()} and {@code begin(boolean)}: a virtual
     * thread on a goloom carrier (of any GoScheduler) enters Go's syscall state.
     *
     * @return -1 if the caller is not a virtual thread on a goloom carrier (the JDK's code then runs as usual),
     *         else 1 if the syscall state was entered and 0 if it was not (a nested bracket)
     */
    public static int blockerBegin() {
        if (!syscalls || !Thread.currentThread().isVirtual()) {
            return -1;
        }
        try {
            if (Loom.currentCarrierThread() instanceof Machine m) {
                return m.sched.entersyscall() ? 1 : 0;
            }
        } catch (Throwable ignored) {
            // never break the JDK's I/O: behave as if the agent were absent
        }
        return -1;
    }

    /**
     * Called at the start of {@code jdk.internal.misc.Blocker.end(boolean)} when its argument is true: a virtual
     * thread on a goloom carrier leaves the syscall state ({@code exitsyscall}: its old P, an idle P, or the
     * global queue).
     *
     * @return true if handled here (the JDK's code, which expects its own carrier type, must then be skipped)
     */
    public static boolean blockerEnd() {
        if (!Thread.currentThread().isVirtual()) {
            return false;
        }
        Machine m;
        try {
            if (!(Loom.currentCarrierThread() instanceof Machine mm)) {
                return false;
            }
            m = mm;
        } catch (Throwable ignored) {
            return false;
        }
        try {
            m.sched.exitsyscall();
        } catch (Throwable ignored) {
            // the JDK's code expects its own carrier type: it must be skipped whatever happened here
        }
        return true;
    }
}
