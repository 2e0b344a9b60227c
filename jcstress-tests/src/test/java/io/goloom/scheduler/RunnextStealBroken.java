package io.goloom.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

/** Broken twin of {@link RunnextStealTest}: the owner swaps runnext with read-then-write, not its CAS loop. */
@JCStressTest
@Description("BROKEN TWIN of RunnextStealTest: runqput(next) swaps runnext without CAS")
@Outcome(id = "G0, ok", expect = ACCEPTABLE, desc = "thief took G0")
@Outcome(id = "G1, ok", expect = ACCEPTABLE, desc = "thief took G1")
@Outcome(expect = FORBIDDEN, desc = "a G lost or taken twice")
@State
public class RunnextStealBroken {
    static final BrokenLocalRunQueue.Breakage B = BrokenLocalRunQueue.Breakage.RUNNEXT_WITHOUT_CAS;
    final GlobalRunQueue global = new GlobalRunQueue();
    final BrokenLocalRunQueue victim = new BrokenLocalRunQueue(B);
    final BrokenLocalRunQueue thief = new BrokenLocalRunQueue(B);
    Runnable stolen;

    public RunnextStealBroken() {
        victim.put(G.ALL[0], true, global);
    }

    @Actor
    public void owner() {
        victim.put(G.ALL[1], true, global);
    }

    @Actor
    public void thief() {
        stolen = thief.stealFrom(victim, true);
    }

    @Arbiter
    public void check(LL_Result r) {
        r.r1 = stolen == null ? "-" : stolen.toString();
        G.Tally t = new G.Tally(2);
        t.add(stolen);
        Twins.drain(t, thief);
        Twins.drain(t, victim);
        t.drain(global);
        r.r2 = t.verdict();
    }
}
