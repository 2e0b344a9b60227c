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
 * Go: {@code wakep} finding no idle P ({@code pidlegetSpinning} sets {@code sched.needspinning}) against a
 * non-spinning M giving up its P at the end of {@code findRunnable} ({@code releasep}, {@code pidleput}, then
 * "needspinning: become the spinner instead of parking", Go 1.21+). Go decides both under {@code sched.lock};
 * goloom uses a store-then-load pair: wakep sets the flag then looks for an idle P again, the M pushes its P then
 * reads the flag.
 * <p>
 * One P, held by M0 (not spinning, nobody spins). M1 idles. A platform thread submits G; M0, having found nothing,
 * takes a last look at the global queue and calls {@code dropP}. Someone must end up looking for G with the P.
 * <p>
 * Result: (M0's fate, M1 woken, verdict).
 */
@JCStressTest
@Description("wakep with no idle P (needspinning) vs a non-spinning M's dropP: never stranded")
@Outcome(id = "M0 ran G, idle, ok", expect = ACCEPTABLE, desc = "M0's last look found G")
@Outcome(id = "M0 keeps looking, idle, ok", expect = ACCEPTABLE, desc = "M0 saw needspinning after pushing its P: it spins instead")
@Outcome(id = "M0 parks, woken, ok", expect = ACCEPTABLE, desc = "wakep's second look found M0's P and gave it to M1")
@Outcome(id = "M0 parks, idle, .*", expect = FORBIDDEN, desc = "lost wake-up: G queued, P idle, every M asleep")
@Outcome(expect = FORBIDDEN, desc = "anything else (two owners of one P, spinning count off)")
@State
public class NeedSpinningTest {
    final Sched sched = new Sched("jcstress", 1, 100, 0, false);
    final Machine m0 = new Machine(sched, 0, null, false);
    final Machine m1 = new Machine(sched, 1, null, false);
    final Processor p;
    String m0Fate;

    public NeedSpinningTest() {
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
        // findRunnable: "Give up the P. Last look at the global queue first", then dropP.
        m0Fate = Protocols.giveUpP(sched, m0, p);
    }

    @Arbiter
    public void check(LLL_Result r) {
        r.r1 = m0Fate;
        r.r2 = m1.nextp != null ? "woken" : "idle";
        r.r3 = Verdicts.spinningAndOwnership(sched, m0, m1);
    }
}
