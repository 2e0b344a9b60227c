package io.goloom.channels;

/**
 * A FIFO of blocked {@link Waiter}s: Go's {@code waitq} (chan.go). Doubly linked so that a waiter that
 * gives up (interrupt, timeout, or a select that was woken by another case) is unlinked in O(1), as
 * {@code waitq.dequeueSudoG} does. Guarded by the owning channel's lock.
 */
final class WaitQueue {
    private Waiter first;
    private Waiter last;

    /** Appends at the tail; mirrors {@code waitq.enqueue}. */
    void enqueue(Waiter w) {
        w.next = null;
        w.prev = last;
        if (last == null) {
            first = w;
        } else {
            last.next = w;
        }
        last = w;
        w.queued = true;
    }

    /**
     * Removes and returns the oldest waiter that may be completed, or null. A select waiter is returned
     * only if this call won its select's claim; waiters of a select already claimed by someone else are
     * unlinked and skipped. Mirrors {@code waitq.dequeue}.
     */
    Waiter dequeue() {
        for (;;) {
            Waiter w = first;
            if (w == null) {
                return null;
            }
            unlink(w);
            if (w.select != null && !w.select.tryClaim()) {
                continue; // another channel (or the selecting thread itself) won this select
            }
            return w;
        }
    }

    /** Unlinks {@code w} if it is still queued (someone may have dequeued it); mirrors {@code dequeueSudoG}. */
    void remove(Waiter w) {
        if (w.queued) {
            unlink(w);
        }
    }

    boolean isEmpty() {
        return first == null;
    }

    /** Number of queued waiters (including stale select waiters); for diagnostics and tests. */
    int size() {
        int n = 0;
        for (Waiter w = first; w != null; w = w.next) {
            n++;
        }
        return n;
    }

    private void unlink(Waiter w) {
        Waiter p = w.prev;
        Waiter n = w.next;
        if (p == null) {
            first = n;
        } else {
            p.next = n;
        }
        if (n == null) {
            last = p;
        } else {
            n.prev = p;
        }
        w.prev = null;
        w.next = null;
        w.queued = false;
    }
}
