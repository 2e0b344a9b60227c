package io.goloom.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;

/**
 * Go: {@code runqput} / {@code runqget} / {@code runqsteal} across both wrap-arounds: the ring index (slot 255 to
 * slot 0) and the free-running 32-bit {@code head}/{@code tail} ({@code Integer.MAX_VALUE} to
 * {@code MIN_VALUE}; Go's uint32 wraps the same way and {@code t - h} stays the size).
 * <p>
 * head = tail = MAX_VALUE - 1 (slot 254). The ring holds G0, G1 (slots 254, 255); the owner puts G2, G3 (slots 0,
 * 1, tail wraps past MAX_VALUE) and takes one; a thief steals half. Besides exactly-once, the takers must get a
 * FIFO prefix and the queue keep the FIFO rest: both take from the head.
 * <p>
 * Result: (owner got, thief got, verdict).
 */
@JCStressTest
@Description("run queue across index and int wrap-around: exactly once, FIFO")
@Outcome(id = "[0-1], [0-4], ok", expect = ACCEPTABLE, desc = "every G taken exactly once, in FIFO order")
@Outcome(expect = FORBIDDEN, desc = "a G lost, taken twice, or out of order")
@State
public class RunqWrapTest {
    final GlobalRunQueue global = new GlobalRunQueue();
    final LocalRunQueue victim = new LocalRunQueue();
    final LocalRunQueue thief = new LocalRunQueue();
    Runnable owned;
    Runnable stolen;

    public RunqWrapTest() {
        G.startAt(victim, Integer.MAX_VALUE - 1);
        G.startAt(thief, Integer.MAX_VALUE - 200); // the thief's own ring wraps too when it publishes
        victim.put(G.ALL[0], false, global);
        victim.put(G.ALL[1], false, global);
    }

    @Actor
    public void owner(LLL_Result r) {
        victim.put(G.ALL[2], false, global);
        victim.put(G.ALL[3], false, global);
        owned = victim.poll();
        r.r1 = owned != null ? 1 : 0;
    }

    @Actor
    public void thief(LLL_Result r) {
        stolen = thief.stealFrom(victim, false, false);
        r.r2 = thief.lastStealCount;
    }

    @Arbiter
    public void check(LLL_Result r) {
        G.Tally t = new G.Tally(4);
        t.add(owned);
        t.add(stolen);
        t.drain(thief);
        // What is left must be the newest Gs, oldest first: a suffix of G0..G3.
        int left = 0;
        boolean fifo = true;
        int expect = -1;
        Runnable g;
        while ((g = victim.poll()) != null) {
            int id = ((G) g).id;
            if (expect >= 0 && id != expect) {
                fifo = false;
            }
            expect = id + 1;
            left++;
            t.add(g);
        }
        if (left > 0 && expect != 4) {
            fifo = false;
        }
        // The owner's G, if any, is older than everything left.
        if (owned != null && left > 0 && ((G) owned).id >= 4 - left) {
            fifo = false;
        }
        t.drain(global);
        String v = t.verdict();
        r.r3 = v.equals(G.OK) && !fifo ? G.REORDERED : v;
    }
}
