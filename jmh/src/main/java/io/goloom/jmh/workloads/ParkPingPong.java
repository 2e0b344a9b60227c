package io.goloom.jmh.workloads;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * park/unpark ping-pong, no channel: two threads take turns through one atomic turn variable, each parking until
 * it is its turn and unparking the other. Returns the round trips made.
 */
public final class ParkPingPong {
    private ParkPingPong() {}

    public static long run(ThreadFactory tf, int rounds) {
        return Threads.runMain(tf, () -> {
            AtomicInteger turn = new AtomicInteger(); // even: pinger's turn, odd: ponger's
            Thread pinger = Thread.currentThread();
            Thread[] ponger = new Thread[1];
            ponger[0] = tf.newThread(() -> {
                for (int i = 0; i < rounds; i++) {
                    int want = 2 * i + 1;
                    while (turn.get() != want) {
                        LockSupport.park(turn);
                    }
                    turn.set(want + 1);
                    LockSupport.unpark(pinger);
                }
            });
            ponger[0].start();
            for (int i = 0; i < rounds; i++) {
                turn.set(2 * i + 1);
                LockSupport.unpark(ponger[0]);
                int want = 2 * i + 2;
                while (turn.get() != want) {
                    LockSupport.park(turn);
                }
            }
            ponger[0].join();
            return (long) rounds;
        });
    }
}
