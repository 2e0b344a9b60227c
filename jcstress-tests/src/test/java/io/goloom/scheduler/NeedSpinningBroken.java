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
 * Broken twin of {@link NeedSpinningTest}: a copy of {@code Sched.dropP} (the non-spinning M's part) that reads
 * {@code needspinning} BEFORE it pushes its P on the idle list (the wrong order of push and re-check). A
 * {@code wakep} that finds no idle P, raises the flag, looks again and re-checks the idle list can run entirely
 * between the M's read and its push: both then give up, and G is stranded.
 */
@JCStressTest
@Description("BROKEN TWIN of NeedSpinningTest: dropP reads needspinning before pushing its P")
@Outcome(id = "M0 ran G, idle, ok", expect = ACCEPTABLE, desc = "M0's last look found G")
@Outcome(id = "M0 keeps looking, idle, ok", expect = ACCEPTABLE, desc = "M0 saw needspinning")
@Outcome(id = "M0 parks, woken, ok", expect = ACCEPTABLE, desc = "wakep found M0's P")
@Outcome(id = "M0 parks, idle, .*", expect = FORBIDDEN, desc = "lost wake-up")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class NeedSpinningBroken {
    final Sched sched = new Sched("jcstress", 1, 100, 0, false);
    final Machine m0 = new Machine(sched, 0, null, false);
    final Machine m1 = new Machine(sched, 1, null, false);
    final Processor p;
    String m0Fate;

    public NeedSpinningBroken() {
        sched.mput(m1);
        p = sched.pidleget();
        sched.acquirep(m0, p);
    }

    @Actor
    public void submitter() {
        sched.submit(G.ALL[0]);
    }

    @Actor
    public void idleM() {
        if (!sched.runq.isEmpty() && sched.runq.pollBatch(Sched.GLOBAL_BATCH_MAX, 1, p.runq) != null) {
            m0Fate = "M0 ran G";
            return;
        }
        m0Fate = brokenDropP(m0) != null ? "M0 keeps looking" : "M0 parks";
    }

    /** Sched.dropP for a non-spinning M, with the flag read moved before the push. */
    private Processor brokenDropP(Machine m) {
        boolean flagged = sched.needspinning.get() == 1; // BROKEN: read before the P is visible on the idle list
        Processor pp = m.p; // releasep
        pp.m = null;
        m.p = null;
        sched.pidleput(pp);
        if (flagged) {
            Processor pp2 = sched.pidleget();
            if (pp2 != null) {
                sched.acquirep(m, pp2);
                sched.becomeSpinning(m);
                return pp2;
            }
        }
        return null;
    }

    @Arbiter
    public void check(LLL_Result r) {
        r.r1 = m0Fate;
        r.r2 = m1.nextp != null ? "woken" : "idle";
        r.r3 = Verdicts.spinningAndOwnership(sched, m0, m1);
    }
}
