package io.goloom.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A timer in a P's heap (time.go {@code type timer struct}): the wake-up of a virtual thread's
 * {@code Thread.sleep}, {@code LockSupport.parkNanos} or timed {@code Object.wait}. Under the agent the JDK's
 * {@code VirtualThread.schedule} hands its timeout task here instead of to its {@code VirtualThread-unparker}
 * thread, and keeps the returned {@link Future} only to {@link #cancel} it when the thread wakes early.
 *
 * <h2>States</h2>
 * {@link #WAITING} → {@link #FIRED} (the heap's owner took it off the heap and runs its task) or
 * {@link #WAITING} → {@link #CANCELLED} (unpark or interrupt before the deadline). Both transitions are CASes, so a
 * timer that fires and is cancelled at once does exactly one of the two; the loser does nothing. (Go 1.23 guards
 * the same decision with {@code t.mu}.)
 *
 * <h2>Who may touch the heap fields</h2>
 * {@link #heap} and {@link #index} are guarded by the lock of the heap the timer is in; {@link #heap} is also
 * volatile so that {@link #cancel} can find the lock to take (it re-checks the field under the lock, because a
 * GOMAXPROCS shrink may move the timer to another P's heap meanwhile).
 */
final class Timer implements Future<Object> {
    static final int WAITING = 0;
    static final int FIRED = 1;
    static final int CANCELLED = 2;

    /** {@code t.when}: the deadline, in {@link System#nanoTime()} units. */
    final long when;
    /** {@code t.f}: the JDK's timeout task ({@code parkTimeoutExpired} or {@code waitTimeoutExpired}). */
    final Runnable task;

    /** The heap holding this timer, null once it left it. Written under that heap's lock. */
    volatile TimerHeap heap;
    /** The position in {@link #heap}'s array; guarded by its lock. */
    int index = -1;

    private volatile int state;
    private static final VarHandle STATE;
    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Timer.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    Timer(long when, Runnable task) {
        this.when = when;
        this.task = task;
    }

    /** The heap's owner claims the timer for running; false if it was cancelled first. */
    boolean claimForFiring() {
        return STATE.compareAndSet(this, WAITING, FIRED);
    }

    /**
     * Mirrors {@code timer.stop}: the thread woke before the deadline (unpark or interrupt), so its timeout must not
     * run. The timer leaves its heap at once (Go 1.23 marks it and lets the heap's owner drop it lazily; here the
     * JDK cancels from the woken thread's carrier, which is usually the heap's owner, so the eager removal is an
     * uncontended lock and the heap never holds dead entries: 10^5 cancelled sleeps leave nothing behind).
     *
     * @return true if this call cancelled it, false if it had already fired or been cancelled
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!STATE.compareAndSet(this, WAITING, CANCELLED)) {
            return false;
        }
        for (;;) {
            TimerHeap h = heap;
            if (h == null || h.removeIfHolds(this)) {
                return true;
            }
            // moved to another P's heap between our read and the lock (a GOMAXPROCS shrink): follow it
        }
    }

    @Override
    public boolean isCancelled() {
        return state == CANCELLED;
    }

    @Override
    public boolean isDone() {
        return state != WAITING;
    }

    /** The JDK never waits for a timeout task; a timer has no result to wait for. */
    @Override
    public Object get() {
        throw new UnsupportedOperationException("a goloom timer has no result to wait for");
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
        return get();
    }

    @Override
    public String toString() {
        return "Timer[when=" + when + ", state=" + state + "]";
    }
}
