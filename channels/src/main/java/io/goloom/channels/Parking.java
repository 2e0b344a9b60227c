package io.goloom.channels;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The one place where goloom channels block: {@link LockSupport#park}/{@link LockSupport#parkNanos},
 * Go's {@code gopark}. Nothing else is used, so channels work on platform threads, on the JDK's
 * virtual-thread scheduler and on any custom virtual-thread scheduler (goloom's included): a wake-up
 * is an {@code unpark}, which the scheduler turns into "make runnable".
 *
 * <p>{@code park} may return spuriously, so every wait loops on a completion flag.
 */
final class Parking {
    static final int DONE = 0;
    static final int INTERRUPTED = 1;
    static final int TIMED_OUT = 2;

    /** Longest timeout honoured; longer ones are clamped so that {@code nanoTime() + t} cannot overflow. */
    private static final long MAX_NANOS = Long.MAX_VALUE >> 2;

    private Parking() {
    }

    /** A Duration as nanoseconds, saturating instead of throwing on overflow; negative stays negative. */
    static long toNanos(Duration d) {
        if (d == null) {
            throw new NullPointerException("timeout");
        }
        try {
            return Math.min(d.toNanos(), MAX_NANOS);
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? -1L : MAX_NANOS;
        }
    }

    /** Deadline for a positive timeout. */
    static long deadline(long nanos) {
        return System.nanoTime() + Math.min(nanos, MAX_NANOS);
    }

    /**
     * Waits until the plain waiter {@code w} is completed, the thread is interrupted (the flag is
     * cleared and INTERRUPTED returned) or the deadline passes. If completion and interrupt coincide,
     * DONE wins and the interrupt flag stays set.
     */
    static int awaitPlain(Waiter w, boolean timed, long deadline) {
        for (;;) {
            if (w.done) {
                return DONE;
            }
            if (Thread.interrupted()) {
                return INTERRUPTED;
            }
            if (timed) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return TIMED_OUT;
                }
                LockSupport.parkNanos(w.channel, remaining);
            } else {
                LockSupport.park(w.channel);
            }
        }
    }

    /** As {@link #awaitPlain} for a blocked select: done when some waker has set the winner. */
    static int awaitSelect(SelectState s, boolean timed, long deadline) {
        for (;;) {
            if (s.winner != null) {
                return DONE;
            }
            if (Thread.interrupted()) {
                return INTERRUPTED;
            }
            if (timed) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return TIMED_OUT;
                }
                LockSupport.parkNanos(s, remaining);
            } else {
                LockSupport.park(s);
            }
        }
    }

    /**
     * Blocks until interrupted or (if timed) until the deadline: Go's block-forever for a nil channel
     * and for {@code select {}}. Returns normally only on timeout.
     */
    static void parkForever(Object blocker, boolean timed, long deadline) throws InterruptedException {
        for (;;) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (timed) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return;
                }
                LockSupport.parkNanos(blocker, remaining);
            } else {
                LockSupport.park(blocker);
            }
        }
    }
}
