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

/** Broken twin of {@link RunqWrapTest}: the owner's {@code runqget} claims its slot without a CAS. */
@JCStressTest
@Description("BROKEN TWIN of RunqWrapTest: runqget claims head with read-then-write instead of CAS")
@Outcome(id = "[0-1], [0-4], ok", expect = ACCEPTABLE, desc = "every G taken exactly once, in FIFO order")
@Outcome(expect = FORBIDDEN, desc = "a G lost, taken twice, or out of order")
@State
public class RunqWrapBroken {
    static final BrokenLocalRunQueue.Breakage B = BrokenLocalRunQueue.Breakage.GET_WITHOUT_CAS;
    final GlobalRunQueue global = new GlobalRunQueue();
    final BrokenLocalRunQueue victim = new BrokenLocalRunQueue(B);
    final BrokenLocalRunQueue thief = new BrokenLocalRunQueue(B);
    Runnable owned;
    Runnable stolen;

    public RunqWrapBroken() {
        victim.startAt(Integer.MAX_VALUE - 1);
        thief.startAt(Integer.MAX_VALUE - 200);
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
        stolen = thief.stealFrom(victim, false);
        r.r2 = thief.lastStealCount;
    }

    @Arbiter
    public void check(LLL_Result r) {
        G.Tally t = new G.Tally(4);
        t.add(owned);
        t.add(stolen);
        Twins.drain(t, thief);
        Twins.drain(t, victim);
        t.drain(global);
        r.r3 = t.verdict();
    }
}
