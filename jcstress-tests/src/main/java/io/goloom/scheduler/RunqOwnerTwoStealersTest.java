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

/**
 * Go: {@code runqput} / {@code runqget} (owner) against two concurrent {@code runqsteal}s (two spinning Ms).
 * Three actors: jcstress runs it only on machines with 3 or more CPUs; {@link RunqTwoStealersTest} covers the
 * thief-vs-thief race on 2.
 * <p>
 * The ring holds G0..G3. The owner puts G4 and takes one; two thieves each steal half of what they find. Both
 * thieves read the same {@code head} and race their CAS; the loser must re-read and never copy slots it did not
 * claim. Every G ends up in exactly one place.
 * <p>
 * Result: (owner got, thief 1 got, thief 2 got, verdict).
 */
@JCStressTest
@Description("runqput/runqget vs two runqsteals at once (3 actors: needs 3 CPUs): every G taken exactly once")
@Outcome(id = "[0-1], [0-5], [0-5], ok", expect = ACCEPTABLE, desc = "every G taken exactly once")
@Outcome(expect = FORBIDDEN, desc = "a G lost or taken twice")
@State
public class RunqOwnerTwoStealersTest {
    final GlobalRunQueue global = new GlobalRunQueue();
    final LocalRunQueue victim = new LocalRunQueue();
    final LocalRunQueue thief1 = new LocalRunQueue();
    final LocalRunQueue thief2 = new LocalRunQueue();
    Runnable owned;
    Runnable stolen1;
    Runnable stolen2;

    public RunqOwnerTwoStealersTest() {
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
        stolen1 = thief1.stealFrom(victim, false, false);
        r.r2 = thief1.lastStealCount;
    }

    @Actor
    public void thief2(LLLL_Result r) {
        stolen2 = thief2.stealFrom(victim, false, false);
        r.r3 = thief2.lastStealCount;
    }

    @Arbiter
    public void check(LLLL_Result r) {
        G.Tally t = new G.Tally(5);
        t.add(owned);
        t.add(stolen1);
        t.add(stolen2);
        t.drain(thief1);
        t.drain(thief2);
        t.drain(victim);
        t.drain(global);
        r.r4 = t.verdict();
    }
}
