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
 * Broken twin of {@link RetakeSyscallTest}: {@code exitsyscall}'s fast path checks "still IN_SYSCALL" and then
 * writes IN_G (check-then-set) instead of its CAS. Sysmon's CAS to RETAKEN can land in between and be overwritten:
 * M0 keeps running on P0 while sysmon has handed P0 to M1.
 */
@JCStressTest
@Description("BROKEN TWIN of RetakeSyscallTest: exitsyscall's fast path without CAS")
@Outcome(id = "KEPT, P0=M0 P1=idle, ok", expect = ACCEPTABLE, desc = "exitsyscall first")
@Outcome(id = "OTHER_P, P0=M1 P1=M0, ok", expect = ACCEPTABLE, desc = "retake first")
@Outcome(id = "YIELD, .*, ok", expect = ACCEPTABLE, desc = "retake first, no idle P")
@Outcome(expect = FORBIDDEN, desc = "a P owned twice or lost, or M0 running on without a P")
@State
public class RetakeSyscallBroken {
    final Sched sched = new Sched("jcstress", 2, 100, 0, false);
    final Machine m0 = new Machine(sched, 0, null, false);
    final Machine m1 = new Machine(sched, 1, null, false);
    final Processor p0;
    final Processor p1;
    String exit;

    public RetakeSyscallBroken() {
        sched.mput(m1);
        p0 = sched.pidleget();
        p1 = sched.procs.all()[1];
        sched.acquirep(m0, p0);
        long inSyscall = 1L << 2 | Machine.IN_SYSCALL;
        m0.setCtl(inSyscall);
        sched.sysmon.tick(p0).ctl = inSyscall;
        sched.sysmon.tick(p0).m = m0;
        sched.sysmon.tick(p0).ctlwhen = 0;
        sched.sysmon.tick(p0).schedtick = p0.schedtick;
        sched.sysmon.tick(p0).schedwhen = 0;
        p0.preemptTick = p0.schedtick;
        sched.runq.put(G.ALL[0]);
    }

    @Actor
    public void sysmon() {
        sched.sysmon.retake(2 * Sched.TIME_SLICE_NANOS);
    }

    @Actor
    public void m0LeavesSyscall() {
        long c = m0.ctl();
        if (Machine.state(c) == Machine.IN_SYSCALL) {
            m0.setCtl(Machine.withState(c, Machine.IN_G)); // BROKEN: may overwrite sysmon's RETAKEN
            exit = "KEPT";
            return;
        }
        Processor pp = sched.pidleget();
        if (pp != null) {
            sched.acquirep(m0, pp);
            m0.setCtl(Machine.withState(c, Machine.IN_G));
            exit = "OTHER_P";
        } else {
            exit = "YIELD";
        }
    }

    @Arbiter
    public void check(LLL_Result r) {
        r.r1 = exit;
        r.r2 = "P0=" + holder(p0) + " P1=" + holder(p1);
        r.r3 = holder(p0).equals("M0+M1") || holder(p1).equals("M0+M1") ? "A P OWNED TWICE" : "ok";
    }

    private String holder(Processor p) {
        boolean byM0 = m0.p == p && Machine.state(m0.ctl()) != Machine.RETAKEN;
        boolean byM1 = m1.nextp == p;
        if (byM0 && byM1) {
            return "M0+M1";
        }
        return byM0 ? "M0" : byM1 ? "M1" : p.status() == Processor.IDLE ? "idle" : "none";
    }
}
