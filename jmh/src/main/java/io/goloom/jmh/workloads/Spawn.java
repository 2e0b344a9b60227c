package io.goloom.jmh.workloads;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;

/** spawn: a thread starts {@code n} threads that do nothing but count down one latch, and waits for all. */
public final class Spawn {
    private Spawn() {}

    /** Threads per benchmark operation. */
    public static final int THREADS = 1_000_000;

    public static long run(ThreadFactory tf, int n) {
        return Threads.runMain(tf, () -> {
            CountDownLatch done = new CountDownLatch(n);
            Runnable task = done::countDown;
            for (int i = 0; i < n; i++) {
                tf.newThread(task).start();
            }
            done.await();
            return (long) n;
        });
    }
}
