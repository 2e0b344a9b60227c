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
 * Go: sysmon's {@code retake} + {@code handoffp} against the M coming back ({@code exitsyscall}'s fast path; in
 * goloom the end of {@code executeG}, when the mounted virtual thread yields its carrier).
 * <p>
 * M0 holds P0 and has been running one G for 20 ms ({@code ctl} = IN_G) while a G waits in the global queue; M1
 * idles. Sysmon runs the real {@code Sched.retake}: CAS IN_G to RETAKEN on M0's control word, then
 * {@code handoffp} gives P0 to M1 ({@code startm}: {@code m1.nextp}). Meanwhile the G unmounts and M0 runs the
 * tail of {@code executeG}: CAS IN_G to SCHED (keeps P0) or, seeing RETAKEN, drops P0. Exactly one M owns P0.
 * <p>
 * Result: (M0 after the G, P0 handed to M1, verdict).
 */
@JCStressTest
@Description("retake/handoffp vs the M coming back: the P ends up owned by exactly one M")
@Outcome(id = "M0 kept P, no, ok", expect = ACCEPTABLE, desc = "M0's CAS first: sysmon sees SCHED and leaves it alone")
@Outcome(id = "M0 lost P, M1, ok", expect = ACCEPTABLE, desc = "sysmon's CAS first: P0 handed to M1, M0 goes without")
@Outcome(expect = FORBIDDEN, desc = "P0 owned by both or by neither")
@State
public class RetakeTest {
    final Sched sched = new Sched("jcstress", 1, 100, 0, false);
    final Machine m0 = new Machine(sched, 0, null, false);
    final Machine m1 = new Machine(sched, 1, null, false);
    final Processor p;
    String m0Fate;

    public RetakeTest() {
        sched.mput(m1);
        p = sched.pidleget();
        sched.acquirep(m0, p);
        long running = 1L << 2 | Machine.IN_G; // first mount
        m0.setCtl(running);
        // sysmon saw this mount at t = 0 and the slice has not moved since: at t = 20 ms it is a hog.
        sched.sysmon.tick(p).ctl = running;
        sched.sysmon.tick(p).m = m0;
        sched.sysmon.tick(p).ctlwhen = 0;
        sched.sysmon.tick(p).schedtick = p.schedtick;
        sched.sysmon.tick(p).schedwhen = 0;
        p.preemptTick = p.schedtick;
        sched.sysmon.tick(p).reportedLong = true;
        sched.runq.put(G.ALL[0]); // work waits: the hog rule applies
    }

    @Actor
    public void sysmon() {
        sched.sysmon.retake(2 * Sched.TIME_SLICE_NANOS);
    }

    @Actor
    public void m0ComesBack() {
        m0Fate = Protocols.unmount(sched, m0) ? "M0 kept P" : "M0 lost P";
    }

    @Arbiter
    public void check(LLL_Result r) {
        r.r1 = m0Fate;
        r.r2 = m1.nextp == p ? "M1" : "no";
        boolean m0Owns = m0.p == p && Machine.state(m0.ctl()) == Machine.SCHED;
        boolean m1Owns = m1.nextp == p;
        String v = m0Owns == m1Owns ? (m0Owns ? "TWO OWNERS" : "NO OWNER") : "ok";
        if (m0Owns != (m0Fate.equals("M0 kept P"))) {
            v = "M0 WRONG ABOUT ITS P";
        }
        if (m1Owns && p.m != null) {
            v = "P0 STILL POINTS AT M0";
        }
        r.r3 = v;
    }
}
