package io.goloom.channels;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Go's {@code select} statement over any mix of receive and send cases on any channels, with an
 * optional default case or an optional timeout.
 *
 * <pre>{@code
 * // Go:
 * // select {
 * // case v := <-in:          use(v)
 * // case out <- x:           sent()
 * // case <-time.After(d):    timedOut()
 * // }
 * int chosen = Select.select(
 *         Select.recv(in, v -> use(v)),
 *         Select.send(out, x, () -> sent()),
 *         Select.timeout(d, () -> timedOut()));
 *
 * // the same with the builder
 * Select.builder().recv(in, v -> use(v)).send(out, x, () -> sent()).timeout(d, () -> timedOut()).run();
 * }</pre>
 *
 * <p>Exactly one case proceeds, its handler runs (on the calling thread, after every channel lock is
 * released), and {@code select} returns the index of that case in the argument list (the default and
 * timeout cases count as cases). Handler exceptions propagate to the caller; the communication has
 * already happened by then.
 *
 * <p><b>Semantics</b> (Go's select.go:selectgo):
 * <ul>
 *   <li>If several cases are ready, one is chosen uniformly at random (a random poll order per call).
 *       There is no priority by position.</li>
 *   <li>A receive case on a closed, drained channel is ready and yields null (Go's zero value) to a
 *       {@link #recv} handler, or a CLOSED {@link Received} to a {@link #recvOk} handler.</li>
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

    /** One case of a select; created by the static factories of {@link Select}. */
    public sealed interface Case permits CommCase, DefaultCase, TimeoutCase {
    }

    // ------------------------------------------------------------ case factories

    /** Go's {@code case v := <-ch}; the handler gets the value, or null if the channel is closed. */
    public static <E> Case recv(ReceiveChannel<E> channel, Consumer<? super E> handler) {
        return new RecvCase<>(channel, Objects.requireNonNull(handler, "handler"), null);
    }

    /** Go's {@code case <-ch} (value discarded). */
    public static <E> Case recv(ReceiveChannel<E> channel) {
        return new RecvCase<E>(channel, v -> { }, null);
    }

    /** Go's {@code case v, ok := <-ch}; the handler gets a VALUE or CLOSED {@link Received}. */
    public static <E> Case recvOk(ReceiveChannel<E> channel, Consumer<? super Received<E>> handler) {
        return new RecvCase<>(channel, null, Objects.requireNonNull(handler, "handler"));
    }

    /** Go's {@code case ch <- value}; the handler runs after the value was delivered. */
    public static <E> Case send(SendChannel<E> channel, E value, Runnable handler) {
        return new SendCase(channel, Objects.requireNonNull(value, "GoChannel elements must not be null"),
                Objects.requireNonNull(handler, "handler"));
    }

    /** Go's {@code case ch <- value} with no handler. */
    public static <E> Case send(SendChannel<E> channel, E value) {
        return send(channel, value, () -> { });
    }

    /** Go's {@code default}: runs when no other case is ready; the select then never blocks. */
    public static Case defaultCase(Runnable handler) {
        return new DefaultCase(Objects.requireNonNull(handler, "handler"));
    }

    /** Go's {@code default: } with an empty body. */
    public static Case defaultCase() {
        return new DefaultCase(() -> { });
    }

    /**
     * Go's {@code case <-time.After(timeout)}, without a timer thread: the select waits at most
     * {@code timeout} (measured from the start of each select call) and then runs the handler. A
     * non-positive timeout behaves like a default case. Cannot be combined with a default case.
     */
    public static Case timeout(Duration timeout, Runnable handler) {
        return new TimeoutCase(Parking.toNanos(timeout), Objects.requireNonNull(handler, "handler"));
    }

    /** A {@link #timeout(Duration, Runnable)} case with no handler. */
    public static Case timeout(Duration timeout) {
        return timeout(timeout, () -> { });
    }

    // --------------------------------------------------------------- selecting

    /**
     * Runs a select over {@code cases}.
     *
     * @return the index in {@code cases} of the case that proceeded
     * @throws IllegalArgumentException if there is more than one default or timeout case, or both
     * @throws ChannelPanicException "send on closed channel" if a chosen send case's channel is closed
     * @throws InterruptedException if interrupted (only without a default case) before any case proceeded
     */
    public static int select(Case... cases) throws InterruptedException {
        return selectgo(cases, false); // selectgo never modifies the array
    }

    /** As {@link #select(Case...)}, for a list of cases built at run time (Go's {@code reflect.Select}). */
    public static int select(List<? extends Case> cases) throws InterruptedException {
        return selectgo(cases.toArray(new Case[0]), false);
    }

    /**
     * A select that never blocks, without the checked exception: if no case is ready, the default case
     * runs if there is one and its index is returned, otherwise -1 (Go's {@code selectgo} returns -1 for
     * "default"). Ignores the interrupt status.
     *
     * @throws IllegalArgumentException if a timeout case is given, or more than one default case
     */
    public static int trySelect(Case... cases) {
        try {
            return selectgo(cases, true);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /** A fluent builder for a select; cases get indexes in the order they are added. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Fluent form of {@link Select#select(Case...)}. Reusable: every {@link #run()} is a new select over
     * the same cases (a timeout is measured from the start of each run). Not thread-safe.
     */
    public static final class Builder {
        private final List<Case> cases = new ArrayList<>();

        private Builder() {
        }

        /** Adds {@code case v := <-ch}. */
        public <E> Builder recv(ReceiveChannel<E> channel, Consumer<? super E> handler) {
            cases.add(Select.recv(channel, handler));
            return this;
        }

        /** Adds {@code case v, ok := <-ch}. */
        public <E> Builder recvOk(ReceiveChannel<E> channel, Consumer<? super Received<E>> handler) {
            cases.add(Select.recvOk(channel, handler));
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
        public Builder add(Case c) {
            cases.add(Objects.requireNonNull(c, "case"));
            return this;
        }

        /** Runs the select; see {@link Select#select(Case...)}. */
        public int run() throws InterruptedException {
            return selectgo(cases.toArray(new Case[0]), false);
        }

        /** Runs it without blocking; see {@link Select#trySelect(Case...)}. */
        public int runNow() {
            try {
                return selectgo(cases.toArray(new Case[0]), true);
            } catch (InterruptedException impossible) {
                throw new AssertionError(impossible);
            }
        }
    }

    // ------------------------------------------------------------------ selectgo

    /** Mirrors select.go:selectgo; does not modify {@code cases}. Returns the chosen case's index. */
    private static int selectgo(Case[] cases, boolean neverBlock) throws InterruptedException {
        int ncases = cases.length;
        int ncomm = 0;
        int defaultIdx = -1;
        int timeoutIdx = -1;
        for (int i = 0; i < ncases; i++) {
            Case c = cases[i];
            switch (c) {
                case null -> throw new NullPointerException("select case " + i + " is null");
                case CommCase cc -> ncomm++;
                case DefaultCase d -> {
                    if (defaultIdx >= 0) {
                        throw new IllegalArgumentException("multiple defaults in select");
                    }
                    defaultIdx = i;
                }
                case TimeoutCase t -> {
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
        long timeoutNanos = timed ? ((TimeoutCase) cases[timeoutIdx]).nanos : 0L;
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
            if (cases[i] instanceof CommCase cc && !cc.channel.isNil) {
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

        // 3. Lock every channel once, in lock order.
        sellock(cases, lockorder);

        // PASS 1: the first ready case in poll order wins.
        for (int k = 0; k < norder; k++) {
            int casi = pollorder[k];
            CommCase cc = (CommCase) cases[casi];
            GoChannel<?> c = cc.channel;
            if (cc instanceof RecvCase<?> rc) {
                Waiter sender = c.sendq.dequeue();
                if (sender != null) { // recv: a sender is waiting (direct, or buffer rotation)
                    Object v = c.recvFromSender(sender);
                    selunlock(cases, lockorder);
                    LockSupport.unpark(sender.thread);
                    rc.fire(v);
                    return casi;
                }
                if (c.qcount > 0) { // bufrecv
                    Object v = c.bufferTake();
                    selunlock(cases, lockorder);
                    rc.fire(v);
                    return casi;
                }
                if (c.closed) { // rclose
                    selunlock(cases, lockorder);
                    rc.fire(GoChannel.CLOSED);
                    return casi;
                }
            } else {
                SendCase sc = (SendCase) cc;
                if (c.closed) { // sclose
                    selunlock(cases, lockorder);
                    throw ChannelPanicException.sendOnClosed();
                }
                Waiter receiver = c.recvq.dequeue();
                if (receiver != null) { // send: direct hand-off
                    GoChannel.sendToReceiver(receiver, sc.value);
                    selunlock(cases, lockorder);
                    LockSupport.unpark(receiver.thread);
                    sc.handler.run();
                    return casi;
                }
                if (c.qcount < c.capacity) { // bufsend
                    c.bufferPut(sc.value);
                    selunlock(cases, lockorder);
                    sc.handler.run();
                    return casi;
                }
            }
        }

        if (!block) {
            selunlock(cases, lockorder);
            if (defaultIdx >= 0) {
                ((DefaultCase) cases[defaultIdx]).handler.run();
                return defaultIdx;
            }
            if (timeoutIdx >= 0) { // non-positive timeout
                ((TimeoutCase) cases[timeoutIdx]).handler.run();
                return timeoutIdx;
            }
            return -1;
        }

        if (norder == 0) {
            // select {} or only nil channels: block forever (until interrupted), or until the timeout.
            Parking.parkForever(Select.class, timed, deadline);
            ((TimeoutCase) cases[timeoutIdx]).handler.run();
            return timeoutIdx;
        }

        // PASS 2: enqueue a waiter on every channel, in lock order.
        Thread me = Thread.currentThread();
        SelectState state = new SelectState();
        Waiter[] waiters = new Waiter[norder];
        for (int k = 0; k < norder; k++) {
            int casi = lockorder[k];
            CommCase cc = (CommCase) cases[casi];
            if (cc instanceof SendCase sc) {
                Waiter w = new Waiter(me, state, casi, cc.channel, sc.value);
                cc.channel.sendq.enqueue(w);
                waiters[k] = w;
            } else {
                Waiter w = new Waiter(me, state, casi, cc.channel, null);
                cc.channel.recvq.enqueue(w);
                waiters[k] = w;
            }
        }
        selunlock(cases, lockorder); // Go's selparkcommit

        int outcome = Parking.awaitSelect(state, timed, deadline);

        Waiter winner;
        if (outcome == Parking.DONE && norder == 1) {
            // The only waiter was dequeued by its waker: nothing to withdraw, no need to relock.
            winner = state.winner;
        } else {
            // PASS 3: relock, find the winner (or claim the select ourselves), withdraw everything else.
            sellock(cases, lockorder);
            winner = state.winner;
            if (winner == null && !state.tryClaim()) {
                // A waker claims and completes inside one critical section of a lock we now hold.
                selunlock(cases, lockorder);
                throw new AssertionError("selectgo: bad wakeup");
            }
            for (Waiter w : waiters) {
                if (w != winner) {
                    if (cases[w.caseIndex] instanceof SendCase) {
                        w.channel.sendq.remove(w);
                    } else {
                        w.channel.recvq.remove(w);
                    }
                }
            }
            selunlock(cases, lockorder);
            if (winner == null) {
                if (outcome == Parking.INTERRUPTED) {
                    throw new InterruptedException();
                }
                ((TimeoutCase) cases[timeoutIdx]).handler.run();
                return timeoutIdx;
            }
            if (outcome == Parking.INTERRUPTED) {
                Thread.currentThread().interrupt(); // the communication happened: keep it, keep the interrupt
            }
        }

        int casi = winner.caseIndex;
        CommCase cc = (CommCase) cases[casi];
        if (cc instanceof SendCase sc) {
            if (!winner.success) {
                throw ChannelPanicException.sendOnClosed(); // woken because the channel was closed
            }
            sc.handler.run();
        } else {
            ((RecvCase<?>) cc).fire(winner.success ? winner.elem : GoChannel.CLOSED);
        }
        return casi;
    }

    /** Mirrors select.go:sellock: lock each distinct channel once, in lock order. */
    private static void sellock(Case[] cases, int[] lockorder) {
        GoChannel<?> prev = null;
        for (int casi : lockorder) {
            GoChannel<?> c = ((CommCase) cases[casi]).channel;
            if (c != prev) {
                c.lock.lock();
                prev = c;
            }
        }
    }

    /** Mirrors select.go:selunlock: unlock in reverse lock order, each distinct channel once. */
    private static void selunlock(Case[] cases, int[] lockorder) {
        for (int k = lockorder.length - 1; k >= 0; k--) {
            GoChannel<?> c = ((CommCase) cases[lockorder[k]]).channel;
            if (k > 0 && c == ((CommCase) cases[lockorder[k - 1]]).channel) {
                continue; // unlock only the first occurrence
            }
            c.lock.unlock();
        }
    }

    /** In-place heap sort of case indexes by channel id (as select.go: O(n log n), no allocation). */
    private static void heapSortByChannelId(int[] order, Case[] cases) {
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

    private static void siftDown(int[] order, Case[] cases, int i, int n) {
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

    private static long id(Case[] cases, int casi) {
        return ((CommCase) cases[casi]).channel.id;
    }

    // --------------------------------------------------------------- case types

    /** A communication case (Go's {@code scase}). */
    abstract static sealed class CommCase implements Case permits RecvCase, SendCase {
        final GoChannel<?> channel;

        CommCase(Object channel) {
            this.channel = (GoChannel<?>) Objects.requireNonNull(channel, "channel");
        }
    }

    static final class RecvCase<E> extends CommCase {
        private final Consumer<? super E> handler;
        private final Consumer<? super Received<E>> okHandler;

        RecvCase(ReceiveChannel<E> channel, Consumer<? super E> handler, Consumer<? super Received<E>> okHandler) {
            super(channel);
            this.handler = handler;
            this.okHandler = okHandler;
        }

        /** Runs the handler with an element or {@link GoChannel#CLOSED}. */
        @SuppressWarnings("unchecked")
        void fire(Object v) {
            if (okHandler != null) {
                okHandler.accept(GoChannel.toReceived(v));
            } else {
                handler.accept(v == GoChannel.CLOSED ? null : (E) v);
            }
        }
    }

    static final class SendCase extends CommCase {
        final Object value;
        final Runnable handler;

        SendCase(SendChannel<?> channel, Object value, Runnable handler) {
            super(channel);
            this.value = value;
            this.handler = handler;
        }
    }

    static final class DefaultCase implements Case {
        final Runnable handler;

        DefaultCase(Runnable handler) {
            this.handler = handler;
        }
    }

    static final class TimeoutCase implements Case {
        final long nanos;
        final Runnable handler;

        TimeoutCase(long nanos, Runnable handler) {
            this.nanos = nanos;
            this.handler = handler;
        }
    }
}
