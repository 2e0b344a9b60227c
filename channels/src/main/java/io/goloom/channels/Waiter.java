package io.goloom.channels;

/**
 * One blocked thread waiting on one channel: Go's {@code sudog} (runtime2.go).
 *
 * <p>A plain {@code send}/{@code receive} has one waiter; a blocked {@code select} has one waiter per
 * (non-nil) communication case, all sharing one {@link SelectState}. Every field except {@link #done}
 * is guarded by the lock of the channel whose queue holds (or held) the waiter.
 *
 * <p>Completion protocol (mirrors chan.go:send/recv/closechan): the waker, <em>holding the channel
 * lock</em>, dequeues the waiter (for a select waiter it must first win {@link SelectState#tryClaim()}),
 * moves the element, and calls {@link #complete(boolean)}, which publishes everything with a volatile
 * write. It then unlocks and only then unparks {@link #thread}. Because completion happens inside the
 * critical section, a thread that was interrupted or timed out and re-acquires the lock sees a
 * definitive answer: either it was completed (and must accept the result), or it is still queued (and
 * can withdraw). That is what makes "delivered exactly once or not at all" hold.
 */
final class Waiter {
    /** The thread to unpark ({@code sudog.g}). */
    final Thread thread;
    /** Non-null iff this waiter belongs to a select ({@code sudog.isSelect}). */
    final SelectState select;
    /** The select case index this waiter stands for; -1 for plain operations. */
    final int caseIndex;
    /** The channel whose queue this waiter was put on ({@code sudog.c}). */
    final GoChannel<?> channel;
    /**
     * The element slot ({@code sudog.elem}): for a sender the value to hand over, for a receiver the
     * slot the waker writes the value into. Cleared by the waker.
     */
    Object elem;
    /** True: woken by a completed communication; false: woken by close ({@code sudog.success}). */
    boolean success;
    /** Completion flag of a plain (non-select) waiter; written under the channel lock. */
    volatile boolean done;

    // WaitQueue links, guarded by the channel lock (sudog.prev/next).
    Waiter prev;
    Waiter next;
    boolean queued;
    /** Link used by close() to collect the waiters it must unpark after unlocking (Go's gList). */
    Waiter wakeLink;

    Waiter(Thread thread, SelectState select, int caseIndex, GoChannel<?> channel, Object elem) {
        this.thread = thread;
        this.select = select;
        this.caseIndex = caseIndex;
        this.channel = channel;
        this.elem = elem;
    }

    /**
     * Marks this waiter completed. Called by the waker with the channel lock held, after the element
     * has been moved; the volatile write publishes {@link #elem} and {@link #success}.
     */
    void complete(boolean success) {
        this.success = success;
        if (select == null) {
            done = true;
        } else {
            select.winner = this;
        }
    }
}
