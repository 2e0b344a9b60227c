package io.goloom.scheduler;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Bounded waits for tests: on time-out they print every thread's stack and fail. */
final class Waits {
    private Waits() {}

    static void await(CountDownLatch latch, Duration timeout, String what) throws InterruptedException {
        if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            failWithDump(what + ": " + latch.getCount() + " still outstanding after " + timeout);
        }
    }

    static void join(Thread t, Duration timeout) throws InterruptedException {
        if (!t.join(timeout)) {
            failWithDump(t + " did not finish within " + timeout);
        }
    }

    static void until(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                failWithDump(what + " not reached within " + timeout);
            }
            Thread.sleep(1);
        }
    }

    static void failWithDump(String message) {
        StringBuilder sb = new StringBuilder(message).append("\n--- thread dump ---\n");
        for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            sb.append(info);
        }
        System.err.println(sb);
        fail(message + " (thread dump on stderr)");
    }

    /** Busy-waits (the carrier stays busy) for the given time. */
    static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }
}
