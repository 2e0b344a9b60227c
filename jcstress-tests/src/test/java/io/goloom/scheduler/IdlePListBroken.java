package io.goloom.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;

/**
 * Broken twin of {@link IdlePListTest}: a copy of {@code pidleput}/{@code pidleget} whose pop is "peek the top,
 * then remove it" instead of an atomic {@code pollFirst}: two Ms can be handed the same P.
 */
@JCStressTest
@Description("BROKEN TWIN of IdlePListTest: pidleget as peek-then-remove")
@Outcome(id = "P0, P1, ok", expect = ACCEPTABLE, desc = "distinct Ps")
@Outcome(id = "P1, P0, ok", expect = ACCEPTABLE, desc = "distinct Ps")
@Outcome(expect = FORBIDDEN, desc = "one P held twice, a P lost, or npidle off")
@State
public class IdlePListBroken {
    final ConcurrentLinkedDeque<Processor> pidle = new ConcurrentLinkedDeque<>();
    final AtomicInteger npidle = new AtomicInteger();
    Processor a;
    Processor b;

    public IdlePListBroken() {
        pidleput(new Processor(1));
        pidleput(new Processor(0));
    }

    void pidleput(Processor pp) {
        pp.setStatus(Processor.IDLE);
        npidle.incrementAndGet();
        pidle.offerFirst(pp);
    }

    Processor pidleget() {
        Processor pp = pidle.peekFirst();
        if (pp == null) {
            return null;
        }
        pidle.remove(pp); // BROKEN: another M may have popped pp meanwhile; we take it anyway
        npidle.decrementAndGet();
        pp.setStatus(Processor.RUNNING);
        return pp;
    }

    @Actor
    public void ma() {
        Processor p = pidleget();
        if (p != null) {
            pidleput(p);
        }
        a = pidleget();
    }

    @Actor
    public void mb() {
        b = pidleget();
    }

    @Arbiter
    public void check(LLL_Result r) {
        r.r1 = String.valueOf(a);
        r.r2 = String.valueOf(b);
        String v = "ok";
        if (a == null || b == null || a == b) {
            v = "BAD HAND-OUT";
        } else if (npidle.get() != 0 || !pidle.isEmpty()) {
            v = "npidle=" + npidle.get();
        }
        r.r3 = v;
    }
}
