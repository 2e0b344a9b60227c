package io.goloom.channels;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Go channel ({@code chan E}) for any Java thread: platform threads, virtual threads on the JDK's
 * scheduler, and virtual threads on goloom's scheduler. Blocking is done only with
 * {@link LockSupport#park}/{@code unpark}; there are no other dependencies.
 *
 * <pre>{@code
 * GoChannel<String> ch = GoChannel.unbuffered();     // make(chan string)
 * GoChannel<String> jobs = GoChannel.buffered(100);  // make(chan string, 100)
 * ch.send("hi");                                     // ch <- "hi"
 * String v = ch.receive();                           // v := <-ch (null once ch is closed and drained)
 * Received<String> r = ch.receiveOk();               // v, ok := <-ch
 * for (String s : jobs) { ... }                      // for s := range jobs
 * jobs.close();                                      // close(jobs)
 * }</pre>
 *
 * <p>Because {@link #receive()} returns null on a closed channel, {@code int v = intChannel.receive()}
 * throws {@link NullPointerException} after {@code close}; range over the channel or use
 * {@link #receiveOk()} where it may be closed (see {@link ReceiveChannel#receive()}).
 *
 * <p><b>Semantics</b> (Go's, see chan.go): an unbuffered send completes only when a receiver takes the
 * value, and a waiting receiver gets it directly from the sender. A buffered channel is FIFO; a
 * receive from a full buffer with a blocked sender moves that sender's value into the freed slot, so
 * order is preserved. Blocked senders and receivers are served FIFO. {@code close} wakes every blocked
 * receiver (they see "closed") and sender (they throw "send on closed channel"); buffered values are
 * still received after close.
 *
 * <p><b>Memory model</b> (as in Go): a send happens-before the corresponding receive completes; a
 * close happens-before a receive that returns because the channel is closed; the k-th receive from a
 * channel of capacity C happens-before the (k+C)-th send to it completes.
 *
 * <p><b>Interruption</b> (Java only; Go has none): blocking operations throw
 * {@link InterruptedException} when the thread is interrupted on entry or while blocked. The value is
 * then delivered exactly once or not at all: if the interrupt loses the race against a completed
 * communication, the operation returns normally (a receive returns the value) and the interrupt
 * status is set again. Non-blocking operations ({@code trySend}, {@code tryReceive}) ignore the
 * interrupt status.
 *
 * <p><b>Null elements</b> are rejected with {@link NullPointerException}. Java has no zero value for a
 * generic type, so null plays that role: {@link #receive()} returns null for "closed and drained", and
 * an empty buffer slot is null. Allowing null elements would make a received null ambiguous.
 *
 * <p>A channel is guarded by one {@link ReentrantLock}, held only for a few field updates and never
 * while parking. Locking discipline (a Java addition: Go's runtime cannot throw while holding a channel
 * lock, Java can, e.g. OutOfMemoryError): nothing is allocated while the lock is held (a blocking
 * operation that must wait unlocks, allocates its {@link Waiter}, and looks again), every
 * {@code lock()} is paired with an {@code unlock()} in {@code finally}, and unparks and exceptions
 * happen after the lock is released. So an error can never leave a channel locked.
 *
 * @param <E> element type (never null)
 */
public final class GoChannel<E> implements SendChannel<E>, ReceiveChannel<E> {

    /** Source of the lock-order keys (Go orders by channel address, we by a unique id). */
    private static final AtomicLong IDS = new AtomicLong();

    /** Internal result markers; never elements, since elements are never null or these objects. */
    static final Object CLOSED = new Object() {
        @Override
        public String toString() {
            return "<closed>";
        }
    };
    static final Object WOULD_BLOCK = new Object() {
        @Override
        public String toString() {
            return "<would block>";
        }
    };

    private static final VarHandle QCOUNT;

    static {
        try {
            QCOUNT = MethodHandles.lookup().findVarHandle(GoChannel.class, "qcount", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final GoChannel<?> NIL = new GoChannel<>(0, true);

    // ---- hchan (runtime/chan.go); every mutable field is guarded by lock ----
    /** Lock-order key for select; unique, assigned at creation. */
    final long id;
    final ReentrantLock lock = new ReentrantLock();
    /** {@code dataqsiz}: 0 for unbuffered. */
    final int capacity;
    /** {@code buf}: ring of {@code capacity} slots; null for unbuffered. */
    private final Object[] buf;
    /** {@code qcount}: buffered elements. Written under lock, read lock-free (opaque) by {@link #len()}. */
    int qcount;
    /** {@code sendx}, {@code recvx}: ring indexes. */
    private int sendx;
    private int recvx;
    /** {@code closed}: never reset. */
    boolean closed;
    /** {@code recvq}, {@code sendq}: FIFO of blocked receivers / senders. */
    final WaitQueue recvq = new WaitQueue();
    final WaitQueue sendq = new WaitQueue();
    /** The nil channel: never ready, never locked. */
    final boolean isNil;

    private GoChannel(int capacity, boolean isNil) {
        this.capacity = capacity;
        this.buf = capacity == 0 ? null : new Object[capacity];
        this.isNil = isNil;
        this.id = isNil ? 0 : IDS.incrementAndGet();
    }

    /** Go's {@code make(chan E)}: an unbuffered (rendezvous) channel. */
    public static <E> GoChannel<E> unbuffered() {
        return new GoChannel<>(0, false);
    }

    /**
     * Go's {@code make(chan E, capacity)}; capacity 0 gives an unbuffered channel.
     *
     * @throws IllegalArgumentException "makechan: size out of range" if capacity is negative
     */
    public static <E> GoChannel<E> buffered(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("makechan: size out of range");
        }
        return new GoChannel<>(capacity, false);
    }

    /**
     * The nil channel, Go's {@code var ch chan E} (zero value). It is never ready: send and receive block
     * until interrupted, {@code trySend}/{@code tryReceive} always report "would block", a
     * {@link Select} ignores its cases, and {@code close} throws "close of nil channel". The Go idiom of
     * disabling a select case by setting its channel variable to nil works the same way:
     * {@code in = GoChannel.nil();}.
     */
    @SuppressWarnings("unchecked")
    public static <E> GoChannel<E> nil() {
        return (GoChannel<E>) NIL;
    }

    /** True for the channel returned by {@link #nil()}. */
    public boolean isNil() {
        return isNil;
    }

    // ------------------------------------------------------------------ send

    @Override
    public void send(E value) throws InterruptedException {
        Objects.requireNonNull(value, "GoChannel elements must not be null");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        chansend(value, true, false, 0L);
    }

    @Override
    public boolean trySend(E value) {
        Objects.requireNonNull(value, "GoChannel elements must not be null");
        try {
            return chansend(value, false, false, 0L);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible); // a non-blocking send never waits
        }
    }

    @Override
    public boolean trySend(E value, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(value, "GoChannel elements must not be null");
        long nanos = Parking.toNanos(timeout);
        if (nanos <= 0) {
            return trySend(value);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return chansend(value, true, true, Parking.deadline(nanos));
    }

    /**
     * The end of a blocking send or receive after {@code Parking.awaitPlain} returned {@code outcome}. If the wait
     * was interrupted or timed out, withdraw {@code me} from {@code q} under the lock, unless a waker (a partner or
     * close) already completed it: then the operation counts as done, and an interrupt is kept as the thread's
     * status instead of being thrown. This is what makes "delivered exactly once or not at all" hold.
     *
     * @return true if {@code me} was completed, false if it timed out and was withdrawn
     * @throws InterruptedException if it was interrupted and withdrawn
     */
    private boolean awaitOrWithdraw(WaitQueue q, Waiter me, int outcome) throws InterruptedException {
        if (outcome == Parking.DONE) {
            return true;
        }
        boolean completed;
        lock.lock();
        try {
            completed = me.done;
            if (!completed) {
                q.remove(me);
            }
        } finally {
            lock.unlock();
        }
        if (!completed) {
            if (outcome == Parking.INTERRUPTED) {
                throw new InterruptedException();
            }
            return false;
        }
        if (outcome == Parking.INTERRUPTED) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    /**
     * Mirrors chan.go:chansend. Returns true if delivered, false if it would block (non-blocking) or
     * timed out.
     */
    private boolean chansend(Object value, boolean block, boolean timed, long deadline) throws InterruptedException {
        if (isNil) {
            if (!block) {
                return false;
            }
            Parking.parkForever(this, timed, deadline);
            return false;
        }
        Waiter me = null; // allocated with the lock released, see the class comment on locking
        for (;;) {
            int result;
            Waiter receiver = null;
            lock.lock();
            try {
                if (closed) {
                    result = SEND_ON_CLOSED;
                } else if ((receiver = recvq.dequeue()) != null) {
                    // A receiver is waiting: hand the value over directly, bypassing the buffer.
                    sendToReceiver(receiver, value);
                    result = DONE;
                } else if (qcount < capacity) {
                    bufferPut(value);
                    result = DONE;
                } else if (!block) {
                    result = NOT_READY;
                } else if (me != null) {
                    sendq.enqueue(me);
                    result = ENQUEUED;
                } else {
                    result = NOT_READY;
                }
            } finally {
                lock.unlock();
            }
            switch (result) {
                case SEND_ON_CLOSED:
                    throw ChannelPanicException.sendOnClosed();
                case DONE:
                    if (receiver != null) {
                        LockSupport.unpark(receiver.thread);
                    }
                    return true;
                case ENQUEUED:
                    if (!awaitOrWithdraw(sendq, me, Parking.awaitPlain(me, timed, deadline))) {
                        return false;
                    }
                    if (!me.success) {
                        throw ChannelPanicException.sendOnClosed(); // woken by close
                    }
                    return true;
                default: // NOT_READY
                    if (!block) {
                        return false;
                    }
                    // Must block: allocate the waiter unlocked, then look again (the channel may have changed).
                    me = new Waiter(Thread.currentThread(), null, -1, this, value);
            }
        }
    }

    /** Outcomes of one locked step of chansend/chanrecv, acted on after unlocking. */
    private static final int DONE = 0;
    private static final int NOT_READY = 1;
    private static final int ENQUEUED = 2;
    private static final int SEND_ON_CLOSED = 3;

    // --------------------------------------------------------------- receive

    @Override
    @SuppressWarnings("unchecked")
    public E receive() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Object v = chanrecv(true, false, 0L);
        return v == CLOSED ? null : (E) v;
    }

    @Override
    public Received<E> receiveOk() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return toReceived(chanrecv(true, false, 0L));
    }

    @Override
    public Received<E> tryReceive() {
        try {
            return toReceived(chanrecv(false, false, 0L));
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible); // a non-blocking receive never waits
        }
    }

    @Override
    public Received<E> tryReceive(Duration timeout) throws InterruptedException {
        long nanos = Parking.toNanos(timeout);
        if (nanos <= 0) {
            return tryReceive();
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return toReceived(chanrecv(true, true, Parking.deadline(nanos)));
    }

    @SuppressWarnings("unchecked")
    static <E> Received<E> toReceived(Object v) {
        if (v == CLOSED) {
            return Received.closedChannel();
        }
        if (v == WOULD_BLOCK) {
            return Received.wouldBlockResult();
        }
        return Received.of((E) v);
    }

    /**
     * Mirrors chan.go:chanrecv. Returns the element, {@link #CLOSED} (closed and drained) or
     * {@link #WOULD_BLOCK} (non-blocking and nothing ready, or timed out).
     */
    private Object chanrecv(boolean block, boolean timed, long deadline) throws InterruptedException {
        if (isNil) {
            if (!block) {
                return WOULD_BLOCK;
            }
            Parking.parkForever(this, timed, deadline);
            return WOULD_BLOCK;
        }
        Waiter me = null; // allocated with the lock released, see the class comment on locking
        for (;;) {
            int result;
            Object v = null;
            Waiter sender = null;
            lock.lock();
            try {
                if (closed && qcount == 0) {
                    v = CLOSED;
                    result = DONE;
                } else if (!closed && (sender = sendq.dequeue()) != null) {
                    // closed with buffered values left: no sender can be queued (close woke them all)
                    v = recvFromSender(sender);
                    result = DONE;
                } else if (qcount > 0) {
                    v = bufferTake();
                    result = DONE;
                } else if (!block) {
                    result = NOT_READY;
                } else if (me != null) {
                    recvq.enqueue(me);
                    result = ENQUEUED;
                } else {
                    result = NOT_READY;
                }
            } finally {
                lock.unlock();
            }
            switch (result) {
                case DONE:
                    if (sender != null) {
                        LockSupport.unpark(sender.thread);
                    }
                    return v;
                case ENQUEUED:
                    if (!awaitOrWithdraw(recvq, me, Parking.awaitPlain(me, timed, deadline))) {
                        return WOULD_BLOCK;
                    }
                    return me.success ? me.elem : CLOSED;
                default: // NOT_READY
                    if (!block) {
                        return WOULD_BLOCK;
                    }
                    // Must block: allocate the waiter unlocked, then look again (the channel may have changed).
                    me = new Waiter(Thread.currentThread(), null, -1, this, null);
            }
        }
    }

    // ----------------------------------------------------------------- close

    /** Mirrors chan.go:closechan. */
    @Override
    public void close() {
        if (isNil) {
            throw new ChannelPanicException(ChannelPanicException.CLOSE_OF_NIL);
        }
        // Collect all waiters as a stack (Go's gList) through their wakeLink fields, so nothing is
        // allocated under the lock; wake them only after unlocking.
        Waiter wake = null;
        boolean alreadyClosed;
        lock.lock();
        try {
            alreadyClosed = closed;
            if (!alreadyClosed) {
                closed = true;
                Waiter w;
                while ((w = recvq.dequeue()) != null) {
                    w.elem = null; // the zero value
                    w.complete(false);
                    w.wakeLink = wake;
                    wake = w;
                }
                while ((w = sendq.dequeue()) != null) {
                    w.elem = null;
                    w.complete(false); // the sender will throw "send on closed channel"
                    w.wakeLink = wake;
                    wake = w;
                }
            }
        } finally {
            lock.unlock();
        }
        if (alreadyClosed) {
            throw new ChannelPanicException(ChannelPanicException.CLOSE_OF_CLOSED);
        }
        // Pop order as in Go: senders (newest first), then receivers, the oldest receiver last, so on a
        // runnext scheduler (goloom) the oldest receiver runs next.
        while (wake != null) {
            Waiter next = wake.wakeLink;
            LockSupport.unpark(wake.thread);
            wake = next;
        }
    }

    // ---------------------------------------------------------- len, cap, misc

    @Override
    public int len() {
        return isNil ? 0 : (int) QCOUNT.getOpaque(this);
    }

    @Override
    public int cap() {
        return capacity;
    }

    @Override
    public Iterator<E> iterator() {
        return new RangeIterator();
    }

    @Override
    public String toString() {
        if (isNil) {
            return "GoChannel[nil]";
        }
        return "GoChannel[id=" + id + ", len=" + len() + ", cap=" + capacity + "]";
    }

    // ------------------------------------------- shared with select (lock held)

    /**
     * Mirrors chan.go:send: completes a dequeued receiver with {@code value}. Caller holds the lock and
     * must unpark {@code receiver.thread} after unlocking.
     */
    static void sendToReceiver(Waiter receiver, Object value) {
        receiver.elem = value; // Go's sendDirect: straight into the receiver's slot
        receiver.complete(true);
    }

    /**
     * Mirrors chan.go:recv: takes a value on behalf of a receiver from the dequeued {@code sender}.
     * Unbuffered: the sender's value directly. Buffered (then necessarily full): the oldest buffered
     * value, and the sender's value goes into the freed slot (the ring stays full and FIFO). Caller holds
     * the lock and must unpark {@code sender.thread} after unlocking.
     */
    Object recvFromSender(Waiter sender) {
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
        return v;
    }

    /** Appends to the ring; caller holds the lock and checked {@code qcount < capacity}. */
    void bufferPut(Object value) {
        buf[sendx] = value;
        if (++sendx == capacity) {
            sendx = 0;
        }
        qcount++;
    }

    /** Takes the oldest buffered value; caller holds the lock and checked {@code qcount > 0}. */
    Object bufferTake() {
        Object v = buf[recvx];
        buf[recvx] = null;
        if (++recvx == capacity) {
            recvx = 0;
        }
        qcount--;
        return v;
    }

    /** Blocked receivers, including stale select waiters not yet withdrawn (tests, diagnostics). */
    int waitingReceivers() {
        if (isNil) {
            return 0;
        }
        lock.lock();
        try {
            return recvq.size();
        } finally {
            lock.unlock();
        }
    }

    /** Blocked senders, including stale select waiters not yet withdrawn (tests, diagnostics). */
    int waitingSenders() {
        if (isNil) {
            return 0;
        }
        lock.lock();
        try {
            return sendq.size();
        } finally {
            lock.unlock();
        }
    }

    /** Go's {@code for v := range ch}, one receive per element, ending at close. */
    private final class RangeIterator implements Iterator<E> {
        private E next;
        private boolean ended;

        @Override
        @SuppressWarnings("unchecked")
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (ended) {
                return false;
            }
            Object v;
            try {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                v = chanrecv(true, false, 0L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UncheckedInterruptedException(e);
            }
            if (v == CLOSED) {
                ended = true;
                return false;
            }
            next = (E) v;
            return true;
        }

        @Override
        public E next() {
            if (!hasNext()) {
                throw new NoSuchElementException("channel closed");
            }
            E v = next;
            next = null;
            return v;
        }
    }
}
