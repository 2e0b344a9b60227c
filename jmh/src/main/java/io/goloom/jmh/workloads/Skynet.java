package io.goloom.jmh.workloads;

import java.util.concurrent.ThreadFactory;

/**
 * skynet (github.com/atemerev/skynet): a 10-ary tree of threads with {@code size} leaves; leaf {@code i} sends
 * {@code i} to its parent's unbuffered channel, each inner node sums its children's values and sends the sum up.
 * With 1,000,000 leaves the answer is 499999500000.
 */
public final class Skynet {
    private Skynet() {}

    public static final long ANSWER_1M = 499_999_500_000L;

    public static long run(ThreadFactory tf, ChanKind kind, int size) {
        return Threads.runMain(tf, () -> {
            Chan<Long> c = kind.unbuffered();
            Threads.start(tf, () -> node(tf, kind, c, 0, size, 10));
            return c.receive();
        });
    }

    private static void node(ThreadFactory tf, ChanKind kind, Chan<Long> c, long num, int size, int div)
            throws InterruptedException {
        if (size == 1) {
            c.send(num);
            return;
        }
        Chan<Long> rc = kind.unbuffered();
        int sub = size / div;
        for (int i = 0; i < div; i++) {
            long subNum = num + (long) i * sub;
            Threads.start(tf, () -> node(tf, kind, rc, subNum, sub, div));
        }
        long sum = 0;
        for (int i = 0; i < div; i++) {
            sum += rc.receive();
        }
        c.send(sum);
    }
}
