package io.goloom.channels;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Go's timer channels ({@code time.After}, {@code time.NewTimer}, {@code time.NewTicker},
 * {@code time.Tick}) as {@link GoChannel}s of {@link Instant}.
 *
 * <pre>{@code
 * Select.select(
 *         Select.recv(results, r -> handle(r)),
 *         Select.recv(GoTime.after(Duration.ofSeconds(1)), t -> giveUp()));   // case <-time.After(time.Second)
 *
 * GoTime.Ticker ticker = GoTime.newTicker(Duration.ofMillis(100));           // time.NewTicker(100 * time.Millisecond)
 * try { for (Instant t : ticker.channel()) { ... } } finally { ticker.stop(); }
 * }</pre>
 *
 * <p><b>Delivery</b> follows Go up to 1.22: each timer owns a real channel with a one-element buffer,
 * and a single shared daemon platform thread named {@code goloom-timer} (a
 * {@link ScheduledThreadPoolExecutor}) does a non-blocking send into it when the timer fires. So a
 * timer value waits in the buffer until received, {@code len()} is 0 or 1 and {@code cap()} is 1. A
 * ticker whose reader is slow drops ticks (the send fails while the buffer is full), like Go's.
 *
 * <p><b>Stop and reset</b> follow Go 1.23+: after {@code stop()} or {@code reset()} returns, no value
 * from before the call is received (the buffer is drained and a firing already in flight is
 * discarded), and {@code stop()} returns true if the timer had not been received from yet. The old Go
 * idiom {@code if !t.Stop() { <-t.C }} is therefore unnecessary (and would block, as it does in 1.23).
 *
 * <p><b>Deviation</b>: Go 1.23+ timer channels are synchronous (unbuffered, {@code len}/{@code cap}
 * report 0) and fire lazily when someone receives; ours are eager and buffered as described. An
 * unstopped ticker, and a timer until it fires, stay referenced by the timer thread (Go 1.23+ lets
 * unreferenced timers be garbage-collected), so stop tickers you no longer need.
 */
public final class GoTime {

    private GoTime() {
    }

    /** The shared timer thread, created on first use. */
    private static final class TimerThread {
        static final ScheduledThreadPoolExecutor EXECUTOR = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                    Thread.ofPlatform().daemon().name("goloom-timer").factory());
            executor.setRemoveOnCancelPolicy(true); // stopped timers do not pile up in the queue
            return executor;
        }
    }

    /**
     * Go's {@code time.After(d)}: a channel that receives the current time once, after {@code d}. A
     * non-positive {@code d} fires immediately.
     */
    public static ReceiveChannel<Instant> after(Duration d) {
        java.util.Objects.requireNonNull(d, "d");
        return newTimer(d).channel();
    }

    /** Go's {@code time.NewTimer(d)}: a stoppable, resettable one-shot timer. */
    public static Timer newTimer(Duration d) {
        java.util.Objects.requireNonNull(d, "d");
        Timer t = new Timer();
        t.reset(d);
        return t;
    }

    /**
     * Go's {@code time.NewTicker(d)}: sends the time every {@code interval}, the first tick after it;
     * drops ticks for a slow reader.
     *
     * @throws IllegalArgumentException "non-positive interval for NewTicker" if interval is not positive
     * @throws NullPointerException     naming {@code interval} if it is null
     */
    public static Ticker newTicker(Duration interval) {
        long nanos = Parking.toNanos(java.util.Objects.requireNonNull(interval, "interval"));
        if (nanos <= 0) {
            throw new IllegalArgumentException("non-positive interval for NewTicker");
        }
        Ticker t = new Ticker();
        t.start(nanos);
        return t;
    }

    /**
     * Go's {@code time.Tick(d)}: the channel of a ticker that is never stopped; the nil channel if
     * {@code interval} is not positive (Go returns nil).
     */
    public static ReceiveChannel<Instant> tick(Duration interval) {
        if (Parking.toNanos(java.util.Objects.requireNonNull(interval, "interval")) <= 0) {
            return GoChannel.nil();
        }
        return newTicker(interval).channel();
    }

    /** Go's {@code *time.Timer}. */
    public static final class Timer {
        private final GoChannel<Instant> c = GoChannel.buffered(1);
        private final ReentrantLock lock = new ReentrantLock();
        /** The scheduled firing, or null when the timer is not active. Guarded by lock. */
        private ScheduledFuture<?> pending;
        /** Bumped by stop/reset so that a firing already in flight is discarded. Guarded by lock. */
        private long seq;

        private Timer() {
        }

        /** Go's {@code t.C}. */
        public ReceiveChannel<Instant> channel() {
            return c;
        }

        /**
         * Go's {@code t.Stop()}: prevents the timer from firing.
         *
         * @return true if the call stopped the timer before its value was received; false if the value
         *         was already received or the timer was already stopped
         */
        public boolean stop() {
            lock.lock();
            try {
                return cancelLocked();
            } finally {
                lock.unlock();
            }
        }

        /**
         * Go's {@code t.Reset(d)}: stops the timer and starts it again to fire after {@code d}.
         *
         * @return true if the timer was active (not yet received from) before the call
         */
        public boolean reset(Duration d) {
            long nanos = Parking.toNanos(java.util.Objects.requireNonNull(d, "d"));
            lock.lock();
            try {
                boolean wasActive = cancelLocked();
                long mySeq = seq;
                pending = TimerThread.EXECUTOR.schedule(() -> fire(mySeq), Math.max(0L, nanos), TimeUnit.NANOSECONDS);
                return wasActive;
            } finally {
                lock.unlock();
            }
        }

        private boolean cancelLocked() {
            boolean wasActive = pending != null;
            if (pending != null) {
                pending.cancel(false);
                pending = null;
            }
            seq++;
            boolean drained = c.tryReceive().ok(); // Go 1.23+: no stale value after Stop/Reset
            return wasActive || drained;
        }

        private void fire(long mySeq) {
            lock.lock();
            try {
                if (mySeq != seq) {
                    return; // stopped or reset after this firing was scheduled
                }
                pending = null;
                c.trySend(Instant.now()); // Go's sendTime: non-blocking send into the 1-buffer
            } finally {
                lock.unlock();
            }
        }
    }

    /** Go's {@code *time.Ticker}. */
    public static final class Ticker {
        private final GoChannel<Instant> c = GoChannel.buffered(1);
        private final ReentrantLock lock = new ReentrantLock();
        private ScheduledFuture<?> pending;
        private long seq;

        private Ticker() {
        }

        /** Go's {@code t.C}. */
        public ReceiveChannel<Instant> channel() {
            return c;
        }

        /** Go's {@code t.Stop()}: no tick is received after this returns. Does not close the channel. */
        public void stop() {
            lock.lock();
            try {
                cancelLocked();
            } finally {
                lock.unlock();
            }
        }

        /**
         * Go's {@code t.Reset(d)}: stops the ticker and restarts it with period {@code interval}; the next tick
         * arrives after it.
         *
         * @throws IllegalArgumentException "non-positive interval for Ticker.Reset" if interval is not positive
         */
        public void reset(Duration interval) {
            long nanos = Parking.toNanos(java.util.Objects.requireNonNull(interval, "interval"));
            if (nanos <= 0) {
                throw new IllegalArgumentException("non-positive interval for Ticker.Reset");
            }
            lock.lock();
            try {
                cancelLocked();
                startLocked(nanos);
            } finally {
                lock.unlock();
            }
        }

        private void start(long nanos) {
            lock.lock();
            try {
                startLocked(nanos);
            } finally {
                lock.unlock();
            }
        }

        private void startLocked(long nanos) {
            long mySeq = seq;
            pending = TimerThread.EXECUTOR.scheduleAtFixedRate(() -> tick(mySeq), nanos, nanos, TimeUnit.NANOSECONDS);
        }

        private void cancelLocked() {
            if (pending != null) {
                pending.cancel(false);
                pending = null;
            }
            seq++;
            c.tryReceive(); // Go 1.23+: no stale tick after Stop/Reset
        }

        private void tick(long mySeq) {
            lock.lock();
            try {
                if (mySeq == seq) {
                    c.trySend(Instant.now()); // drops the tick if the reader has not taken the last one
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
