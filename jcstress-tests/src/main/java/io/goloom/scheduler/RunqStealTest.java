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
 * Go: {@code runqput} / {@code runqget} (owner) against {@code runqsteal} / {@code runqgrab} (a thief).
 * <p>
 * The P's ring holds G0 and G1. Its owner puts G2 and takes two; another P's M steals half of whatever it finds.
 * The CAS on {@code head} decides every contested slot: each G must end up taken exactly once (by the owner, in
 * the thief's ring, or still queued), never lost, never twice.
 * <p>
 * Result: (Gs the owner got, Gs the thief got, verdict).
 */
@JCStressTest
@Description("runqput/runqget vs runqsteal: every G taken exactly once")
@Outcome(id = "[0-2], [0-2], ok", expect = ACCEPTABLE, desc = "every G taken exactly once")
@Outcome(expect = FORBIDDEN, desc = "a G lost or taken twice")
@State
public class RunqStealTest {
    final GlobalRunQueue global = new GlobalRunQueue();
    final LocalRunQueue victim = new LocalRunQueue();
    final LocalRunQueue thief = new LocalRunQueue();
    Runnable o1;
    Runnable o2;
    Runnable stolen;

    public RunqStealTest() {
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
        stolen = thief.stealFrom(victim, false, false);
        r.r2 = thief.lastStealCount;
    }

    @Arbiter
    public void check(LLL_Result r) {
        G.Tally t = new G.Tally(3);
        t.add(o1);
        t.add(o2);
        t.add(stolen);
        t.drain(thief);
        t.drain(victim);
        t.drain(global);
        r.r3 = t.verdict();
    }
}
