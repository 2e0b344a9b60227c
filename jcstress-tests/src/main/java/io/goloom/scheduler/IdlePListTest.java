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
 * Go: {@code pidleput} / {@code pidleget} ({@code sched.pidle}, {@code sched.npidle}), lock-free in goloom.
 * <p>
 * Two idle Ps. M-a takes one, gives it back (its findRunnable found nothing) and takes one again; M-b takes one
 * meanwhile. At the end each M holds a different P, the idle list is empty and {@code npidle} agrees.
 * <p>
 * Result: (P held by M-a, P held by M-b, verdict).
 */
@JCStressTest
@Description("pidleput/pidleget: a P is never handed to two Ms, npidle stays exact")
@Outcome(id = "P0, P1, ok", expect = ACCEPTABLE, desc = "distinct Ps")
@Outcome(id = "P1, P0, ok", expect = ACCEPTABLE, desc = "distinct Ps")
@Outcome(expect = FORBIDDEN, desc = "one P held twice, a P lost, or npidle off")
@State
public class IdlePListTest {
    final Sched sched = new Sched("jcstress", 2, 100, 0, false);
    Processor a;
    Processor b;

    @Actor
    public void ma() {
        Processor p = sched.pidleget();
        if (p != null) {
            sched.pidleput(p);
        }
        a = sched.pidleget();
    }

    @Actor
    public void mb() {
        b = sched.pidleget();
    }

    @Arbiter
    public void check(LLL_Result r) {
        r.r1 = String.valueOf(a);
        r.r2 = String.valueOf(b);
        String v = "ok";
        if (a == null || b == null || a == b) {
            v = "BAD HAND-OUT";
        } else if (sched.npidle.get() != 0 || sched.pidleget() != null) {
            v = "npidle=" + sched.npidle.get();
        }
        r.r3 = v;
    }
}
