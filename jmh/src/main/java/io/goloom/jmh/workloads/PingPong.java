package io.goloom.jmh.workloads;

import java.util.concurrent.ThreadFactory;

/** ping-pong: two threads bounce a token over two unbuffered channels; returns the round trips made. */
public final class PingPong {
    private PingPong() {}

    /** Round trips per benchmark operation (also used by the park/unpark ping-pong). */
    public static final int ROUNDS = 10_000;

    public static long run(ThreadFactory tf, ChanKind kind, int rounds) {
        return Threads.runMain(tf, () -> {
            Chan<Integer> ping = kind.unbuffered();
            Chan<Integer> pong = kind.unbuffered();
            Thread ponger = Threads.start(tf, () -> {
                for (int i = 0; i < rounds; i++) {
                    pong.send(ping.receive());
                }
            });
            long sum = 0;
            Integer token = 1;
            for (int i = 0; i < rounds; i++) {
                ping.send(token);
                sum += pong.receive();
            }
            ponger.join();
            return sum;
        });
    }
}
