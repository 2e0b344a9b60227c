package io.goloom.jmh.workloads;

import io.goloom.channels.GoChannel;
import io.goloom.channels.Select;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;

/**
 * select: a server in a two-case select serving two ping-pong clients. Client {@code k} sends a request on its
 * own unbuffered channel and waits for the reply on its own reply channel; the server selects over both request
 * channels and answers the one it got. Returns the round trips served ({@code 2 * roundsPerClient}).
 *
 * <p>With GoChannel the server uses {@link Select}; with Jox, {@code com.softwaremill.jox.Select}. The JDK has no
 * select over queues, so the JDK-queue variant is what a Java programmer writes instead: both clients put into one
 * shared SynchronousQueue (a request names its client) and the server takes from it.
 */
public final class SelectPingPong {
    private SelectPingPong() {}

    /** Round trips (both clients together) per benchmark operation. */
    public static final int ROUNDS = 10_000;

    public static long run(ThreadFactory tf, ChanKind kind, int roundsPerClient) {
        return Threads.runMain(tf, () -> {
            Chan<Integer> reqA = kind.unbuffered();
            Chan<Integer> reqB = kind == ChanKind.QUEUE ? reqA : kind.unbuffered();
            Chan<Integer> repA = kind.unbuffered();
            Chan<Integer> repB = kind.unbuffered();
            // requests carry the client: 0 = A, 1 = B
            Thread a = Threads.start(tf, () -> client(reqA, repA, 0, roundsPerClient));
            Thread b = Threads.start(tf, () -> client(reqB, repB, 1, roundsPerClient));
            long served = 0;
            int total = 2 * roundsPerClient;
            switch (kind) {
                case GO -> {
                    @SuppressWarnings("unchecked")
                    GoChannel<Integer> ga = (GoChannel<Integer>) reqA.raw();
                    @SuppressWarnings("unchecked")
                    GoChannel<Integer> gb = (GoChannel<Integer>) reqB.raw();
                    Select.Case<Integer> ca = Select.receive(ga);
                    Select.Case<Integer> cb = Select.receive(gb);
                    for (int i = 0; i < total; i++) {
                        int who = Select.select(ca, cb);
                        (who == 0 ? repA : repB).send(who);
                        served++;
                    }
                }
                case JOX -> {
                    @SuppressWarnings("unchecked")
                    com.softwaremill.jox.Channel<Integer> ja = (com.softwaremill.jox.Channel<Integer>) reqA.raw();
                    @SuppressWarnings("unchecked")
                    com.softwaremill.jox.Channel<Integer> jb = (com.softwaremill.jox.Channel<Integer>) reqB.raw();
                    for (int i = 0; i < total; i++) {
                        int who = com.softwaremill.jox.Select.select(ja.receiveClause(), jb.receiveClause());
                        (who == 0 ? repA : repB).send(who);
                        served++;
                    }
                }
                case QUEUE -> {
                    @SuppressWarnings("unchecked")
                    BlockingQueue<Integer> q = (BlockingQueue<Integer>) reqA.raw();
                    for (int i = 0; i < total; i++) {
                        int who = q.take();
                        (who == 0 ? repA : repB).send(who);
                        served++;
                    }
                }
            }
            Threads.joinAll(a, b);
            return served;
        });
    }

    private static void client(Chan<Integer> req, Chan<Integer> rep, int me, int rounds) throws InterruptedException {
        Integer id = me;
        for (int i = 0; i < rounds; i++) {
            req.send(id);
            if (rep.receive() != me) {
                throw new AssertionError("reply for the wrong client");
            }
        }
    }
}
