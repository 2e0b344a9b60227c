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
 * Go: {@code wakep} (after a submission) against the last spinning M going to sleep: the end of
 * {@code findRunnable} ("the delicate dance": drop {@code nmspinning}, then re-check every queue) and
 * {@code stopm}. The classic lost wake-up.
 * <p>
 * One P, held by M0, which is the only spinning M ({@code nmspinning = 1}) and has found nothing. M1 sits on the
 * idle-M list. A platform thread submits G ({@code Sched.submit}: global queue, then {@code wakep}, which does
 * nothing while it sees a spinner). M0 takes a last look at the global queue and calls {@code Sched.dropP}, which
 * returns a P if M0 must keep looking, or null to park. Either M0 keeps looking, or {@code wakep} handed the P to
 * M1 ({@code startm}: {@code m1.nextp}), or M0 saw G in its last look. Never neither: G would be stranded.
 * <p>
 * Result: (M0's fate, M1 woken, verdict). Real {@link Sched} and {@link Machine} objects; no thread is started.
 */
@JCStressTest
@Description("wakep vs the last spinner's dropP/stopm: the submission is never stranded")
@Outcome(id = "M0 ran G, idle, ok", expect = ACCEPTABLE, desc = "M0's last look found G")
@Outcome(id = "M0 keeps looking, idle, ok", expect = ACCEPTABLE, desc = "M0 saw G after dropping nmspinning: keeps its P and spins on")
@Outcome(id = "M0 parks, woken, ok", expect = ACCEPTABLE, desc = "the submitter saw nmspinning = 0; wakep gave the P to M1")
@Outcome(id = "M0 parks, idle, .*", expect = FORBIDDEN, desc = "lost wake-up: G queued, every M asleep")
@Outcome(expect = FORBIDDEN, desc = "anything else (two owners of one P, spinning count off)")
@State
public class WakepStopmTest {
    final Sched sched = new Sched("jcstress", 1, 100, 0, false);
    final Machine m0 = new Machine(sched, 0, null, false);
    final Machine m1 = new Machine(sched, 1, null, false);
    final Processor p;
    String m0Fate;

    public WakepStopmTest() {
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
