package io.goloom.scheduler;

import java.util.Arrays;

/**
 * A P's timers (time.go {@code type timers struct}, {@code p.timers}): a 4-ary min-heap on {@link Timer#when}
 * (Go's {@code timerHeapN = 4}) under a lock of its own (Go's {@code ts.mu}).
 *
 * <p>Who touches it: the P's owner adds the timers of the virtual threads that park on it and runs the due ones
 * at each scheduling decision ({@code findRunnable} → {@link Sched#checkTimers}); a spinning M runs another P's
 * due timers on the last steal pass; the M that blocks in the netpoller reads every heap's {@link #when0} to know
 * how long it may sleep; a woken thread's carrier cancels its timer ({@link Timer#cancel}). All but the read of
 * {@link #when0} take the lock. The lock is only ever taken on platform threads (carriers outside a mount, sysmon),
 * never on the {@code execute} path.
 */
final class TimerHeap {
    private static final int ARITY = 4;

    /** Go's {@code ts.minWhenHeap}: the earliest deadline in the heap, {@link Long#MAX_VALUE} when empty. */
    private volatile long when0 = Long.MAX_VALUE;

    private Timer[] heap = new Timer[16];
    private int size;
    /** The P was destroyed by a GOMAXPROCS shrink and its timers moved: nothing may be added here any more. */
    private boolean retired;

    /** The earliest deadline, or {@link Long#MAX_VALUE}; a racy read, used to skip the lock when nothing is due. */
    long when0() {
        return when0;
    }

    synchronized int size() {
        return size;
    }

    /**
     * Mirrors {@code timers.addHeap}.
     *
     * @return -1 if this heap is retired (add to another P's), 1 if the timer is the new earliest (the netpoller
     *         may have to be woken: {@code wakeNetPoller}), else 0
     */
    synchronized int add(Timer t) {
        if (retired) {
            return -1;
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        t.heap = this;
        t.index = size;
        heap[size] = t;
        siftUp(size++);
        boolean first = heap[0] == t;
        when0 = heap[0].when;
        return first ? 1 : 0;
    }

    /** Removes {@code t} if it is still in this heap (Go's {@code timers.deleteMin}/delete by index). */
    synchronized boolean removeIfHolds(Timer t) {
        if (t.heap != this) {
            return false;
        }
        removeAt(t.index);
        return true;
    }

    /**
     * One due timer, claimed for firing and off the heap, or null if none is due at {@code now}. Timers are taken
     * one at a time so their tasks run outside the lock (the JDK's timeout task may take a monitor of its own).
     */
    Timer pollDue(long now) {
        if (when0 > now) {
            return null;
        }
        synchronized (this) {
            while (size > 0 && heap[0].when <= now) {
                Timer t = heap[0];
                removeAt(0);
                if (t.claimForFiring()) {
                    return t;
                }
                // cancelled between its CAS and its removal (it waits for our lock): already gone for it
            }
            return null;
        }
    }

    /**
     * Mirrors {@code timers.take} in {@code p.destroy}: every timer goes to {@code to} and this heap takes no more.
     *
     * @return true if the earliest deadline of {@code to} moved earlier
     */
    boolean moveAllTo(TimerHeap to) {
        Timer[] moving = takeAll();
        boolean earlier = false;
        for (Timer t : moving) {
            if (t.isDone()) {
                continue; // cancelled meanwhile: its cancel found heap == null and is done
            }
            earlier |= to.add(t) == 1;
            // A cancel that ran while t.heap was null found nothing to remove; it CASed the state before reading
            // t.heap, so checking the state after our add (which set t.heap) catches it.
            if (t.isDone()) {
                to.removeIfHolds(t);
            }
        }
        return earlier;
    }

    /**
     * {@link #moveAllTo}'s first half (split out, same code, so that jcstress's broken twin can reuse it): retire
     * this heap and empty it under its lock.
     */
    synchronized Timer[] takeAll() {
        retired = true;
        Timer[] moving = Arrays.copyOf(heap, size);
        Arrays.fill(heap, 0, size, null);
        size = 0;
        when0 = Long.MAX_VALUE;
        // While we hold the old lock, t.heap stays this: a concurrent cancel waits for it, then re-reads t.heap.
        for (Timer t : moving) {
            t.heap = null;
        }
        return moving;
    }

    /** Undoes {@link #moveAllTo}'s retirement when GOMAXPROCS grows back over the P. */
    synchronized void revive() {
        retired = false;
    }

    private void removeAt(int i) {
        Timer t = heap[i];
        t.heap = null;
        t.index = -1;
        int last = --size;
        if (i != last) {
            Timer moved = heap[last];
            heap[i] = moved;
            moved.index = i;
            heap[last] = null;
            if (i > 0 && moved.when < heap[(i - 1) / ARITY].when) {
                siftUp(i);
            } else {
                siftDown(i);
            }
        } else {
            heap[last] = null;
        }
        when0 = size == 0 ? Long.MAX_VALUE : heap[0].when;
    }

    private void siftUp(int i) {
        Timer t = heap[i];
        while (i > 0) {
            int parent = (i - 1) / ARITY;
            Timer p = heap[parent];
            if (t.when >= p.when) {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = t;
        t.index = i;
    }

    private void siftDown(int i) {
        Timer t = heap[i];
        for (;;) {
            int c = i * ARITY + 1;
            if (c >= size) {
                break;
            }
            int best = c;
            int end = Math.min(c + ARITY, size);
            for (int k = c + 1; k < end; k++) {
                if (heap[k].when < heap[best].when) {
                    best = k;
                }
            }
            if (heap[best].when >= t.when) {
                break;
            }
            heap[i] = heap[best];
            heap[i].index = i;
            i = best;
        }
        heap[i] = t;
        t.index = i;
    }
}
