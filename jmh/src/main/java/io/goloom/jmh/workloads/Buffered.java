package io.goloom.jmh.workloads;

import java.util.concurrent.ThreadFactory;

/**
 * buffered: {@code producers} threads send {@code perProducer} messages each into one channel of {@code capacity},
 * {@code consumers} threads receive them all. Returns the sum of the received values (a check that nothing was
 * lost or duplicated: {@code producers * perProducer * (perProducer + 1) / 2}).
 */
public final class Buffered {
    private Buffered() {}

    /** Messages per benchmark operation. */
    public static final int MESSAGES = 100_000;

    public static long expected(int producers, int perProducer) {
        return (long) producers * perProducer * (perProducer + 1) / 2;
    }

    public static long run(ThreadFactory tf, ChanKind kind, int producers, int consumers, int capacity,
                           int perProducer) {
        long total = (long) producers * perProducer;
        if (total % consumers != 0) {
            throw new IllegalArgumentException("messages must split evenly among consumers");
        }
        long perConsumer = total / consumers;
        return Threads.runMain(tf, () -> {
            Chan<Integer> ch = kind.buffered(capacity);
            long[] sums = new long[consumers];
            Thread[] ts = new Thread[producers + consumers];
            for (int p = 0; p < producers; p++) {
                ts[p] = Threads.start(tf, () -> {
                    for (int i = 1; i <= perProducer; i++) {
                        ch.send(i);
                    }
                });
            }
            for (int c = 0; c < consumers; c++) {
                int idx = c;
                ts[producers + c] = Threads.start(tf, () -> {
                    long s = 0;
                    for (long i = 0; i < perConsumer; i++) {
                        s += ch.receive();
                    }
                    sums[idx] = s;
                });
            }
            Threads.joinAll(ts);
            long sum = 0;
            for (long s : sums) {
                sum += s;
            }
            return sum;
        });
    }
}
