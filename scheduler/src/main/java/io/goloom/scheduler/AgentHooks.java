package io.goloom.scheduler;

import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * goloom's side of the syscall hooks that {@code java.lang.GoloomHooks} ({@link JdkHooks}) calls from the
 * rewritten {@code jdk.internal.misc.Blocker}: a bracket on a goloom carrier (of any GoScheduler) becomes Go's
 * {@code entersyscall}/{@code exitsyscall}. Called on virtual threads only.
 */
final class AgentHooks implements IntSupplier, BooleanSupplier {
    static final AgentHooks INSTANCE = new AgentHooks();

    private AgentHooks() {}

    /** {@code Blocker.begin}: -1 not ours (run the JDK's code), 1 entered the syscall state, 0 did not (nested). */
    @Override
    public int getAsInt() {
        if (Loom.currentCarrierThread() instanceof Machine m) {
            return m.sched.entersyscall() ? 1 : 0;
        }
        return -1;
    }

    /** {@code Blocker.end(true)}: true if handled here ({@code exitsyscall}). */
    @Override
    public boolean getAsBoolean() {
        if (!(Loom.currentCarrierThread() instanceof Machine m)) {
            return false;
        }
        try {
            m.sched.exitsyscall();
        } catch (Throwable ignored) {
            // the JDK's code expects its own carrier type: it must be skipped whatever happened here
        }
        return true;
    }
    /**
     * {@code ForkJoinWorkerThread.hasKnownQueuedWork()} for goloom's carriers: -1 not ours (run the JDK's code),
     * 1 do not spin, 0 may spin (Go's {@code sync_runtime_canSpin}, {@link Sched#canSpin}).
     */
    static final IntSupplier QUEUED_WORK = () -> {
        if (Loom.currentCarrierThread() instanceof Machine m) {
            return m.sched.canSpin(m) ? 0 : 1;
        }
        return -1;
    };
}
