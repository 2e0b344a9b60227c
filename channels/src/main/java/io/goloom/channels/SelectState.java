package io.goloom.channels;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Per-select-call state shared by all waiters of one blocked {@code select}: Go's
 * {@code g.selectDone} plus {@code g.param}.
 *
 * <p>Any thread that wants to complete one of the select's waiters must first win
 * {@link #tryClaim()} (CAS 0 to 1, as in chan.go:waitq.dequeue). Losers skip the waiter. The selecting
 * thread itself competes for the same CAS when it is interrupted or its timeout expires: winning it
 * means no communication happened and the select may withdraw.
 *
 * <p>Unlike Go, where {@code selectDone} lives in the G and is reset to 0 for reuse, a fresh state
 * object is allocated per blocking select, so no reset is needed.
 */
final class SelectState {
    private static final VarHandle DONE;

    static {
        try {
            DONE = MethodHandles.lookup().findVarHandle(SelectState.class, "selectDone", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through DONE
    private volatile int selectDone;

    /** The waiter whose communication completed ({@code g.param}); written under that channel's lock. */
    volatile Waiter winner;

    /** Claims this select for one waker; mirrors {@code sgp.g.selectDone.CompareAndSwap(0, 1)}. */
    boolean tryClaim() {
        return DONE.compareAndSet(this, 0, 1);
    }
}
