package io.goloom.channels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Litmus-style checks of Go's channel happens-before rules (https://go.dev/ref/mem) with plain,
 * non-volatile fields. On x86 most reorderings cannot show up at all, so these document and smoke-test
 * the guarantees; the jcstress module tests them exhaustively.
 */
@Timeout(60)
class MemoryModelTest {

    @AfterAll
    static void closeScheduler() {
        ThreadKind.closeGoloom();
    }

    /** A mutable object with plain fields, published only through the channel. */
    static final class Box {
        int x;
        long y;
        String z;
    }

    /** Plain field written before the send, read after the receive. */
    static int shared;

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aSendHappensBeforeTheMatchingReceiveCompletes(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            for (int cap : new int[] {0, 1, 64}) {
                GoChannel<Box> ch = GoChannel.buffered(cap);
                int n = 20_000;
                try (Goroutines g = new Goroutines(kind)) {
                    g.go(() -> {
                        for (int i = 1; i <= n; i++) {
                            Box b = new Box();
                            b.x = i;
                            b.y = 2L * i;
                            b.z = "v" + i;
                            ch.send(b);
                        }
                        ch.close();
                    });
                    int expected = 1;
                    for (Box b : ch) {
                        assertEquals(expected, b.x);
                        assertEquals(2L * expected, b.y);
                        assertEquals("v" + expected, b.z);
                        expected++;
                    }
                    assertEquals(n + 1, expected);
                    g.join();
                }
            }
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closeHappensBeforeAReceiveThatSeesIt(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            for (int i = 1; i <= 2_000; i++) {
                GoChannel<Integer> done = GoChannel.unbuffered();
                int value = i;
                int[] seen = new int[1];
                try (Goroutines g = new Goroutines(kind)) {
                    g.go(() -> {
                        assertTrue(done.receiveOk().closed());
                        seen[0] = shared; // plain read, ordered by the close
                    });
                    g.go(() -> {
                        shared = value; // plain write
                        done.close();
                    });
                    g.join();
                }
                assertEquals(value, seen[0]);
            }
        });
    }

    /**
     * The k-th receive happens-before the (k+C)-th send completes: a channel of capacity C is a
     * counting semaphore. With C = 1 it is a mutex protecting a plain counter.
     */
    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aBufferedChannelOfCapacityCIsASemaphore(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Boolean> mutex = GoChannel.buffered(1);
            long[] counter = new long[1];
            int threads = 4;
            int perThread = 20_000;
            try (Goroutines g = new Goroutines(kind)) {
                for (int t = 0; t < threads; t++) {
                    g.go(() -> {
                        for (int i = 0; i < perThread; i++) {
                            mutex.send(Boolean.TRUE); // acquire
                            counter[0]++;             // plain read-modify-write
                            mutex.receive();          // release
                        }
                    });
                }
                g.join();
            }
            assertEquals((long) threads * perThread, counter[0]);

            int c = 3;
            GoChannel<Boolean> limit = GoChannel.buffered(c);
            AtomicInteger active = new AtomicInteger();
            AtomicInteger maxActive = new AtomicInteger();
            try (Goroutines g = new Goroutines(kind)) {
                for (int t = 0; t < 8; t++) {
                    g.go(() -> {
                        for (int i = 0; i < 2_000; i++) {
                            limit.send(Boolean.TRUE);
                            int now = active.incrementAndGet();
                            maxActive.accumulateAndGet(now, Math::max);
                            if (i % 64 == 0) {
                                Thread.yield();
                            }
                            active.decrementAndGet();
                            limit.receive();
                        }
                    });
                }
                g.join();
            }
            assertTrue(maxActive.get() <= c, "at most C holders at once, saw " + maxActive.get());
        });
    }
}
