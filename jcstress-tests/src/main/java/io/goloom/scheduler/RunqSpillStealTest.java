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
 * Go: {@code runqputslow} (a full ring spills its older half plus the new G to the global queue) against
 * {@code runqsteal}. Both claim the same oldest 128 slots with a CAS on {@code head}; exactly one may win them.
 * <p>
 * The ring is full (G0..G255). The owner puts G256; a thief steals. Either the thief wins (128 stolen, no spill:
 * the put finds room on its retry) or the spill wins (129 to the global queue in order, the thief takes 64 of
 * what remains).
 * <p>
 * Result: (spilled, thief got, verdict).
 */
@JCStressTest
@Description("runqputslow (spill to global) vs runqsteal: every G exactly once")
@Outcome(id = "false, 128, ok", expect = ACCEPTABLE, desc = "steal first; the put then finds room")
@Outcome(id = "true, 64, ok", expect = ACCEPTABLE, desc = "spill first (129 Gs to the global queue); steal half the rest")
@Outcome(expect = FORBIDDEN, desc = "a G lost or taken twice, or the spill out of order")
@State
public class RunqSpillStealTest {
    static final int N = LocalRunQueue.SIZE + 1;
    final GlobalRunQueue global = new GlobalRunQueue();
    final LocalRunQueue victim = new LocalRunQueue();
    final LocalRunQueue thief = new LocalRunQueue();
    Runnable stolen;

    public RunqSpillStealTest() {
        for (int i = 0; i < LocalRunQueue.SIZE; i++) {
            victim.put(G.ALL[i], false, global);
        }
    }

    @Actor
    public void owner(LLL_Result r) {
        r.r1 = victim.put(G.ALL[LocalRunQueue.SIZE], false, global);
    }

    @Actor
    public void thief(LLL_Result r) {
        stolen = thief.stealFrom(victim, false, false);
        r.r2 = thief.lastStealCount;
    }

    @Arbiter
    public void check(LLL_Result r) {
        G.Tally t = new G.Tally(N);
        t.add(stolen);
        t.drain(thief);
        t.drain(victim);
        // The spill keeps Go's order: the oldest half, then the new G.
        boolean ordered = true;
        int prev = -1;
        Runnable g;
        while ((g = global.poll()) != null) {
            int id = ((G) g).id;
            if (id <= prev) {
                ordered = false;
            }
            prev = id;
            t.add(g);
        }
        String v = t.verdict();
        r.r3 = v.equals(G.OK) && !ordered ? G.REORDERED : v;
    }
}
