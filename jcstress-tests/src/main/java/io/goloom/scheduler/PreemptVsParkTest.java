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
 * Go: sysmon's {@code preemptone} (a request for the running G's slice) against that G parking by itself and the
 * M running the next G ({@code schedule} -> {@code execute}: a new slice). Go's request is per G
 * ({@code gp.preempt}); goloom's names the slice ({@code p.preemptTick == p.schedtick}), read at each
 * preemption point ({@link Sched#preemptAsked}).
 * <p>
 * G1 has run its slice for 15 ms (inside the grace, so no hand-off) while a G waits. Sysmon runs the real
 * {@code Sched.retake}. Meanwhile G1 reaches a preemption point, then parks; M0 mounts G2 (a new slice, a new mount
 * sequence) and G2 reaches a preemption point. G1 may or may not see the request; G2 must never: a request that
 * outlives its slice would preempt an innocent G (and, repeated, starve it).
 * <p>
 * Result: (G1 at its point, G2 at its point, sysmon's request).
 */
@JCStressTest
@Description("preemption request vs the G's own park: a request never applies to the next G")
@Outcome(id = "G1 asked, G2 runs on, request", expect = ACCEPTABLE, desc = "sysmon first: G1 sees it")
@Outcome(id = "G1 runs on, G2 runs on, request", expect = ACCEPTABLE, desc = "the request lands after G1's point")
@Outcome(id = "G1 runs on, G2 runs on, none", expect = ACCEPTABLE, desc = "sysmon after the new slice began")
@Outcome(expect = FORBIDDEN, desc = "G2 asked by a request for G1's slice, or the P handed off in the grace")
@State
public class PreemptVsParkTest {
    final Sched sched = new Sched("jcstress", 1, 100, 0, false);
    final Machine m0 = new Machine(sched, 0, null, false);
    final Machine m1 = new Machine(sched, 1, null, false);
    final Processor p;
    final int slice;
    String g1;
    String g2;

    public PreemptVsParkTest() {
        sched.preempt = true;
        sched.mput(m1);
        p = sched.pidleget();
        sched.acquirep(m0, p);
        slice = ++p.schedtick;
        long running = 1L << 2 | Machine.IN_G; // G1's mount
        m0.setCtl(running);
        // sysmon saw this mount and this slice at t = 0
        sched.sysmon.tick(p).ctl = running;
        sched.sysmon.tick(p).m = m0;
        sched.sysmon.tick(p).ctlwhen = 0;
        sched.sysmon.tick(p).schedtick = slice;
        sched.sysmon.tick(p).schedwhen = 0;
        sched.sysmon.tick(p).reportedLong = true;
        sched.runq.put(G.ALL[0]); // work waits
    }

    @Actor
    public void sysmon() {
        sched.sysmon.retake(Sched.TIME_SLICE_NANOS + Sched.PREEMPT_GRACE_NANOS / 2);
    }

    @Actor
    public void m0() {
        g1 = sched.preemptAsked(m0, m0.ctl()) ? "G1 asked" : "G1 runs on";
        // G1 parks: the end of executeG
        if (!Protocols.unmount(sched, m0)) {
            g2 = "M0 LOST ITS P";
            return;
        }
        // the start of executeG for G2 (not from runnext): a new slice, a new mount
        Preempts.mount(m0);
        g2 = sched.preemptAsked(m0, m0.ctl()) ? "G2 ASKED" : "G2 runs on";
    }

    @Arbiter
    public void check(LLL_Result r) {
        r.r1 = g1;
        r.r2 = m1.nextp != null ? "HANDED OFF IN THE GRACE" : g2;
        r.r3 = p.preemptTick == slice ? "request" : "none";
    }
}
