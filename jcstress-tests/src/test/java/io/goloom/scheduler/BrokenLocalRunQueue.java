package io.goloom.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A copy of {@link LocalRunQueue} (same ring, same protocol, same memory ordering) with exactly one deliberate
 * breakage, chosen per instance. Each breakage replaces one CAS with a read-then-write, which x86's strong memory
 * model does not rescue: two consumers can both "claim" the same slot. The broken twins of the run-queue tests
 * use it to show that their outcome tables do catch a lost or duplicated G.
 */
final class BrokenLocalRunQueue {
    enum Breakage {
        /** {@code runqgrab}: the thief claims its batch with a plain store to head instead of a CAS. */
        GRAB_WITHOUT_CAS,
        /** {@code runqget}: the owner claims a slot with a plain store to head instead of a CAS. */
        GET_WITHOUT_CAS,
        /** {@code runqputslow}: the owner claims the half it spills with a plain store instead of a CAS. */
        SPILL_WITHOUT_CAS,
        /** {@code runqput(next)}: the owner swaps runnext with read-then-write instead of its CAS loop. */
        RUNNEXT_WITHOUT_CAS
    }

    static final int SIZE = LocalRunQueue.SIZE;
    private static final int MASK = SIZE - 1;

    private final Breakage breakage;
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
            HEAD = l.findVarHandle(BrokenLocalRunQueue.class, "head", int.class);
            TAIL = l.findVarHandle(BrokenLocalRunQueue.class, "tail", int.class);
            RUNNEXT = l.findVarHandle(BrokenLocalRunQueue.class, "runnext", Runnable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    BrokenLocalRunQueue(Breakage breakage) {
        this.breakage = breakage;
    }

    /** Claims [h, h + n) of queue q: the real CAS, or the broken read-then-write. */
    private static boolean claim(BrokenLocalRunQueue q, int h, int n, boolean broken) {
        if (broken) {
            if ((int) HEAD.getVolatile(q) != h) {
                return false;
            }
            HEAD.setVolatile(q, h + n); // BROKEN: another consumer may have claimed the same slots meanwhile
            return true;
        }
        return HEAD.compareAndSet(q, h, h + n);
    }

    void startAt(int start) {
        HEAD.setVolatile(this, start);
        TAIL.setVolatile(this, start);
    }

    boolean put(Runnable g, boolean next, LocalRunQueue.Overflow overflow) {
        if (next) {
            Runnable old;
            if (breakage == Breakage.RUNNEXT_WITHOUT_CAS) {
                old = (Runnable) RUNNEXT.getVolatile(this);
                RUNNEXT.setVolatile(this, g); // BROKEN: a thief may have taken `old` meanwhile; we kick it too
            } else {
                do {
                    old = (Runnable) RUNNEXT.getVolatile(this);
                } while (!RUNNEXT.compareAndSet(this, old, g));
            }
            if (old == null) {
                return false;
            }
            g = old;
        }
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getOpaque(this);
            if (t - h < SIZE) {
                ring[t & MASK] = g;
                TAIL.setRelease(this, t + 1);
                return false;
            }
            if (putSlow(g, h, t, overflow)) {
                return true;
            }
        }
    }

    private boolean putSlow(Runnable g, int h, int t, LocalRunQueue.Overflow overflow) {
        int n = (t - h) / 2;
        if (n != SIZE / 2) {
            throw new IllegalStateException("runqputslow: queue is not full");
        }
        Runnable[] batch = new Runnable[n + 1];
        for (int i = 0; i < n; i++) {
            batch[i] = ring[(h + i) & MASK];
        }
        if (!claim(this, h, n, breakage == Breakage.SPILL_WITHOUT_CAS)) {
            return false;
        }
        batch[n] = g;
        overflow.putBatch(batch, n + 1);
        return true;
    }

    Runnable takeRunnext() {
        Runnable next = (Runnable) RUNNEXT.getVolatile(this);
        if (next != null && RUNNEXT.compareAndSet(this, next, null)) {
            return next;
        }
        return null;
    }

    Runnable poll() {
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getOpaque(this);
            if (t == h) {
                return null;
            }
            Runnable g = ring[h & MASK];
            if (claim(this, h, 1, breakage == Breakage.GET_WITHOUT_CAS)) {
                return g;
            }
        }
    }

    private int grab(BrokenLocalRunQueue victim, int batchHead, boolean stealRunnext) {
        for (;;) {
            int h = (int) HEAD.getAcquire(victim);
            int t = (int) TAIL.getAcquire(victim);
            int n = t - h;
            n = n - n / 2;
            if (n == 0) {
                if (stealRunnext) {
                    Runnable next = (Runnable) RUNNEXT.getVolatile(victim);
                    if (next != null) {
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
                continue;
            }
            for (int i = 0; i < n; i++) {
                ring[(batchHead + i) & MASK] = victim.ring[(h + i) & MASK];
            }
            if (claim(victim, h, n, breakage == Breakage.GRAB_WITHOUT_CAS)) {
                return n;
            }
        }
    }

    int lastStealCount;

    Runnable stealFrom(BrokenLocalRunQueue victim, boolean stealRunnext) {
        int t = (int) TAIL.getOpaque(this);
        int n = grab(victim, t, stealRunnext);
        lastStealCount = n;
        if (n == 0) {
            return null;
        }
        n--;
        Runnable g = ring[(t + n) & MASK];
        if (n == 0) {
            return g;
        }
        TAIL.setRelease(this, t + n);
        return g;
    }

    int headForTest() {
        return (int) HEAD.getVolatile(this);
    }
}
