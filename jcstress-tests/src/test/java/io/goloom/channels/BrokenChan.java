package io.goloom.channels;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A copy of {@link GoChannel}'s core ({@code chansend}, {@code chanrecv}, {@code closechan}, the buffer ring;
 * no select, no timeouts) built on the real {@link Waiter} and {@link WaitQueue}, with exactly one deliberate
 * breakage per instance. The broken twins of the channel tests use it to show that their outcome tables catch
 * the failure each breakage causes.
 */
final class BrokenChan<E> {
    enum Breakage {
        /**
         * The sender completes a waiting receiver (the volatile {@code done}) before it stores the element: a
         * receiver that sees {@code done} reads an empty slot. (The waiting receiver here spins briefly before it
         * parks, a harmless and common optimisation of the real loop, which re-checks {@code done} just the same;
         * it only makes the window reachable.)
         */
        COMPLETE_BEFORE_ELEM,
        /** A parked sender, once woken, does not re-check {@code success}: woken by close, it reports "sent". */
        SENDER_IGNORES_SUCCESS,
        /** {@code chanrecv} on a closed channel returns "closed" without draining the buffer first. */
        CLOSED_IGNORES_BUFFER,
        /** An interrupted receiver withdraws without re-checking, under the lock, whether it was completed. */
        INTERRUPT_WITHOUT_RECHECK
    }

    private final Breakage breakage;
    final ReentrantLock lock = new ReentrantLock();
    final int capacity;
    private final Object[] buf;
    int qcount;
    private int sendx;
    private int recvx;
    boolean closed;
    final WaitQueue recvq = new WaitQueue();
    final WaitQueue sendq = new WaitQueue();
    /** Waiter needs a channel for its park blocker; this one is never used otherwise. */
    private final GoChannel<?> blocker = GoChannel.unbuffered();

    BrokenChan(int capacity, Breakage breakage) {
        this.capacity = capacity;
        this.buf = capacity == 0 ? null : new Object[capacity];
        this.breakage = breakage;
    }

    void send(E value) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        chansend(value, true);
    }

    boolean trySend(E value) {
        try {
            return chansend(value, false);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
    }

    private boolean chansend(Object value, boolean block) throws InterruptedException {
        lock.lock();
        if (closed) {
            lock.unlock();
            throw ChannelPanicException.sendOnClosed();
        }
        Waiter receiver = recvq.dequeue();
        if (receiver != null) {
            if (breakage == Breakage.COMPLETE_BEFORE_ELEM) {
                receiver.complete(true); // BROKEN: publishes completion before the element
                receiver.elem = value;
            } else {
                receiver.elem = value;
                receiver.complete(true);
            }
            lock.unlock();
            LockSupport.unpark(receiver.thread);
            return true;
        }
        if (qcount < capacity) {
            buf[sendx] = value;
            if (++sendx == capacity) {
                sendx = 0;
            }
            qcount++;
            lock.unlock();
            return true;
        }
        if (!block) {
            lock.unlock();
            return false;
        }
        Waiter me = new Waiter(Thread.currentThread(), null, -1, blocker, value);
        sendq.enqueue(me);
        lock.unlock();
        int outcome = Parking.awaitPlain(me, false, 0L);
        if (outcome != Parking.DONE) {
            lock.lock();
            boolean completed = me.done;
            if (!completed) {
                sendq.remove(me);
            }
            lock.unlock();
            if (!completed) {
                throw new InterruptedException();
            }
            Thread.currentThread().interrupt();
        }
        if (!me.success && breakage != Breakage.SENDER_IGNORES_SUCCESS) { // BROKEN if SENDER_IGNORES_SUCCESS
            throw ChannelPanicException.sendOnClosed();
        }
        return true;
    }

    static final Object CLOSED = GoChannel.CLOSED;

    /** Returns the element or {@link #CLOSED}. */
    Object receive() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        lock.lock();
        if (closed) {
            if (qcount == 0 || breakage == Breakage.CLOSED_IGNORES_BUFFER) { // BROKEN if CLOSED_IGNORES_BUFFER
                lock.unlock();
                return CLOSED;
            }
        } else {
            Waiter sender = sendq.dequeue();
            if (sender != null) {
                Object v;
                if (capacity == 0) {
                    v = sender.elem;
                } else {
                    v = buf[recvx];
                    buf[recvx] = sender.elem;
                    if (++recvx == capacity) {
                        recvx = 0;
                    }
                    sendx = recvx;
                }
                sender.elem = null;
                sender.complete(true);
                lock.unlock();
                LockSupport.unpark(sender.thread);
                return v;
            }
        }
        if (qcount > 0) {
            Object v = buf[recvx];
            buf[recvx] = null;
            if (++recvx == capacity) {
                recvx = 0;
            }
            qcount--;
            lock.unlock();
            return v;
        }
        Waiter me = new Waiter(Thread.currentThread(), null, -1, blocker, null);
        recvq.enqueue(me);
        lock.unlock();

        int outcome;
        if (breakage == Breakage.COMPLETE_BEFORE_ELEM) {
            for (int i = 0; i < 20_000 && !me.done; i++) {
                Thread.onSpinWait();
            }
            outcome = Parking.awaitPlain(me, false, 0L);
        } else {
            outcome = Parking.awaitPlain(me, false, 0L);
        }
        if (outcome != Parking.DONE) {
            boolean completed;
            if (breakage == Breakage.INTERRUPT_WITHOUT_RECHECK) {
                lock.lock();
                recvq.remove(me); // BROKEN: withdraws even if a sender completed us meanwhile
                lock.unlock();
                completed = false;
            } else {
                lock.lock();
                completed = me.done;
                if (!completed) {
                    recvq.remove(me);
                }
                lock.unlock();
            }
            if (!completed) {
                throw new InterruptedException();
            }
            Thread.currentThread().interrupt();
        }
        return me.success ? me.elem : CLOSED;
    }

    void close() {
        lock.lock();
        if (closed) {
            lock.unlock();
            throw new ChannelPanicException(ChannelPanicException.CLOSE_OF_CLOSED);
        }
        closed = true;
        Waiter wake = null;
        Waiter w;
        while ((w = recvq.dequeue()) != null) {
            w.elem = null;
            w.complete(false);
            w.wakeLink = wake;
            wake = w;
        }
        while ((w = sendq.dequeue()) != null) {
            w.elem = null;
            w.complete(false);
            w.wakeLink = wake;
            wake = w;
        }
        lock.unlock();
        while (wake != null) {
            Waiter next = wake.wakeLink;
            LockSupport.unpark(wake.thread);
            wake = next;
        }
    }

    /** Non-blocking receive for arbiters: the element, {@link #CLOSED}, or null if it would block. */
    Object poll() {
        lock.lock();
        try {
            if (qcount > 0) {
                Object v = buf[recvx];
                buf[recvx] = null;
                if (++recvx == capacity) {
                    recvx = 0;
                }
                qcount--;
                return v;
            }
            return closed ? CLOSED : null;
        } finally {
            lock.unlock();
        }
    }
}
