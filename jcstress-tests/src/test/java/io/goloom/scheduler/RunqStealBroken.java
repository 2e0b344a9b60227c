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

/** Broken twin of {@link RunqStealTest}: the thief's {@code runqgrab} claims its batch without a CAS. */
@JCStressTest
@Description("BROKEN TWIN of RunqStealTest: runqgrab claims head with read-then-write instead of CAS")
@Outcome(id = "[0-2], [0-2], ok", expect = ACCEPTABLE, desc = "every G taken exactly once")
@Outcome(expect = FORBIDDEN, desc = "a G lost or taken twice")
@State
public class RunqStealBroken {
    final GlobalRunQueue global = new GlobalRunQueue();
    final BrokenLocalRunQueue victim = new BrokenLocalRunQueue(BrokenLocalRunQueue.Breakage.GRAB_WITHOUT_CAS);
    final BrokenLocalRunQueue thief = new BrokenLocalRunQueue(BrokenLocalRunQueue.Breakage.GRAB_WITHOUT_CAS);
    Runnable o1;
    Runnable o2;
    Runnable stolen;

    public RunqStealBroken() {
        victim.put(G.ALL[0], false, global);
        victim.put(G.ALL[1], false, global);
    }

    @Actor
    public void owner(LLL_Result r) {
        victim.put(G.ALL[2], false, global);
        o1 = victim.poll();
        o2 = victim.poll();
        r.r1 = (o1 != null ? 1 : 0) + (o2 != null ? 1 : 0);
    }

    @Actor
    public void thief(LLL_Result r) {
        stolen = thief.stealFrom(victim, false);
        r.r2 = thief.lastStealCount;
    }

    @Arbiter
    public void check(LLL_Result r) {
        G.Tally t = new G.Tally(3);
        t.add(o1);
        t.add(o2);
        t.add(stolen);
        Twins.drain(t, thief);
        Twins.drain(t, victim);
        t.drain(global);
        r.r3 = t.verdict();
    }
}
