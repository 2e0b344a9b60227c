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
 * Go: sysmon's {@code retake} of a P in a syscall ({@code _Psyscall}) + {@code handoffp}, against
 * {@code exitsyscall}: its fast path (CAS back, keep the P) or its slow path (the P is gone: take an idle P,
 * {@code exitsyscallfast_pidle}, or give up the G, {@code exitsyscall0}).
 * <p>
 * Two Ps. M0 holds P0 and its G has been inside a blocking call ({@code entersyscall}) for 20 ms; P1 is idle; M1
 * idles; a G waits in the global queue. Sysmon runs the real {@code Sched.retake}; M0 leaves the syscall. At the
 * end every P has at most one M, M0 has exactly one P unless it yielded its G, and it never runs on without one.
 * <p>
 * Result: (M0's exit, who holds P0 / P1, verdict).
 */
@JCStressTest
@Description("retake (syscall) vs exitsyscall: each P owned by at most one M; M0 never runs on without a P")
@Outcome(id = "KEPT, P0=M0 P1=idle, ok", expect = ACCEPTABLE, desc = "exitsyscall's CAS first: M0 keeps P0")
@Outcome(id = "OTHER_P, P0=M1 P1=M0, ok", expect = ACCEPTABLE, desc = "retake first: P0 handed to M1; M0 takes idle P1")
@Outcome(id = "YIELD, .*, ok", expect = ACCEPTABLE, desc = "retake first and no idle P: M0's G yields to the global queue")
@Outcome(expect = FORBIDDEN, desc = "a P owned twice or lost, or M0 running on without a P")
@State
public class RetakeSyscallTest {
    final Sched sched = new Sched("jcstress", 2, 100, 0, false);
    final Machine m0 = new Machine(sched, 0, null, false);
    final Machine m1 = new Machine(sched, 1, null, false);
    final Processor p0;
    final Processor p1;
    Protocols.Exit exit;

    public RetakeSyscallTest() {
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
        exit = Protocols.exitsyscall(sched, m0);
    }

    @Arbiter
    public void check(LLL_Result r) {
        r.r1 = exit;
        r.r2 = "P0=" + holder(p0) + " P1=" + holder(p1);
        String v = "ok";
        int m0Ps = (m0.p != null && Machine.state(m0.ctl()) != Machine.RETAKEN ? 1 : 0);
        if (twice(p0) || twice(p1)) {
            v = "A P OWNED TWICE";
        } else if (holder(p0).equals("none") || holder(p1).equals("none")) {
            v = "A P LOST";
        } else if (sched.npidle.get() != (holder(p0).equals("idle") ? 1 : 0) + (holder(p1).equals("idle") ? 1 : 0)) {
            v = "NPIDLE OFF";
        } else if (exit == Protocols.Exit.RETURNED_WITHOUT_P) {
            v = "M0 RUNS ON WITHOUT A P";
        } else if (exit != Protocols.Exit.YIELD && m0Ps != 1) {
            v = "M0 HAS NO P";
        }
        r.r3 = v;
    }

    /** M0 (attached, not retaken), M1 (handed over via nextp), idle (on the list), or none. */
    private String holder(Processor p) {
        boolean byM0 = m0.p == p && Machine.state(m0.ctl()) != Machine.RETAKEN;
        boolean byM1 = m1.nextp == p;
        if (byM0 && byM1) {
            return "M0+M1";
        }
        return byM0 ? "M0" : byM1 ? "M1" : p.status() == Processor.IDLE ? "idle" : "none";
    }

    private boolean twice(Processor p) {
        return holder(p).equals("M0+M1");
    }
}
