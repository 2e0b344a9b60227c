package io.goloom.jmh.workloads;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;

/** Starting and joining the threads of a workload; failures of any of them surface in the caller. */
public final class Threads {
    private Threads() {}

    /** A body that may throw, as run by a workload thread. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /** A body returning a value. */
    @FunctionalInterface
    public interface ValueBody<T> {
        T call() throws Exception;
    }

    /** Runs {@code body} in a new thread of {@code tf} (Go's main goroutine) and returns its result. */
    public static <T> T runMain(ThreadFactory tf, ValueBody<T> body) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = tf.newThread(() -> {
            try {
                result.set(body.call());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        joinUninterruptibly(t);
        if (failure.get() != null) {
            throw new IllegalStateException("workload failed", failure.get());
        }
        return result.get();
    }

    /** Starts a thread of {@code tf}; an exception in it is printed (and the workload then usually hangs or fails). */
    public static Thread start(ThreadFactory tf, Body body) {
        Thread t = tf.newThread(() -> {
            try {
                body.run();
            } catch (InterruptedException e) {
                // asked to stop
            } catch (Throwable e) {
                e.printStackTrace();
                throw new IllegalStateException(e);
            }
        });
        t.start();
        return t;
    }

    public static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    public static void joinAll(Thread... ts) throws InterruptedException {
        for (Thread t : ts) {
            t.join();
        }
    }
}
