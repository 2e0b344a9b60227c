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

/** Broken twin of {@link RunqTwoStealersTest}: both thieves claim their batch without a CAS. */
@JCStressTest
@Description("BROKEN TWIN of RunqTwoStealersTest: runqgrab claims head with read-then-write instead of CAS")
@Outcome(id = "3, 1, ok", expect = ACCEPTABLE, desc = "thief 1 first")
@Outcome(id = "1, 3, ok", expect = ACCEPTABLE, desc = "thief 2 first")
@Outcome(expect = FORBIDDEN, desc = "a G lost or taken twice")
@State
public class RunqTwoStealersBroken {
    static final BrokenLocalRunQueue.Breakage B = BrokenLocalRunQueue.Breakage.GRAB_WITHOUT_CAS;
    final GlobalRunQueue global = new GlobalRunQueue();
    final BrokenLocalRunQueue victim = new BrokenLocalRunQueue(B);
    final BrokenLocalRunQueue thief1 = new BrokenLocalRunQueue(B);
    final BrokenLocalRunQueue thief2 = new BrokenLocalRunQueue(B);
    Runnable stolen1;
    Runnable stolen2;

    public RunqTwoStealersBroken() {
        for (int i = 0; i < 5; i++) {
            victim.put(G.ALL[i], false, global);
        }
    }

    @Actor
    public void thief1(LLL_Result r) {
        stolen1 = thief1.stealFrom(victim, false);
        r.r1 = thief1.lastStealCount;
    }

    @Actor
    public void thief2(LLL_Result r) {
        stolen2 = thief2.stealFrom(victim, false);
        r.r2 = thief2.lastStealCount;
    }

    @Arbiter
    public void check(LLL_Result r) {
        G.Tally t = new G.Tally(5);
        t.add(stolen1);
        t.add(stolen2);
        Twins.drain(t, thief1);
        Twins.drain(t, thief2);
        Twins.drain(t, victim);
        t.drain(global);
        r.r3 = t.verdict();
    }
}
