package io.goloom.scheduler;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Single-threaded checks of runqput/runqget/runqputslow/runqgrab arithmetic (the races are jcstress's job). */
class LocalRunQueueTest {
    static final class G implements Runnable {
        final int id;

        G(int id) {
            this.id = id;
        }

        @Override
        public void run() {}

        @Override
        public String toString() {
            return "G" + id;
        }
    }

    static final class Spill implements LocalRunQueue.Overflow {
        final List<Runnable> got = new ArrayList<>();

        @Override
        public void putBatch(Runnable[] batch, int n) {
            for (int i = 0; i < n; i++) {
                got.add(batch[i]);
            }
        }
    }

    @Test
    void runnextIsLifoOfDepthOneInFrontOfAFifoRing() {
        LocalRunQueue q = new LocalRunQueue();
        Spill spill = new Spill();
        G a = new G(1), b = new G(2), c = new G(3);
        q.put(a, true, spill);
        q.put(b, true, spill); // a kicked to the ring
        q.put(c, true, spill); // b kicked to the ring
        assertSame(c, q.takeRunnext());
        assertSame(a, q.poll());
        assertSame(b, q.poll());
        assertNull(q.poll());
        assertTrue(q.isEmpty());
        assertTrue(spill.got.isEmpty());
    }

    @Test
    void fullRingSpillsItsOlderHalfPlusTheNewOneToTheGlobalQueue() {
        LocalRunQueue q = new LocalRunQueue();
        Spill spill = new Spill();
        for (int i = 0; i < LocalRunQueue.SIZE; i++) {
            assertFalse(q.put(new G(i), false, spill));
        }
        assertEquals(256, q.size());
        G extra = new G(999);
        assertTrue(q.put(extra, false, spill));
        // Go's runqputslow: 128 oldest + the new G = 129, in that order
        assertEquals(129, spill.got.size());
        for (int i = 0; i < 128; i++) {
            assertEquals(i, ((G) spill.got.get(i)).id);
        }
        assertSame(extra, spill.got.get(128));
        assertEquals(128, q.size());
        assertEquals(128, ((G) q.poll()).id);
    }

    @Test
    void stealTakesHalfRoundedUpFromTheHeadAndRunsTheNewestStolen() {
        for (int n : new int[] {1, 2, 3, 4, 7, 100, 255, 256}) {
            LocalRunQueue victim = new LocalRunQueue();
            LocalRunQueue thief = new LocalRunQueue();
            Spill spill = new Spill();
            for (int i = 0; i < n; i++) {
                victim.put(new G(i), false, spill);
            }
            Runnable g = thief.stealFrom(victim, false, false);
            int expected = n - n / 2;
            assertEquals(expected, thief.lastStealCount, "steal of " + n);
            assertEquals(expected - 1, ((G) g).id, "runs the newest of the stolen batch");
            assertEquals(expected - 1, thief.size());
            assertEquals(n - expected, victim.size());
            Set<Integer> seen = new HashSet<>();
            seen.add(((G) g).id);
            for (Runnable r; (r = thief.poll()) != null; ) {
                assertTrue(seen.add(((G) r).id));
            }
            for (Runnable r; (r = victim.poll()) != null; ) {
                assertTrue(seen.add(((G) r).id));
            }
            assertEquals(n, seen.size(), "nothing lost or duplicated");
        }
    }

    @Test
    void runnextIsStolenOnlyOnTheLastPassAndOnlyFromAnEmptyRing() {
        LocalRunQueue victim = new LocalRunQueue();
        LocalRunQueue thief = new LocalRunQueue();
        Spill spill = new Spill();
        G next = new G(7);
        victim.put(next, true, spill);
        assertNull(thief.stealFrom(victim, false, false));
        assertSame(next, thief.stealFrom(victim, true, true));
        assertTrue(victim.isEmpty());
    }

    @Test
    void indicesKeepWorkingAcrossWrapAround() {
        LocalRunQueue q = new LocalRunQueue();
        Spill spill = new Spill();
        int id = 0;
        int expect = 0;
        for (int round = 0; round < 10_000; round++) {
            for (int i = 0; i < 37; i++) {
                q.put(new G(id++), false, spill);
            }
            for (int i = 0; i < 37; i++) {
                assertEquals(expect++, ((G) q.poll()).id);
            }
        }
        assertTrue(spill.got.isEmpty());
    }

    @Test
    void drainTakesRunnextFirstThenTheRingInOrder() {
        LocalRunQueue q = new LocalRunQueue();
        Spill spill = new Spill();
        q.put(new G(1), false, spill);
        q.put(new G(2), false, spill);
        q.put(new G(3), true, spill);
        Runnable[] out = new Runnable[LocalRunQueue.SIZE + 1];
        assertEquals(3, q.drain(out));
        assertEquals(List.of(3, 1, 2), List.of(((G) out[0]).id, ((G) out[1]).id, ((G) out[2]).id));
    }

    @Test
    void globalBatchFollowsGosFormula() {
        // min(128, size, size/gomaxprocs + 1)
        int[][] cases = {{8, 1000, 126}, {2, 300, 128}, {64, 10, 1}, {1, 5, 5}};
        for (int[] c : cases) {
            GlobalRunQueue global = new GlobalRunQueue();
            for (int i = 0; i < c[1]; i++) {
                global.put(new G(i));
            }
            LocalRunQueue into = new LocalRunQueue();
            Runnable first = global.pollBatch(128, c[0], into);
            assertEquals(0, ((G) first).id);
            assertEquals(c[2] - 1, into.size(), "gomaxprocs=" + c[0] + " size=" + c[1]);
            assertEquals(c[1] - c[2], global.size());
            if (c[2] > 1) {
                assertEquals(1, ((G) into.poll()).id);
            }
        }
    }
}
