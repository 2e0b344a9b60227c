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
 * Go: two concurrent {@code runqsteal}s ({@code runqgrab}) from one victim: two spinning Ms picked the same P.
 * <p>
 * The victim's ring holds G0..G4; two thieves read the same {@code head}, copy the same slots into their own
 * rings and race their CAS. The loser must retry from the new head and never publish slots it did not claim.
 * The owner's side of the race is {@link RunqStealTest}; all three at once is {@link RunqOwnerTwoStealersTest}.
 * <p>
 * Result: (thief 1 got, thief 2 got, verdict).
 */
@JCStressTest
@Description("runqsteal vs runqsteal: every G taken exactly once")
@Outcome(id = "3, 1, ok", expect = ACCEPTABLE, desc = "thief 1 first: half of 5 rounded up, thief 2 half of the rest")
@Outcome(id = "1, 3, ok", expect = ACCEPTABLE, desc = "thief 2 first")
@Outcome(expect = FORBIDDEN, desc = "a G lost or taken twice")
@State
public class RunqTwoStealersTest {
    final GlobalRunQueue global = new GlobalRunQueue();
    final LocalRunQueue victim = new LocalRunQueue();
    final LocalRunQueue thief1 = new LocalRunQueue();
    final LocalRunQueue thief2 = new LocalRunQueue();
    Runnable stolen1;
    Runnable stolen2;

    public RunqTwoStealersTest() {
        for (int i = 0; i < 5; i++) {
            victim.put(G.ALL[i], false, global);
        }
    }

    @Actor
    public void thief1(LLL_Result r) {
        stolen1 = thief1.stealFrom(victim, false, false);
        r.r1 = thief1.lastStealCount;
    }

    @Actor
    public void thief2(LLL_Result r) {
        stolen2 = thief2.stealFrom(victim, false, false);
        r.r2 = thief2.lastStealCount;
    }

    @Arbiter
    public void check(LLL_Result r) {
        G.Tally t = new G.Tally(5);
        t.add(stolen1);
        t.add(stolen2);
        t.drain(thief1);
        t.drain(thief2);
        t.drain(victim);
        t.drain(global);
        r.r3 = t.verdict();
    }
}
