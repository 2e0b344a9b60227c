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

/** Broken twin of {@link RunqSpillStealTest}: {@code runqputslow} claims the spilled half without a CAS. */
@JCStressTest
@Description("BROKEN TWIN of RunqSpillStealTest: runqputslow claims head with read-then-write instead of CAS")
@Outcome(id = "false, 128, ok", expect = ACCEPTABLE, desc = "steal first")
@Outcome(id = "true, 64, ok", expect = ACCEPTABLE, desc = "spill first")
@Outcome(expect = FORBIDDEN, desc = "a G lost or taken twice")
@State
public class RunqSpillStealBroken {
    static final BrokenLocalRunQueue.Breakage B = BrokenLocalRunQueue.Breakage.SPILL_WITHOUT_CAS;
    final GlobalRunQueue global = new GlobalRunQueue();
    final BrokenLocalRunQueue victim = new BrokenLocalRunQueue(B);
    final BrokenLocalRunQueue thief = new BrokenLocalRunQueue(B);
    Runnable stolen;

    public RunqSpillStealBroken() {
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
        stolen = thief.stealFrom(victim, false);
        r.r2 = thief.lastStealCount;
    }

    @Arbiter
    public void check(LLL_Result r) {
        G.Tally t = new G.Tally(LocalRunQueue.SIZE + 1);
        t.add(stolen);
        Twins.drain(t, thief);
        Twins.drain(t, victim);
        t.drain(global);
        r.r3 = t.verdict();
    }
}
