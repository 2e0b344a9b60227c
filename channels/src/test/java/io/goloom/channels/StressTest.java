package io.goloom.channels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Values 0..V-1 flow from N producers to M consumers through channels that are closed at random
 * moments (a new channel per round, until every value has been attempted) while a chaos thread keeps
 * interrupting producers and consumers. Per value: received at most once, and exactly once unless its
 * send threw (interrupted, closed, or timed out). Totals must add up.
 *
 * <p>The main runs push {@code goloom.stress.values} values (default 10^6) through an unbuffered and a
 * buffered channel on virtual threads; platform and goloom threads, and the select-based variant, get
 * a fifth of that each.
 */
@Timeout(300)
class StressTest {
    private static final int VALUES = Integer.getInteger("goloom.stress.values", 1_000_000);

    private static final int UNCLAIMED = 0;
    private static final int SENT = 1;
    private static final int NOT_SENT = 2;

    @AfterAll
    static void closeScheduler() {
        ThreadKind.closeGoloom();
    }

    static Stream<Arguments> channelRuns() {
        return Stream.of(
                Arguments.of(ThreadKind.VIRTUAL, 0, 4, 4, VALUES),
                Arguments.of(ThreadKind.VIRTUAL, 16, 4, 4, VALUES),
                Arguments.of(ThreadKind.PLATFORM, 0, 3, 5, VALUES / 5),
                Arguments.of(ThreadKind.PLATFORM, 4, 5, 3, VALUES / 5),
                Arguments.of(ThreadKind.GOLOOM, 0, 4, 4, VALUES / 5),
                Arguments.of(ThreadKind.GOLOOM, 16, 4, 4, VALUES / 5));
    }

    static Stream<Arguments> selectRuns() {
        return Stream.of(
                Arguments.of(ThreadKind.VIRTUAL, 0, 4, 4, VALUES / 5),
                Arguments.of(ThreadKind.VIRTUAL, 8, 4, 4, VALUES / 5),
                Arguments.of(ThreadKind.PLATFORM, 2, 3, 3, VALUES / 10),
                Arguments.of(ThreadKind.GOLOOM, 0, 4, 4, VALUES / 10));
    }

    /** Per-value bookkeeping shared by all rounds of one run. */
    private static final class Ledger {
        final int values;
        final AtomicInteger next = new AtomicInteger();
        final AtomicIntegerArray sendState;
        final AtomicIntegerArray received;
        final AtomicLong interrupts = new AtomicLong();
        final AtomicBoolean duplicate = new AtomicBoolean();
        int rounds;

        Ledger(int values) {
            this.values = values;
            this.sendState = new AtomicIntegerArray(values);
            this.received = new AtomicIntegerArray(values);
        }

        int claim() {
            int v = next.getAndIncrement();
            return v < values ? v : -1;
        }

        void sent(int v, boolean ok) {
            if (!sendState.compareAndSet(v, UNCLAIMED, ok ? SENT : NOT_SENT)) {
                duplicate.set(true);
            }
        }

        void receivedValue(int v) {
            if (received.getAndIncrement(v) != 0) {
                duplicate.set(true);
            }
        }

        void verify(String what) {
            assertTrue(!duplicate.get(), what + ": a value was received twice or its send completed twice");
            long sent = 0;
            long notSent = 0;
            long got = 0;
            for (int v = 0; v < values; v++) {
                int st = sendState.get(v);
                int rc = received.get(v);
                got += rc;
                switch (st) {
                    case SENT -> {
                        sent++;
                        if (rc != 1) {
                            fail(what + ": value " + v + " was sent but received " + rc + " times");
                        }
                    }
                    case NOT_SENT -> {
                        notSent++;
                        if (rc != 0) {
                            fail(what + ": value " + v + "'s send threw but it was received " + rc + " times");
                        }
                    }
                    default -> fail(what + ": value " + v + " was never attempted");
                }
            }
            assertEquals(values, sent + notSent, "every value attempted once");
            assertEquals(sent, got, "received == sent");
            assertTrue(sent > values / 2, what + ": most values should get through, got " + sent);
            System.out.printf("%s: %d values, %d rounds, %d sent, %d not sent (interrupted/closed/timed out),"
                    + " %d interrupts%n", what, values, rounds, sent, notSent, interrupts.get());
        }
    }

    @ParameterizedTest(name = "{0} cap={1} producers={2} consumers={3} values={4}")
    @MethodSource("channelRuns")
    void sendReceiveWithRandomInterruptsAndCloses(ThreadKind kind, int capacity, int producers, int consumers,
                                                  int values) throws Exception {
        Ledger ledger = new Ledger(values);
        SplittableRandom random = new SplittableRandom(values * 31L + capacity);
        while (ledger.next.get() < values) {
            ledger.rounds++;
            GoChannel<Integer> ch = GoChannel.buffered(capacity);
            int closeAt = ledger.next.get() + values / 20 + random.nextInt(values / 8);
            runRound(kind, producers, consumers, ledger, closeAt, List.of(ch), () -> {
                // producer: a blocking send, sometimes a timed one
                SplittableRandom r = new SplittableRandom(Thread.currentThread().threadId());
                for (int v; (v = ledger.claim()) >= 0; ) {
                    try {
                        boolean ok;
                        if (r.nextInt(8) == 0) {
                            ok = ch.trySend(v, Duration.ofNanos(r.nextInt(50_000)));
                        } else {
                            ch.send(v);
                            ok = true;
                        }
                        ledger.sent(v, ok);
                    } catch (InterruptedException e) {
                        ledger.sent(v, false);
                    } catch (ChannelPanicException closed) {
                        ledger.sent(v, false);
                        return;
                    }
                }
            }, () -> {
                // consumer: until closed and drained, retrying after interrupts
                SplittableRandom r = new SplittableRandom(Thread.currentThread().threadId() * 7);
                for (;;) {
                    try {
                        Received<Integer> got = r.nextInt(8) == 0
                                ? ch.tryReceive(Duration.ofNanos(r.nextInt(50_000)))
                                : ch.receiveOk();
                        if (got.closed()) {
                            return;
                        }
                        if (got.ok()) {
                            ledger.receivedValue(got.value());
                        }
                    } catch (InterruptedException e) {
                        // retry: an interrupted receive took nothing
                    }
                }
            });
        }
        ledger.verify(kind + " cap=" + capacity);
    }

    @ParameterizedTest(name = "{0} cap={1} producers={2} consumers={3} values={4}")
    @MethodSource("selectRuns")
    void selectWithRandomInterruptsTimeoutsAndCloses(ThreadKind kind, int capacity, int producers, int consumers,
                                                     int values) throws Exception {
        Ledger ledger = new Ledger(values);
        SplittableRandom random = new SplittableRandom(values * 17L + capacity);
        while (ledger.next.get() < values) {
            ledger.rounds++;
            GoChannel<Integer> a = GoChannel.buffered(capacity);
            GoChannel<Integer> b = GoChannel.buffered(capacity);
            GoChannel<Integer> idle = GoChannel.unbuffered(); // never ready: exercises withdrawal
            int closeAt = ledger.next.get() + values / 20 + random.nextInt(values / 8);
            runRound(kind, producers, consumers, ledger, closeAt, List.of(a, b), () -> {
                SplittableRandom r = new SplittableRandom(Thread.currentThread().threadId());
                boolean[] delivered = new boolean[1];
                Runnable onSent = () -> delivered[0] = true;
                for (int v; (v = ledger.claim()) >= 0; ) {
                    delivered[0] = false;
                    try {
                        if (r.nextInt(4) == 0) {
                            Select.selectIndex(Select.send(a, v, onSent), Select.send(b, v, onSent), Select.receive(idle),
                                    Select.timeout(Duration.ofNanos(r.nextInt(100_000))));
                        } else {
                            Select.selectIndex(Select.send(a, v, onSent), Select.receive(idle), Select.send(b, v, onSent));
                        }
                        ledger.sent(v, delivered[0]);
                    } catch (InterruptedException e) {
                        ledger.sent(v, false);
                    } catch (ChannelPanicException closed) {
                        ledger.sent(v, false);
                        return;
                    }
                }
            }, () -> {
                GoChannel<Integer> ca = a;
                GoChannel<Integer> cb = b;
                Received<?>[] last = new Received<?>[1];
                while (!ca.isNil() || !cb.isNil()) {
                    try {
                        int chosen = Select.selectIndex(Select.receiveOk(ca, x -> last[0] = x), Select.receive(idle),
                                Select.receiveOk(cb, x -> last[0] = x));
                        Received<?> got = last[0];
                        if (got.ok()) {
                            ledger.receivedValue((Integer) got.value());
                        } else if (chosen == 0) {
                            ca = GoChannel.nil(); // Go: disable the case of a closed channel
                        } else {
                            cb = GoChannel.nil();
                        }
                    } catch (InterruptedException e) {
                        // retry
                    }
                }
            });
        }
        ledger.verify("select " + kind + " cap=" + capacity);
    }

    /**
     * One round: producers and consumers on {@code kind} threads, a closer that closes {@code channels}
     * once {@code closeAt} values have been claimed (or the producers are done), and a chaos thread
     * that interrupts random workers every few tens of microseconds.
     */
    private static void runRound(ThreadKind kind, int producers, int consumers, Ledger ledger, int closeAt,
                                 List<GoChannel<Integer>> channels, Goroutines.Task producer,
                                 Goroutines.Task consumer) throws Exception {
        AtomicInteger producersLeft = new AtomicInteger(producers);
        AtomicBoolean workersDone = new AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        try (Goroutines work = new Goroutines(kind); Goroutines helpers = new Goroutines(ThreadKind.PLATFORM)) {
            for (int i = 0; i < producers; i++) {
                workers.add(work.go(() -> {
                    try {
                        producer.run();
                    } finally {
                        producersLeft.decrementAndGet();
                    }
                }));
            }
            for (int i = 0; i < consumers; i++) {
                workers.add(work.go(consumer));
            }
            helpers.go(() -> { // closer
                while (ledger.next.get() < closeAt && producersLeft.get() > 0) {
                    LockSupport.parkNanos(100_000);
                }
                for (GoChannel<Integer> ch : channels) {
                    ch.close();
                }
            });
            helpers.go(() -> { // chaos
                ThreadLocalRandom r = ThreadLocalRandom.current();
                while (!workersDone.get()) {
                    LockSupport.parkNanos(20_000 + r.nextInt(200_000));
                    workers.get(r.nextInt(workers.size())).interrupt();
                    ledger.interrupts.incrementAndGet();
                }
            });
            work.join(Duration.ofSeconds(120));
            workersDone.set(true);
            helpers.join(Duration.ofSeconds(30));
        }
    }
}
