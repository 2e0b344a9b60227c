package io.goloom.jmh.workloads;

import java.util.concurrent.ThreadFactory;

/**
 * thread ring (the Computer Language Benchmarks Game): {@code ring} threads in a circle, each receiving a token on
 * its unbuffered channel and sending it, decremented, to the next. The thread that receives 0 stops the ring: it
 * sends -1 on, and each thread passes the negative token on (one pass each) until it is back at the stopper.
 * Returns the index of the thread that received 0; with the token starting at {@code passes} that is
 * {@code passes % ring}. Passes made in all: {@code passes + ring - 1}.
 */
public final class ThreadRing {
    private ThreadRing() {}

    public static final int RING = 503;

    /** The token's start value per benchmark operation. */
    public static final int PASSES = 100_000;

    public static int run(ThreadFactory tf, ChanKind kind, int ring, int passes) {
        return Threads.runMain(tf, () -> {
            @SuppressWarnings("unchecked")
            Chan<Integer>[] chans = new Chan[ring];
            for (int i = 0; i < ring; i++) {
                chans[i] = kind.unbuffered();
            }
            int[] winner = {-1};
            Thread[] ts = new Thread[ring];
            for (int i = 0; i < ring; i++) {
                int me = i;
                Chan<Integer> in = chans[i];
                Chan<Integer> out = chans[(i + 1) % ring];
                ts[i] = Threads.start(tf, () -> {
                    while (true) {
                        int t = in.receive();
                        if (t > 0) {
                            out.send(t - 1);
                        } else {
                            if (t == 0) {
                                winner[0] = me;
                            }
                            if (t > -(ring - 1)) {
                                out.send(t - 1);
                            }
                            return;
                        }
                    }
                });
            }
            chans[0].send(passes);
            Threads.joinAll(ts);
            return winner[0];
        });
    }
}
