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
 * Go: {@code p.destroy} → {@code timers.take} (a GOMAXPROCS shrink moves a dead P's timers to another P; goloom:
 * {@link TimerHeap#moveAllTo} into P0's heap) against {@code timer.stop} ({@link Timer#cancel}) of one of the moving
 * timers. The cancelled timer must not be left in the destination heap (it would fire after its thread woke: a
 * spurious timeout), the cancel must succeed (the timer never fired), and no live timer may be lost.
 * <p>
 * The source heap holds A (10) and B (20), the destination C (15). One thread moves, one cancels A. Result: (the
 * cancel's answer, whether {@code moveAllTo} reported an earlier deadline (A reached the destination before it was
 * removed again), verdict: the destination holds exactly B and C with {@code when0} = 15, A is in no heap, the
 * source is empty and retired).
 */
@JCStressTest
@Description("TimerHeap.moveAllTo (GOMAXPROCS shrink) vs Timer.cancel: no cancelled timer moved, no live timer lost")
@Outcome(id = "A cancelled, earlier, ok", expect = ACCEPTABLE, desc = "A was moved, then cancelled (there, or by the mover's re-check)")
@Outcome(id = "A cancelled, not earlier, ok", expect = ACCEPTABLE, desc = "A was cancelled before it was moved: the mover skipped it")
@Outcome(expect = FORBIDDEN, desc = "a cancelled timer in the destination, a live one lost, a failed cancel, or a heap wrong")
@State
public class TimerMoveCancelTest {
    final TimerHeap from = new TimerHeap();
    final TimerHeap to = new TimerHeap();
    final Timer a = new Timer(10, WakeNetPollerTest.NOTHING);
    final Timer b = new Timer(20, WakeNetPollerTest.NOTHING);
    final Timer c = new Timer(15, WakeNetPollerTest.NOTHING);
    boolean cancelled;
    boolean earlier;

    public TimerMoveCancelTest() {
        from.add(a);
        from.add(b);
        to.add(c);
    }

    @Actor
    public void mover() {
        earlier = from.moveAllTo(to);
    }

    @Actor
    public void canceller() {
        cancelled = a.cancel(false);
    }

    @Arbiter
    public void check(LLL_Result r) {
        r.r1 = cancelled ? "A cancelled" : "A NOT CANCELLED";
        r.r2 = earlier ? "earlier" : "not earlier";
        r.r3 = TimerVerdicts.moved(from, to, new Timer[] {c, b}, a);
    }
}
