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
 * Broken twin of {@link RetakeTest}: the M coming back checks for RETAKEN and then writes SCHED (check-then-set)
 * instead of CASing IN_G to SCHED. Sysmon's CAS can land in between: both M0 and M1 then own P0. (Sysmon's side
 * is a copy of {@code retake}'s take-and-hand-off step that reads {@code m.p} before its CAS.)
 */
@JCStressTest
@Description("BROKEN TWIN of RetakeTest: the M's IN_G -> SCHED transition without CAS")
@Outcome(id = "M0 kept P, no, ok", expect = ACCEPTABLE, desc = "M0 first")
@Outcome(id = "M0 lost P, M1, ok", expect = ACCEPTABLE, desc = "sysmon first")
@Outcome(expect = FORBIDDEN, desc = "P0 owned by both or by neither")
@State
public class RetakeBroken {
    final Sched sched = new Sched("jcstress", 1, 100, 0, false);
    final Machine m0 = new Machine(sched, 0, null, false);
    final Machine m1 = new Machine(sched, 1, null, false);
    final Processor p;
    String m0Fate;

    public RetakeBroken() {
        sched.mput(m1);
        p = sched.pidleget();
        sched.acquirep(m0, p);
        m0.setCtl(1L << 2 | Machine.IN_G);
        sched.runq.put(G.ALL[0]);
    }

    @Actor
    public void sysmon() {
        Machine m = p.m;
        long c = m.ctl();
        if (Machine.state(c) != Machine.IN_G) {
            return;
        }
        Processor taken = m.p;
        if (m.casCtl(c, Machine.withState(c, Machine.RETAKEN))) {
            taken.m = null;
            sched.handoffp(taken);
        }
    }

    @Actor
    public void m0ComesBack() {
        long now = m0.ctl();
        if (Machine.state(now) == Machine.RETAKEN) {
            m0.p = null;
            m0.setCtl(Machine.withState(now, Machine.SCHED));
            m0Fate = "M0 lost P";
        } else {
            m0.setCtl(Machine.withState(now, Machine.SCHED)); // BROKEN: overwrites a RETAKEN that just landed
            m0Fate = "M0 kept P";
        }
    }

    @Arbiter
    public void check(LLL_Result r) {
        r.r1 = m0Fate;
        r.r2 = m1.nextp == p ? "M1" : "no";
        boolean m0Owns = m0.p == p && Machine.state(m0.ctl()) == Machine.SCHED;
        boolean m1Owns = m1.nextp == p;
        r.r3 = m0Owns == m1Owns ? (m0Owns ? "TWO OWNERS" : "NO OWNER") : "ok";
    }
}
