package io.goloom.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLLL_Result;

/** Broken twin of {@link RunqOwnerTwoStealersTest} (3 actors): the thieves claim without a CAS. */
@JCStressTest
@Description("BROKEN TWIN of RunqOwnerTwoStealersTest (needs 3 CPUs): runqgrab without CAS")
@Outcome(id = "[0-1], [0-5], [0-5], ok", expect = ACCEPTABLE, desc = "every G taken exactly once")
@Outcome(expect = FORBIDDEN, desc = "a G lost or taken twice")
@State
public class RunqOwnerTwoStealersBroken {
    static final BrokenLocalRunQueue.Breakage B = BrokenLocalRunQueue.Breakage.GRAB_WITHOUT_CAS;
    final GlobalRunQueue global = new GlobalRunQueue();
    final BrokenLocalRunQueue victim = new BrokenLocalRunQueue(B);
    final BrokenLocalRunQueue thief1 = new BrokenLocalRunQueue(B);
    final BrokenLocalRunQueue thief2 = new BrokenLocalRunQueue(B);
    Runnable owned;
    Runnable stolen1;
    Runnable stolen2;

    public RunqOwnerTwoStealersBroken() {
        for (int i = 0; i < 4; i++) {
            victim.put(G.ALL[i], false, global);
        }
    }

    @Actor
    public void owner(LLLL_Result r) {
        victim.put(G.ALL[4], false, global);
        owned = victim.poll();
        r.r1 = owned != null ? 1 : 0;
    }

    @Actor
    public void thief1(LLLL_Result r) {
        stolen1 = thief1.stealFrom(victim, false);
        r.r2 = thief1.lastStealCount;
    }

    @Actor
    public void thief2(LLLL_Result r) {
        stolen2 = thief2.stealFrom(victim, false);
        r.r3 = thief2.lastStealCount;
    }

    @Arbiter
    public void check(LLLL_Result r) {
        G.Tally t = new G.Tally(5);
        t.add(owned);
        t.add(stolen1);
        t.add(stolen2);
        Twins.drain(t, thief1);
        Twins.drain(t, thief2);
        Twins.drain(t, victim);
        t.drain(global);
        r.r4 = t.verdict();
    }
}
