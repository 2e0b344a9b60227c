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
 * Broken twin of {@link WakepStopmTest}: a copy of {@code Sched.dropP} that re-checks the queues BEFORE it stops
 * counting itself as spinning (the wrong order of decrement and re-check). A submission that lands between the
 * re-check and the decrement sees a spinner, skips {@code wakep}, and the spinner then parks: a lost wake-up.
 */
@JCStressTest
@Description("BROKEN TWIN of WakepStopmTest: dropP re-checks before dropping nmspinning")
@Outcome(id = "M0 ran G, idle, ok", expect = ACCEPTABLE, desc = "M0's last look found G")
@Outcome(id = "M0 keeps looking, idle, ok", expect = ACCEPTABLE, desc = "M0 saw G")
@Outcome(id = "M0 parks, woken, ok", expect = ACCEPTABLE, desc = "wakep gave the P to M1")
@Outcome(id = "M0 parks, idle, .*", expect = FORBIDDEN, desc = "lost wake-up: G queued, every M asleep")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class WakepStopmBroken {
    final Sched sched = new Sched("jcstress", 1, 100, 0, false);
    final Machine m0 = new Machine(sched, 0, null, false);
    final Machine m1 = new Machine(sched, 1, null, false);
    final Processor p;
    String m0Fate;

    public WakepStopmBroken() {
        sched.mput(m1);
        p = sched.pidleget();
        sched.acquirep(m0, p);
        sched.becomeSpinning(m0);
    }

    @Actor
    public void submitter() {
        sched.submit(G.ALL[0]);
    }

    @Actor
    public void lastSpinner() {
        if (!sched.runq.isEmpty() && sched.runq.pollBatch(Sched.GLOBAL_BATCH_MAX, 1, p.runq) != null) {
            m0Fate = "M0 ran G";
            return;
        }
        m0Fate = brokenDropP(m0) != null ? "M0 keeps looking" : "M0 parks";
    }

    /** Sched.dropP for a spinning M, with the re-check moved before the decrement. */
    private Processor brokenDropP(Machine m) {
        Processor pp = m.p; // releasep
        pp.m = null;
        m.p = null;
        sched.pidleput(pp);
        boolean work = !sched.runq.isEmpty(); // BROKEN: re-check while still counted as spinning...
        m.spinning = false;
        sched.nmspinning.decrementAndGet(); // ...and only then stop spinning
        Processor pp2 = work ? sched.pidlegetSpinning() : null;
        if (pp2 != null) {
            sched.acquirep(m, pp2);
            sched.becomeSpinning(m);
            return pp2;
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
