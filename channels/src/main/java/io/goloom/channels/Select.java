package io.goloom.channels;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Go's {@code select} statement over any mix of receive and send cases on any channels, with an
 * optional default case or an optional timeout.
 *
 * <p>Every case yields a value when it is the one chosen, and {@link #select(Case...)} returns it:
 * a receive case yields the element (null when the channel is closed, Go's zero value), a
 * {@link #receiveOk} case a {@link Received}, the others null. {@link Case#map} turns that into
 * whatever the caller wants, so a select reads as an expression:
 *
 * <pre>{@code
 * // Go:
 * // select {
 * // case v := <-in:          msg = "got " + v
 * // case out <- x:           msg = "sent"
 * // case <-time.After(d):    msg = "timed out"
 * // }
 * String msg = Select.select(
 *         Select.receive(in).map(v -> "got " + v),
 *         Select.send(out, x).map(s -> "sent"),
 *         Select.timeout(d).map(t -> "timed out"));
 * }</pre>
 *
 * <p>Statement style, with handlers and the index of the chosen case (Go's {@code reflect.Select}):
 *
 * <pre>{@code
 * int chosen = Select.selectIndex(
 *         Select.receive(in, v -> use(v)),
 *         Select.send(out, x, () -> sent()),
 *         Select.timeout(d, () -> timedOut()));
 *
 * // the same with the builder
 * Select.builder().receive(in, v -> use(v)).send(out, x, () -> sent()).timeout(d, () -> timedOut()).selectIndex();
 * }</pre>
 *
 * <p>Exactly one case proceeds; its handler and then its {@link Case#map} functions run on the calling
 * thread after every channel lock is released. Exceptions from them propagate to the caller; the
 * communication has already happened by then. {@link #trySelect} never blocks and returns -1 when
 * nothing is ready and there is no default case.
 *
 * <p><b>Closed channels and null</b>: a receive case yields null on a closed, drained channel, so
 * {@code int v = Select.select(Select.receive(ints))} throws NullPointerException once {@code ints}
 * is closed. Use {@link #receiveOk} (a {@link Received}) where the channel may be closed.
 *
 * <p><b>Semantics</b> (Go's select.go:selectgo):
 * <ul>
 *   <li>If several cases are ready, one is chosen uniformly at random (a random poll order per call).
 *       There is no priority by position.</li>
 *   <li>A receive case on a closed, drained channel is ready and yields null (Go's zero value) to a
 *       {@link #receive} case, or a {@link Received.Closed} to a {@link #receiveOk} case.</li>
 *   <li>A send case on a closed channel counts as ready; if it is the one chosen, {@code select}
 *       throws {@link ChannelPanicException} "send on closed channel", also when the channel is closed
 *       while the select is blocked.</li>
 *   <li>Cases on the {@linkplain GoChannel#nil() nil channel} are never ready (Go's way of disabling a
 *       case). With no cases at all, or only nil ones, and no default or timeout, {@code select} blocks
 *       until interrupted (Go's {@code select {}} blocks forever).</li>
 *   <li>Channels are locked in a global order (a unique id per channel), duplicates once, so selects
 *       over the same channels in different orders never deadlock.</li>
 *   <li>A blocked select waits on all its channels at once; the first communication wins it, and it is
 *       withdrawn from every other channel before returning, so one select never takes two values.</li>
 * </ul>
 *
 * <p><b>Interruption and timeout</b>: a select without a default case throws
 * {@link InterruptedException} if the thread is interrupted on entry or while blocked. As with channel
 * operations, a value is delivered exactly once or not at all: if a communication completed before
 * the interrupt (or the timeout) was acted on, that case wins, its handler runs, and the interrupt
 * status is set again. A select with a default case never blocks and ignores the interrupt status.
 */
public final class Select {

    private Select() {
    }

    /**
     * One case of a select, yielding a value of type {@code R} when chosen; created by the static
     * factories of {@link Select}. Immutable: {@link #map} returns a new case, and one case may be used
     * in any number of selects.
     *
     * @param <R> what the case yields when it is the one chosen
     */
    public abstract static sealed class Case<R> permits CommCase, DefaultCase, TimeoutCase {
        /**
         * Computes the yield from the raw outcome: the element or {@link GoChannel#CLOSED} for a receive,
         * null for the others. Runs the handler, if any, then the {@link #map} functions.
         */
        final Function<Object, ? extends R> body;

        Case(Function<Object, ? extends R> body) {
            this.body = body;
        }

        /**
         * A case on the same channel (or the same default/timeout) that yields {@code f} applied to this
         * case's yield. {@code f} runs on the selecting thread, after the communication and after every
         * channel lock is released.
         */
        public final <U> Case<U> map(Function<? super R, ? extends U> f) {
            Objects.requireNonNull(f, "f");
            Function<Object, ? extends R> b = body;
            return withBody(raw -> f.apply(b.apply(raw)));
        }

        abstract <U> Case<U> withBody(Function<Object, ? extends U> body);
    }

    // ------------------------------------------------------------ case factories

    /**
     * Go's {@code case v := <-ch}: yields the received value, or null if the channel is closed and
     * drained (use {@link #receiveOk(ReceiveChannel)} to tell the two apart without a null).
     */
    public static <E> Case<E> receive(ReceiveChannel<E> channel) {
        return new RecvCase<>(channel, Select::elementOrNull);
    }

    /** Go's {@code case v := <-ch} with a handler; the handler gets (and the case yields) the value, or null if closed. */
    public static <E> Case<E> receive(ReceiveChannel<E> channel, Consumer<? super E> handler) {
        Objects.requireNonNull(handler, "handler");
        return new RecvCase<>(channel, raw -> {
            E v = elementOrNull(raw);
            handler.accept(v);
            return v;
        });
    }

    /** Go's {@code case v, ok := <-ch}: yields a {@link Received.Value} or a {@link Received.Closed}. */
    public static <E> Case<Received<E>> receiveOk(ReceiveChannel<E> channel) {
        return new RecvCase<>(channel, GoChannel::toReceived);
    }

    /** Go's {@code case v, ok := <-ch} with a handler; the handler gets (and the case yields) the {@link Received}. */
    public static <E> Case<Received<E>> receiveOk(ReceiveChannel<E> channel, Consumer<? super Received<E>> handler) {
        Objects.requireNonNull(handler, "handler");
        return new RecvCase<>(channel, raw -> {
            Received<E> r = GoChannel.toReceived(raw);
            handler.accept(r);
            return r;
        });
    }

    /** Go's {@code case ch <- value}; yields null. */
    public static <E> Case<Void> send(SendChannel<E> channel, E value) {
        return new SendCase<>(channel, Objects.requireNonNull(value, "GoChannel elements must not be null"),
                raw -> null);
    }

    /** Go's {@code case ch <- value}; the handler runs after the value was delivered; yields null. */
    public static <E> Case<Void> send(SendChannel<E> channel, E value, Runnable handler) {
        return new SendCase<>(channel, Objects.requireNonNull(value, "GoChannel elements must not be null"),
                run(handler));
    }

    /** Go's {@code default: } with an empty body; yields null. The select then never blocks. */
    public static Case<Void> defaultCase() {
        return new DefaultCase<>(raw -> null);
    }

    /** Go's {@code default}: runs when no other case is ready; yields null. The select then never blocks. */
    public static Case<Void> defaultCase(Runnable handler) {
        return new DefaultCase<>(run(handler));
    }

    /**
     * Go's {@code case <-time.After(timeout)}, without a timer thread: the select waits at most
     * {@code timeout} (measured from the start of each select call); yields null. A non-positive timeout
     * behaves like a default case. Cannot be combined with a default case.
     */
    public static Case<Void> timeout(Duration timeout) {
        return new TimeoutCase<>(Parking.toNanos(timeout), raw -> null);
    }

    /** A {@link #timeout(Duration)} case whose handler runs when the timeout expires first. */
    public static Case<Void> timeout(Duration timeout, Runnable handler) {
        return new TimeoutCase<>(Parking.toNanos(timeout), run(handler));
    }

    @SuppressWarnings("unchecked")
    private static <E> E elementOrNull(Object raw) {
        return raw == GoChannel.CLOSED ? null : (E) raw;
    }

    private static Function<Object, Void> run(Runnable handler) {
        Objects.requireNonNull(handler, "handler");
        return raw -> {
            handler.run();
            return null;
        };
    }

    // --------------------------------------------------------------- selecting

    /**
     * Runs a select over {@code cases} and returns what the chosen case yields.
     *
     * @return the chosen case's yield (see {@link Case})
     * @throws IllegalArgumentException if there is more than one default or timeout case, or both
     * @throws ChannelPanicException "send on closed channel" if a chosen send case's channel is closed
     * @throws InterruptedException if interrupted (only without a default case) before any case proceeded
     */
    @SafeVarargs
    @SuppressWarnings("unchecked")
    public static <R> R select(Case<? extends R>... cases) throws InterruptedException {
        return (R) selectgo(cases, false, false); // selectgo never modifies the array
    }

    /** As {@link #select(Case...)}, for a list of cases built at run time. */
    @SuppressWarnings("unchecked")
    public static <R> R select(List<? extends Case<? extends R>> cases) throws InterruptedException {
        return (R) selectgo(cases.toArray(new Case<?>[0]), false, false);
    }

    /**
     * Runs a select over {@code cases} (their handlers and maps run as for {@link #select(Case...)}) and
     * returns the index of the chosen case in the argument list; default and timeout cases count.
     *
     * @return the index in {@code cases} of the case that proceeded
     * @throws IllegalArgumentException if there is more than one default or timeout case, or both
     * @throws ChannelPanicException "send on closed channel" if a chosen send case's channel is closed
     * @throws InterruptedException if interrupted (only without a default case) before any case proceeded
     */
    public static int selectIndex(Case<?>... cases) throws InterruptedException {
        return (Integer) selectgo(cases, false, true);
    }

    /** As {@link #selectIndex(Case...)}, for a list of cases built at run time (Go's {@code reflect.Select}). */
    public static int selectIndex(List<? extends Case<?>> cases) throws InterruptedException {
        return (Integer) selectgo(cases.toArray(new Case<?>[0]), false, true);
    }

    /**
     * A select that never blocks, without the checked exception: if no case is ready, the default case
     * runs if there is one and its index is returned, otherwise -1 (Go's {@code selectgo} returns -1 for
     * "default"). Ignores the interrupt status.
     *
     * @throws IllegalArgumentException if a timeout case is given, or more than one default case
     */
    public static int trySelect(Case<?>... cases) {
        try {
            return (Integer) selectgo(cases, true, true);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /** A fluent builder for a statement-style select; cases get indexes in the order they are added. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Fluent form of {@link Select#selectIndex(Case...)} and {@link Select#trySelect(Case...)}, with the
     * same method names. Reusable: every {@link #selectIndex()} is a new select over the same cases (a
     * timeout is measured from the start of each call). Not thread-safe.
     */
    public static final class Builder {
        private final List<Case<?>> cases = new ArrayList<>();

        private Builder() {
        }

        /** Adds {@code case v := <-ch}; see {@link Select#receive(ReceiveChannel, Consumer)}. */
        public <E> Builder receive(ReceiveChannel<E> channel, Consumer<? super E> handler) {
            cases.add(Select.receive(channel, handler));
            return this;
        }

        /** Adds {@code case v, ok := <-ch}; see {@link Select#receiveOk(ReceiveChannel, Consumer)}. */
        public <E> Builder receiveOk(ReceiveChannel<E> channel, Consumer<? super Received<E>> handler) {
            cases.add(Select.receiveOk(channel, handler));
            return this;
        }

        /** Adds {@code case ch <- value}. */
        public <E> Builder send(SendChannel<E> channel, E value, Runnable handler) {
            cases.add(Select.send(channel, value, handler));
            return this;
        }

        /** Adds {@code default}. */
        public Builder defaultCase(Runnable handler) {
            cases.add(Select.defaultCase(handler));
            return this;
        }

        /** Adds {@code case <-time.After(timeout)}. */
        public Builder timeout(Duration timeout, Runnable handler) {
            cases.add(Select.timeout(timeout, handler));
            return this;
        }

        /** Adds any case. */
        public Builder add(Case<?> c) {
            cases.add(Objects.requireNonNull(c, "case"));
            return this;
        }

        /** Runs the select; see {@link Select#selectIndex(Case...)}. */
        public int selectIndex() throws InterruptedException {
            return Select.selectIndex(cases.toArray(new Case<?>[0]));
        }

        /** Runs it without blocking; see {@link Select#trySelect(Case...)}. */
        public int trySelect() {
            return Select.trySelect(cases.toArray(new Case<?>[0]));
        }
    }

    // ------------------------------------------------------------------ selectgo

    /**
     * Mirrors select.go:selectgo; does not modify {@code cases}. Returns the chosen case's index (boxed,
     * -1 when a non-blocking select found nothing and has no default) if {@code wantIndex}, otherwise the
     * chosen case's yield.
     *
     * <p>Lock discipline (no Go counterpart: Go's runtime cannot throw while it holds channel locks):
     * nothing is allocated while channel locks are held, every {@link #sellock} is paired with a
     * {@link #selunlock} in {@code finally}, and unparks, handlers and exceptions come after unlocking. A
     * select that must block allocates its waiters with every lock released and then polls again; that
     * second poll is the select entered a moment later, which Go's semantics allow.
     */
    private static Object selectgo(Case<?>[] cases, boolean neverBlock, boolean wantIndex)
            throws InterruptedException {
        int ncases = cases.length;
        int ncomm = 0;
        int defaultIdx = -1;
        int timeoutIdx = -1;
        for (int i = 0; i < ncases; i++) {
            Case<?> c = cases[i];
            switch (c) {
                case null -> throw new NullPointerException("select case " + i + " is null");
                case CommCase<?> cc -> ncomm++;
                case DefaultCase<?> d -> {
                    if (defaultIdx >= 0) {
                        throw new IllegalArgumentException("multiple defaults in select");
                    }
                    defaultIdx = i;
                }
                case TimeoutCase<?> t -> {
                    if (timeoutIdx >= 0) {
                        throw new IllegalArgumentException("multiple timeouts in select");
                    }
                    if (neverBlock) {
                        throw new IllegalArgumentException("a non-blocking select cannot have a timeout case");
                    }
                    timeoutIdx = i;
                }
            }
        }
        if (defaultIdx >= 0 && timeoutIdx >= 0) {
            throw new IllegalArgumentException("a select cannot have both a default and a timeout case");
        }
        boolean block = !neverBlock && defaultIdx < 0;
        boolean timed = timeoutIdx >= 0;
        long timeoutNanos = timed ? ((TimeoutCase<?>) cases[timeoutIdx]).nanos : 0L;
        if (timed && timeoutNanos <= 0) {
            block = false; // an expired timeout is just a default
        }
        if (block && Thread.interrupted()) {
            throw new InterruptedException();
        }
        long deadline = timed && block ? Parking.deadline(timeoutNanos) : 0L;

        // 1. Random poll order (Fisher-Yates insertion), omitting nil-channel cases.
        int[] pollorder = new int[ncomm];
        int norder = 0;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < ncases; i++) {
            if (cases[i] instanceof CommCase<?> cc && !cc.channel.isNil) {
                int j = random.nextInt(norder + 1);
                pollorder[norder] = pollorder[j];
                pollorder[j] = i;
                norder++;
            }
        }
        // 2. Lock order: by channel id, the Java stand-in for Go's channel address.
        int[] lockorder = new int[norder];
        System.arraycopy(pollorder, 0, lockorder, 0, norder);
        heapSortByChannelId(lockorder, cases);

        Thread me = Thread.currentThread();
        SelectState state = null;
        Waiter[] waiters = null; // indexed like lockorder; allocated (outside the locks) once we know we block
        for (;;) {
            int chosen = -1;
            Object raw = null;        // the chosen receive's element or GoChannel.CLOSED
            Waiter wake = null;       // the partner to unpark once every lock is released
            boolean sendOnClosed = false;
            boolean enqueued = false;

            // 3. Lock every channel once, in lock order.
            sellock(cases, lockorder);
            try {
                // PASS 1: the first ready case in poll order wins.
                for (int k = 0; k < norder && chosen < 0; k++) {
                    int casi = pollorder[k];
                    CommCase<?> cc = (CommCase<?>) cases[casi];
                    GoChannel<?> c = cc.channel;
                    if (cc instanceof RecvCase<?>) {
                        Waiter sender = c.sendq.dequeue();
                        if (sender != null) { // recv: a sender is waiting (direct, or buffer rotation)
                            raw = c.recvFromSender(sender);
                            wake = sender;
                            chosen = casi;
                        } else if (c.qcount > 0) { // bufrecv
                            raw = c.bufferTake();
                            chosen = casi;
                        } else if (c.closed) { // rclose
                            raw = GoChannel.CLOSED;
                            chosen = casi;
                        }
                    } else {
                        SendCase<?> sc = (SendCase<?>) cc;
                        if (c.closed) { // sclose
                            sendOnClosed = true;
                            chosen = casi;
                        } else {
                            Waiter receiver = c.recvq.dequeue();
                            if (receiver != null) { // send: direct hand-off
                                GoChannel.sendToReceiver(receiver, sc.value);
                                wake = receiver;
                                chosen = casi;
                            } else if (c.qcount < c.capacity) { // bufsend
                                c.bufferPut(sc.value);
                                chosen = casi;
                            }
                        }
                    }
                }
                if (chosen < 0 && block && waiters != null) {
                    // PASS 2: enqueue the preallocated waiter on every channel, in lock order.
                    for (int k = 0; k < norder; k++) {
                        Waiter w = waiters[k];
                        if (cases[lockorder[k]] instanceof SendCase<?>) {
                            w.channel.sendq.enqueue(w);
                        } else {
                            w.channel.recvq.enqueue(w);
                        }
                    }
                    enqueued = true;
                }
            } finally {
                selunlock(cases, lockorder); // Go's selparkcommit when enqueued
            }
            if (wake != null) {
                LockSupport.unpark(wake.thread);
            }
            if (sendOnClosed) {
                throw ChannelPanicException.sendOnClosed();
            }
            if (chosen >= 0) {
                return finish(cases, chosen, raw, wantIndex);
            }
            if (!block) {
                if (defaultIdx >= 0) {
                    return finish(cases, defaultIdx, null, wantIndex);
                }
                if (timeoutIdx >= 0) { // non-positive timeout
                    return finish(cases, timeoutIdx, null, wantIndex);
                }
                return wantIndex ? -1 : null;
            }
            if (norder == 0) {
                // select {} or only nil channels: block forever (until interrupted), or until the timeout.
                Parking.parkForever(Select.class, timed, deadline);
                return finish(cases, timeoutIdx, null, wantIndex);
            }
            if (enqueued) {
                break;
            }
            // Nothing ready: allocate the waiters with no lock held, then poll again.
            state = new SelectState();
            waiters = new Waiter[norder];
            for (int k = 0; k < norder; k++) {
                int casi = lockorder[k];
                CommCase<?> cc = (CommCase<?>) cases[casi];
                waiters[k] = new Waiter(me, state, casi, cc.channel,
                        cc instanceof SendCase<?> sc ? sc.value : null);
            }
        }

        int outcome = Parking.awaitSelect(state, timed, deadline);

        Waiter winner;
        if (outcome == Parking.DONE && norder == 1) {
            // The only waiter was dequeued by its waker: nothing to withdraw, no need to relock.
            winner = state.winner;
        } else {
            // PASS 3: relock, find the winner (or claim the select ourselves), withdraw everything else.
            boolean badWakeup = false;
            sellock(cases, lockorder);
            try {
                winner = state.winner;
                if (winner == null && !state.tryClaim()) {
                    // A waker claims and completes inside one critical section of a lock we now hold.
                    badWakeup = true;
                }
                for (Waiter w : waiters) {
                    if (w != winner) {
                        if (cases[w.caseIndex] instanceof SendCase<?>) {
                            w.channel.sendq.remove(w);
                        } else {
                            w.channel.recvq.remove(w);
                        }
                    }
                }
            } finally {
                selunlock(cases, lockorder);
            }
            if (badWakeup) {
                throw new AssertionError("selectgo: bad wakeup");
            }
            if (winner == null) {
                if (outcome == Parking.INTERRUPTED) {
                    throw new InterruptedException();
                }
                return finish(cases, timeoutIdx, null, wantIndex);
            }
            if (outcome == Parking.INTERRUPTED) {
                Thread.currentThread().interrupt(); // the communication happened: keep it, keep the interrupt
            }
        }

        int casi = winner.caseIndex;
        if (cases[casi] instanceof SendCase<?>) {
            if (!winner.success) {
                throw ChannelPanicException.sendOnClosed(); // woken because the channel was closed
            }
            return finish(cases, casi, null, wantIndex);
        }
        return finish(cases, casi, winner.success ? winner.elem : GoChannel.CLOSED, wantIndex);
    }

    /** Runs the chosen case's handler and maps (no lock held); returns its index or its yield. */
    private static Object finish(Case<?>[] cases, int casi, Object raw, boolean wantIndex) {
        Object y = cases[casi].body.apply(raw);
        return wantIndex ? Integer.valueOf(casi) : y;
    }

    /**
     * Mirrors select.go:sellock: lock each distinct channel once, in lock order. If a lock() throws
     * (it cannot in practice: AbstractQueuedSynchronizer retries on OutOfMemoryError), the locks taken
     * so far are released, so the caller's try/finally only starts once every lock is held.
     */
    private static void sellock(Case<?>[] cases, int[] lockorder) {
        GoChannel<?> prev = null;
        int k = 0;
        try {
            for (; k < lockorder.length; k++) {
                GoChannel<?> c = ((CommCase<?>) cases[lockorder[k]]).channel;
                if (c != prev) {
                    c.lock.lock();
                    prev = c;
                }
            }
        } catch (Throwable t) {
            for (int j = 0; j < k; j++) { // unlock what this loop locked, each distinct channel once
                GoChannel<?> c = ((CommCase<?>) cases[lockorder[j]]).channel;
                if (j == 0 || c != ((CommCase<?>) cases[lockorder[j - 1]]).channel) {
                    c.lock.unlock();
                }
            }
            throw t;
        }
    }

    /** Mirrors select.go:selunlock: unlock in reverse lock order, each distinct channel once. */
    private static void selunlock(Case<?>[] cases, int[] lockorder) {
        for (int k = lockorder.length - 1; k >= 0; k--) {
            GoChannel<?> c = ((CommCase<?>) cases[lockorder[k]]).channel;
            if (k > 0 && c == ((CommCase<?>) cases[lockorder[k - 1]]).channel) {
                continue; // unlock only the first occurrence
            }
            c.lock.unlock();
        }
    }

    /** In-place heap sort of case indexes by channel id (as select.go: O(n log n), no allocation). */
    private static void heapSortByChannelId(int[] order, Case<?>[] cases) {
        int n = order.length;
        for (int i = n / 2 - 1; i >= 0; i--) {
            siftDown(order, cases, i, n);
        }
        for (int end = n - 1; end > 0; end--) {
            int t = order[0];
            order[0] = order[end];
            order[end] = t;
            siftDown(order, cases, 0, end);
        }
    }

    private static void siftDown(int[] order, Case<?>[] cases, int i, int n) {
        for (;;) {
            int child = 2 * i + 1;
            if (child >= n) {
                return;
            }
            if (child + 1 < n && id(cases, order[child + 1]) > id(cases, order[child])) {
                child++;
            }
            if (id(cases, order[child]) <= id(cases, order[i])) {
                return;
            }
            int t = order[i];
            order[i] = order[child];
            order[child] = t;
            i = child;
        }
    }

    private static long id(Case<?>[] cases, int casi) {
        return ((CommCase<?>) cases[casi]).channel.id;
    }

    // --------------------------------------------------------------- case types

    /** A communication case (Go's {@code scase}). */
    abstract static sealed class CommCase<R> extends Case<R> permits RecvCase, SendCase {
        final GoChannel<?> channel;

        CommCase(Object channel, Function<Object, ? extends R> body) {
            super(body);
            this.channel = (GoChannel<?>) Objects.requireNonNull(channel, "channel");
        }
    }

    /** A receive case; its body gets the element or {@link GoChannel#CLOSED}. */
    static final class RecvCase<R> extends CommCase<R> {
        RecvCase(Object channel, Function<Object, ? extends R> body) {
            super(channel, body);
        }

        @Override
        <U> Case<U> withBody(Function<Object, ? extends U> b) {
            return new RecvCase<>(channel, b);
        }
    }

    /** A send case; {@link #value} is never null. */
    static final class SendCase<R> extends CommCase<R> {
        final Object value;

        SendCase(Object channel, Object value, Function<Object, ? extends R> body) {
            super(channel, body);
            this.value = value;
        }

        @Override
        <U> Case<U> withBody(Function<Object, ? extends U> b) {
            return new SendCase<>(channel, value, b);
        }
    }

    static final class DefaultCase<R> extends Case<R> {
        DefaultCase(Function<Object, ? extends R> body) {
            super(body);
        }

        @Override
        <U> Case<U> withBody(Function<Object, ? extends U> b) {
            return new DefaultCase<>(b);
        }
    }

    static final class TimeoutCase<R> extends Case<R> {
        final long nanos;

        TimeoutCase(long nanos, Function<Object, ? extends R> body) {
            super(body);
            this.nanos = nanos;
        }

        @Override
        <U> Case<U> withBody(Function<Object, ? extends U> b) {
            return new TimeoutCase<>(nanos, b);
        }
    }
}
