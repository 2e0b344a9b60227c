package io.goloom.scheduler;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The global run queue ({@code sched.runq} and the {@code globrunq*} functions of proc.go).
 *
 * <p>Go protects it with {@code sched.lock}. Here {@code execute} may be called by a virtual thread that is pinned
 * to its carrier, where blocking on a lock is not allowed, so the queue is the JDK's lock-free
 * {@link ConcurrentLinkedDeque}: a deque because {@code p.destroy} (GOMAXPROCS shrink) pushes at the head. The size
 * is kept beside it for Go's batch formula and for schedtrace; it may lag the deque for an instant (it is
 * incremented after an add and decremented after a poll), so emptiness is always asked of the deque itself.
 */
final class GlobalRunQueue implements LocalRunQueue.Overflow {
    private final ConcurrentLinkedDeque<Runnable> q = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger();

    /** {@code globrunqput}: append at the tail. */
    void put(Runnable g) {
        q.offerLast(g);
        size.incrementAndGet();
    }

    /** {@code globrunqputhead}. */
    void putHead(Runnable g) {
        q.offerFirst(g);
        size.incrementAndGet();
    }

    /** {@code globrunqputbatch}: append in order (the spill of a full local ring). */
    @Override
    public void putBatch(Runnable[] batch, int n) {
        for (int i = 0; i < n; i++) {
            q.offerLast(batch[i]);
        }
        size.addAndGet(n);
    }

    /** {@code globrunqget}: one G from the head, or null. */
    Runnable poll() {
        Runnable g = q.pollFirst();
        if (g != null) {
            size.decrementAndGet();
        }
        return g;
    }

    boolean isEmpty() {
        return q.isEmpty();
    }

    int size() {
        return Math.max(0, size.get());
    }

    /**
     * Mirrors {@code globrunqgetbatch(n)} followed by {@code runqputbatch}: take
     * {@code min(max, size, size/gomaxprocs + 1)} Gs, return the first and put the rest on {@code into}'s ring
     * (which the caller owns and has found empty).
     */
    Runnable pollBatch(int max, int gomaxprocs, LocalRunQueue into) {
        int sz = size();
        int n = Math.min(max, Math.min(Math.max(sz, 1), sz / gomaxprocs + 1));
        Runnable first = poll();
        if (first == null) {
            return null;
        }
        for (int i = 1; i < n; i++) {
            Runnable g = q.pollFirst();
            if (g == null) {
                break;
            }
            size.decrementAndGet();
            if (!into.offerTail(g)) { // cannot happen with an empty ring and n <= 128; never lose a G anyway
                putHead(g);
                break;
            }
        }
        return first;
    }
}
