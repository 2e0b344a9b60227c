package io.goloom.channels;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A group of test threads of one {@link ThreadKind}, started like goroutines ({@link #go}) and joined
 * with a bound. The first failure of any thread is rethrown by {@link #join}; a thread that does not
 * finish in time fails the test with its stack trace. {@link #close()} interrupts stragglers (goroutines
 * of Go examples that block forever, such as sieve filters).
 */
final class Goroutines implements AutoCloseable {
    /** A task that may throw anything, including InterruptedException. */
    @FunctionalInterface
    interface Task {
        void run() throws Exception;
    }

    static final Duration DEFAULT_JOIN = Duration.ofSeconds(30);

    private final ThreadFactory factory;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    Goroutines(ThreadKind kind) {
        this.factory = kind.factory();
    }

    /** Runs {@code body} on a thread of {@code kind} and waits (bounded) for it: the test's "main goroutine". */
    static void run(ThreadKind kind, Task body) throws InterruptedException {
        run(kind, DEFAULT_JOIN, body);
    }

    static void run(ThreadKind kind, Duration timeout, Task body) throws InterruptedException {
        try (Goroutines g = new Goroutines(kind)) {
            g.go(body);
            g.join(timeout);
        }
    }

    /** Starts a thread running {@code task}; Go's {@code go task()}. */
    Thread go(Task task) {
        Thread t = factory.newThread(() -> {
            try {
                task.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        synchronized (threads) {
            threads.add(t);
        }
        t.start();
        return t;
    }

    /** Joins every thread started so far, within {@code timeout} in total; rethrows the first failure. */
    void join(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Thread> snapshot;
        synchronized (threads) {
            snapshot = new ArrayList<>(threads);
        }
        for (Thread t : snapshot) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0 || !t.join(Duration.ofNanos(remaining))) {
                AssertionError e = new AssertionError("thread " + t + " did not finish within " + timeout);
                e.setStackTrace(t.getStackTrace());
                rethrowFailure();
                throw e;
            }
        }
        rethrowFailure();
    }

    void join() throws InterruptedException {
        join(DEFAULT_JOIN);
    }

    private void rethrowFailure() {
        Throwable f = failure.get();
        if (f instanceof Error e) {
            throw e;
        }
        if (f != null) {
            throw new AssertionError("a test thread failed: " + f, f);
        }
    }

    /** Interrupts every thread still alive and waits briefly for them. */
    @Override
    public void close() {
        List<Thread> snapshot;
        synchronized (threads) {
            snapshot = new ArrayList<>(threads);
        }
        for (Thread t : snapshot) {
            if (t.isAlive()) {
                t.interrupt();
            }
        }
        try {
            for (Thread t : snapshot) {
                t.join(Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Polls {@code condition} until true, failing after {@code timeout}. Yields, then sleeps, between polls (no long busy spin). */
    static void await(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int polls = 0; !condition.getAsBoolean(); polls++) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting until " + what);
            }
            if (polls < 200) {
                Thread.yield(); // most conditions hold within microseconds
            } else {
                TimeUnit.MILLISECONDS.sleep(1);
            }
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, condition, Duration.ofSeconds(10));
    }

    /** Waits until {@code t} is parked or waiting (blocked in a channel operation). */
    static void awaitBlocked(Thread t) throws InterruptedException {
        await(t + " blocked", () -> {
            Thread.State s = t.getState();
            return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
        });
    }
}
