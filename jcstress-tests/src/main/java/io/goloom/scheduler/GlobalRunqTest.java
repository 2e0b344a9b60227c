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
 * Go: {@code globrunqput} / {@code globrunqputbatch} (a spill) against two concurrent
 * {@code globrunqgetbatch} + {@code runqputbatch} (two Ms refilling their empty rings from the global queue).
 * <p>
 * The global queue holds G0, G1. M1 spills G2, G3 as a batch, puts G4, then grabs a batch into its empty ring;
 * M2 grabs a batch meanwhile (gomaxprocs = 1, so a grab takes everything it sees). So a put races a grab, and a
 * grab races a grab. Every G is taken exactly once, each batch keeps the queue's FIFO order, and what is left is
 * in order too. (Two actors, so that it runs on 2 CPUs.)
 * <p>
 * Result: (M1 got, M2 got, left in the global queue, verdict).
 */
@JCStressTest
@Description("globrunqput/putbatch vs globrunqgetbatch, and two getbatches: exactly once, FIFO")
@Outcome(id = "[0-5], [0-5], [0-5], ok", expect = ACCEPTABLE, desc = "every G exactly once, batches in FIFO order")
@Outcome(expect = FORBIDDEN, desc = "a G lost, taken twice, or a batch out of order")
@State
public class GlobalRunqTest {
    final GlobalRunQueue global = new GlobalRunQueue();
    final LocalRunQueue ring1 = new LocalRunQueue();
    final LocalRunQueue ring2 = new LocalRunQueue();
    Runnable first1;
    Runnable first2;

    public GlobalRunqTest() {
        global.put(G.ALL[0]);
        global.put(G.ALL[1]);
    }

    @Actor
    public void spillThenGrab() {
        global.putBatch(new Runnable[] {G.ALL[2], G.ALL[3]}, 2);
        global.put(G.ALL[4]);
        first1 = global.pollBatch(Sched.GLOBAL_BATCH_MAX, 1, ring1);
    }

    @Actor
    public void grab2() {
        first2 = global.pollBatch(Sched.GLOBAL_BATCH_MAX, 1, ring2);
    }

    @Arbiter
    public void check(LLLL_Result r) {
        G.Tally t = new G.Tally(5);
        boolean ordered = true;
        int[] got = new int[3];
        Runnable[] firsts = {first1, first2};
        LocalRunQueue[] rings = {ring1, ring2};
        for (int k = 0; k < 2; k++) {
            int prev = -1;
            if (firsts[k] != null) {
                t.add(firsts[k]);
                prev = ((G) firsts[k]).id;
                got[k]++;
            }
            Runnable g;
            while ((g = rings[k].poll()) != null) {
                t.add(g);
                ordered &= ((G) g).id > prev;
                prev = ((G) g).id;
                got[k]++;
            }
        }
        int prev = -1;
        Runnable g;
        while ((g = global.poll()) != null) {
            t.add(g);
            ordered &= ((G) g).id > prev;
            prev = ((G) g).id;
            got[2]++;
        }
        r.r1 = got[0];
        r.r2 = got[1];
        r.r3 = got[2];
        String v = t.verdict();
        r.r4 = v.equals(G.OK) && !ordered ? G.REORDERED : v;
    }
}
