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
 * Broken twin of {@link TimerMoveCancelTest}: a copy of {@link TimerHeap#moveAllTo} without the re-check after the
 * add. A cancel that runs between the mover's first check and its add finds the timer in no heap, reports success,
 * and the mover then puts the cancelled timer into the destination, where it would fire. (The mover spins briefly
 * between its check and its add, harmless on its own, so that the window is reachable in a short run.)
 */
@JCStressTest
@Description("BROKEN TWIN of TimerMoveCancelTest: moveAllTo does not re-check the state after the add")
@Outcome(id = "A cancelled, earlier, ok", expect = ACCEPTABLE, desc = "moved, then cancelled")
@Outcome(id = "A cancelled, not earlier, ok", expect = ACCEPTABLE, desc = "cancelled before the move")
@Outcome(expect = FORBIDDEN, desc = "a cancelled timer in the destination, or anything else")
@State
public class TimerMoveCancelBroken {
    final TimerHeap from = new TimerHeap();
    final TimerHeap to = new TimerHeap();
    final Timer a = new Timer(10, WakeNetPollerTest.NOTHING);
    final Timer b = new Timer(20, WakeNetPollerTest.NOTHING);
    final Timer c = new Timer(15, WakeNetPollerTest.NOTHING);
    boolean cancelled;
    boolean earlier;

    public TimerMoveCancelBroken() {
        from.add(a);
        from.add(b);
        to.add(c);
    }

    @Actor
    public void mover() {
        boolean e = false;
        for (Timer t : from.takeAll()) {
            if (t.isDone()) {
                continue;
            }
            for (int i = 0; i < 32; i++) {
                Thread.onSpinWait();
            }
            e |= to.add(t) == 1;
            // BROKEN: no "if (t.isDone()) to.removeIfHolds(t);"
        }
        earlier = e;
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
