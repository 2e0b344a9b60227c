package io.goloom.channels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Go picks uniformly among ready cases (random poll order), with no bias to the first case. With
 * n = 10^5 selects, the binomial standard deviation of a 50% share is 0.16 points, so ±2 points is
 * a bound no correct implementation misses, and any positional bias (like Jox's or Kotlin's biased
 * select) fails it by far.
 */
@Timeout(60)
class SelectFairnessTest {
    private static final int SELECTS = 100_000;
    private static final double TOLERANCE = 0.02;

    @AfterAll
    static void closeScheduler() {
        ThreadKind.closeGoloom();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void twoAlwaysReadyReceiveCasesEachWinHalf(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> a = GoChannel.buffered(1);
            GoChannel<Integer> b = GoChannel.buffered(1);
            a.send(0);
            b.send(1);
            int[] wins = new int[2];
            for (int i = 0; i < SELECTS; i++) {
                int chosen = Select.selectIndex(Select.receive(a), Select.receive(b));
                wins[chosen]++;
                assertTrue((chosen == 0 ? a : b).trySend(chosen), "refill the one taken: both stay ready");
            }
            assertShare(wins, 2);
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void twoClosedChannelsEachWinHalf(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> a = GoChannel.unbuffered();
            GoChannel<Integer> b = GoChannel.unbuffered();
            a.close();
            b.close();
            int[] wins = new int[2];
            for (int i = 0; i < SELECTS; i++) {
                wins[Select.selectIndex(Select.receive(a), Select.receive(b))]++;
            }
            assertShare(wins, 2);
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void threeReadyCasesOfMixedKindEachWinAThird(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> in = GoChannel.buffered(1);
            GoChannel<Integer> out = GoChannel.buffered(1);
            GoChannel<Integer> closed = GoChannel.unbuffered();
            closed.close();
            in.send(0);
            int[] wins = new int[3];
            for (int i = 0; i < SELECTS; i++) {
                int chosen = Select.selectIndex(Select.receive(in), Select.send(out, 1), Select.receive(closed));
                wins[chosen]++;
                if (chosen == 0) {
                    in.send(0);
                } else if (chosen == 1) {
                    out.receive();
                }
            }
            assertShare(wins, 3);
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void defaultNeverWinsWhileACaseIsReady(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> a = GoChannel.unbuffered();
            a.close();
            for (int i = 0; i < 10_000; i++) {
                assertEquals(1, Select.selectIndex(Select.defaultCase(), Select.receive(a)));
            }
        });
    }

    private static void assertShare(int[] wins, int n) {
        int total = 0;
        for (int w : wins) {
            total += w;
        }
        assertEquals(SELECTS, total);
        for (int i = 0; i < n; i++) {
            double share = (double) wins[i] / total;
            assertTrue(Math.abs(share - 1.0 / n) <= TOLERANCE,
                    "case " + i + " won " + String.format("%.2f%%", share * 100) + " of " + total
                            + " selects, expected " + String.format("%.2f%%", 100.0 / n));
        }
    }
}
