package io.goloom.jmh.workloads;

import java.util.concurrent.ThreadFactory;

/** yield: {@code threads} threads each call {@link Thread#yield()} {@code yields} times. Returns the yields made. */
public final class Yield {
    private Yield() {}

    /** Yields per benchmark operation (all threads together). */
    public static final int TOTAL = 10_000_000;

    public static long run(ThreadFactory tf, int threads, int yields) {
        return Threads.runMain(tf, () -> {
            Thread[] ts = new Thread[threads];
            for (int i = 0; i < threads; i++) {
                ts[i] = Threads.start(tf, () -> {
                    for (int k = 0; k < yields; k++) {
                        Thread.yield();
                    }
                });
            }
            Threads.joinAll(ts);
            return (long) threads * yields;
        });
    }
}
