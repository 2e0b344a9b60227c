package io.goloom.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A P's local run queue: Go's 256-slot lock-free ring plus the one-slot {@code runnext}
 * (runtime2.go {@code p.runq}, {@code p.runqhead}, {@code p.runqtail}, {@code p.runnext}; proc.go {@code runq*}).
 *
 * <h2>Ownership (the invariant every method below relies on)</h2>
 * <ul>
 *   <li>One producer: the M that owns the P. Only it writes ring slots and {@code tail}, and only it sets
 *       {@code runnext} to a non-null value.</li>
 *   <li>Many consumers: the owner ({@link #poll}, {@link #takeRunnext}) and thieves ({@link #stealFrom}). Each
 *       reads {@code head} with acquire, reads the slots, then claims them with a CAS on {@code head}. A thief may
 *       CAS {@code runnext} from a G to null, never the other way.</li>
 * </ul>
 * Indices are free-running {@code int}s; {@code t - h} is the size even after wrap-around (Go uses uint32 the
 * same way). A slot is read before it is claimed, so a consumer may read a value the producer is overwriting;
 * its CAS on {@code head} then fails and the value is discarded, exactly as in Go.
 *
 * <h2>Memory ordering</h2>
 * Slots: plain reads and writes. {@code tail}: written by the owner with release (publishes the slot written
 * before it), read by thieves with acquire. {@code head}: read with acquire, advanced with CAS (volatile).
 * {@code runnext}: volatile CAS.
 */
final class LocalRunQueue {
    /** Go's {@code len(p.runq)}. */
    static final int SIZE = 256;
    private static final int MASK = SIZE - 1;

    private final Runnable[] ring = new Runnable[SIZE];
    @SuppressWarnings("unused") private volatile int head;
    @SuppressWarnings("unused") private volatile int tail;
    @SuppressWarnings("unused") private volatile Runnable runnext;

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle RUNNEXT;
    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(LocalRunQueue.class, "head", int.class);
            TAIL = l.findVarHandle(LocalRunQueue.class, "tail", int.class);
            RUNNEXT = l.findVarHandle(LocalRunQueue.class, "runnext", Runnable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Where a full ring spills half of itself; Go's {@code globrunqputbatch}. */
    interface Overflow {
        void putBatch(Runnable[] batch, int n);
    }

    /**
     * Mirrors {@code runqput(pp, gp, next)}. Owner only. With {@code next}, {@code g} goes to {@code runnext} and
     * the G it displaces is kicked to the ring tail. A full ring moves its older half plus the new G (129) to the
     * overflow (the global queue).
     *
     * @return true if the put spilled to the overflow
     */
    boolean put(Runnable g, boolean next, Overflow overflow) {
        if (next) {
            Runnable old;
            do {
                old = (Runnable) RUNNEXT.getVolatile(this);
            } while (!RUNNEXT.compareAndSet(this, old, g)); // a thief may have zeroed it meanwhile: retry
            if (old == null) {
                return false;
            }
            g = old;
        }
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getOpaque(this); // only we write tail
            if (t - h < SIZE) {
                ring[t & MASK] = g;
                TAIL.setRelease(this, t + 1);
                return false;
            }
            if (putSlow(g, h, t, overflow)) {
                return true;
            }
            // a consumer moved head: the ring has room now
        }
    }

    /** Mirrors {@code runqputslow}: move the oldest half and {@code g} to the overflow, in that order. */
    private boolean putSlow(Runnable g, int h, int t, Overflow overflow) {
        int n = (t - h) / 2;
        if (n != SIZE / 2) {
            throw new IllegalStateException("runqputslow: queue is not full");
        }
        Runnable[] batch = new Runnable[n + 1];
        for (int i = 0; i < n; i++) {
            batch[i] = ring[(h + i) & MASK];
        }
        if (!HEAD.compareAndSet(this, h, h + n)) {
            return false;
        }
        batch[n] = g;
        overflow.putBatch(batch, n + 1);
        return true;
    }

    /** Owner only: append without touching runnext (Go's {@code runqput(pp, gp, false)} for batches). */
    boolean offerTail(Runnable g) {
        int h = (int) HEAD.getAcquire(this);
        int t = (int) TAIL.getOpaque(this);
        if (t - h >= SIZE) {
            return false;
        }
        ring[t & MASK] = g;
        TAIL.setRelease(this, t + 1);
        return true;
    }

    /** The {@code runnext} half of {@code runqget}: no retry, a failed CAS means a thief took it. Owner only. */
    Runnable takeRunnext() {
        Runnable next = (Runnable) RUNNEXT.getVolatile(this);
        if (next != null && RUNNEXT.compareAndSet(this, next, null)) {
            return next;
        }
        return null;
    }

    /** Peeks at {@code runnext} without taking it. */
    Runnable peekRunnext() {
        return (Runnable) RUNNEXT.getVolatile(this);
    }

    /** The ring half of {@code runqget}: take the oldest G. Owner only. */
    Runnable poll() {
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getOpaque(this);
            if (t == h) {
                return null;
            }
            Runnable g = ring[h & MASK];
            if (HEAD.compareAndSet(this, h, h + 1)) {
                return g;
            }
        }
    }

    /**
     * Mirrors {@code runqgrab}: copy half (rounded up) of {@code victim}'s ring into this ring starting at index
     * {@code batchHead}, and claim it from the victim. With an empty ring and {@code stealRunnext}, take the
     * victim's runnext instead, after a short back-off if the victim is running (it is probably about to run it
     * itself: the ping-pong case).
     */
    private int grab(LocalRunQueue victim, int batchHead, boolean stealRunnext, boolean victimRunning) {
        for (;;) {
            int h = (int) HEAD.getAcquire(victim);
            int t = (int) TAIL.getAcquire(victim); // acquire: synchronise with the victim's producer
            int n = t - h;
            n = n - n / 2;
            if (n == 0) {
                if (stealRunnext) {
                    Runnable next = (Runnable) RUNNEXT.getVolatile(victim);
                    if (next != null) {
                        if (victimRunning) {
                            backOff();
                        }
                        if (!RUNNEXT.compareAndSet(victim, next, null)) {
                            continue;
                        }
                        ring[batchHead & MASK] = next;
                        return 1;
                    }
                }
                return 0;
            }
            if (n > SIZE / 2) {
                continue; // h and t read at different times: inconsistent, retry
            }
            for (int i = 0; i < n; i++) {
                ring[(batchHead + i) & MASK] = victim.ring[(h + i) & MASK];
            }
            if (HEAD.compareAndSet(victim, h, h + n)) {
                return n;
            }
        }
    }

    /** Go sleeps 3 µs ({@code usleep(3)}); parkNanos cannot sleep that short, so we spin for the same time. */
    private static void backOff() {
        long end = System.nanoTime() + 3_000;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    /**
     * Mirrors {@code runqsteal}: steal half of {@code victim}'s ring into ours, return the newest stolen G to run
     * now, and publish the rest. Called by the owner of this queue only.
     *
     * @return the G to run, or null; {@link #lastStealCount} tells how many were taken
     */
    Runnable stealFrom(LocalRunQueue victim, boolean stealRunnext, boolean victimRunning) {
        int t = (int) TAIL.getOpaque(this);
        int n = grab(victim, t, stealRunnext, victimRunning);
        lastStealCount = n;
        if (n == 0) {
            return null;
        }
        n--;
        Runnable g = ring[(t + n) & MASK];
        if (n == 0) {
            return g;
        }
        int h = (int) HEAD.getAcquire(this);
        if (t - h + n >= SIZE) {
            throw new IllegalStateException("runqsteal: runq overflow");
        }
        TAIL.setRelease(this, t + n);
        return g;
    }

    /** How many Gs the last {@link #stealFrom} took (owner-only bookkeeping for the steal counters). */
    int lastStealCount;

    /** Ring length, runnext excluded (what schedtrace prints). Racy snapshot. */
    int size() {
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getAcquire(this);
            if (h == (int) HEAD.getAcquire(this)) {
                int n = t - h;
                return Math.max(0, Math.min(n, SIZE));
            }
        }
    }

    /**
     * Mirrors {@code runqempty}: ring and runnext empty. Re-reads tail so it never reports a spurious "empty"
     * while the owner moves runnext's old value into the ring.
     */
    boolean isEmpty() {
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getAcquire(this);
            Runnable next = (Runnable) RUNNEXT.getVolatile(this);
            if (t == (int) TAIL.getAcquire(this)) {
                return h == t && next == null;
            }
        }
    }

    /**
     * Owner (or transient owner) only: take everything, runnext first then the ring oldest-first
     * ({@code runqdrain}). Used when a P is destroyed by a GOMAXPROCS shrink.
     */
    int drain(Runnable[] out) {
        int k = 0;
        Runnable next = takeRunnext();
        if (next != null) {
            out[k++] = next;
        }
        Runnable g;
        while ((g = poll()) != null) {
            out[k++] = g;
        }
        return k;
    }
}
