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
 * Broken twin of {@link PreemptVsParkTest}: the request is a per-P flag that does not name its slice (set by
 * sysmon, cleared only by the G that honours it). When it lands after G1's point, G1 parks without seeing it and
 * G2 is asked to yield for G1's slice.
 */
@JCStressTest
@Description("BROKEN TWIN of PreemptVsParkTest: a preemption request that does not name its slice")
@Outcome(id = "G1 asked, G2 runs on, request", expect = ACCEPTABLE, desc = "sysmon first: G1 sees it")
@Outcome(id = "G1 runs on, G2 runs on, none", expect = ACCEPTABLE, desc = "sysmon after the new slice began")
@Outcome(expect = FORBIDDEN, desc = "G2 asked by a request for G1's slice")
@State
public class PreemptVsParkBroken {
    final Sched sched = new Sched("jcstress", 1, 100, 0, false);
    final Machine m0 = new Machine(sched, 0, null, false);
    final Processor p;
    final int slice;
    volatile boolean requested; // BROKEN: a flag, not the slice it is for
    String g1;
    String g2;

    public PreemptVsParkBroken() {
        p = sched.pidleget();
        sched.acquirep(m0, p);
        slice = ++p.schedtick;
        m0.setCtl(1L << 2 | Machine.IN_G);
    }

    @Actor
    public void sysmon() {
        // retake's slice rule, with the slice read once: still the one sysmon saw at t = 0
        if (p.schedtick == slice) {
            requested = true;
        }
    }

    @Actor
    public void m0() {
        g1 = asked() ? "G1 asked" : "G1 runs on";
        Protocols.unmount(sched, m0);
        Preempts.mount(m0);
        g2 = asked() ? "G2 ASKED" : "G2 runs on";
    }

    private boolean asked() {
        if (requested) {
            requested = false;
            return true;
        }
        return false;
    }

    @Arbiter
    public void check(LLL_Result r) {
        r.r1 = g1;
        r.r2 = g2;
        r.r3 = g1.equals("G1 asked") ? "request" : "none";
    }
}
