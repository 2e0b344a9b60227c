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
 * Go: {@code addtimer}/{@code timers.addHeap} by the P's owner, {@code timers.run} of the due timers by another M
 * (the last steal pass of {@code stealWork}, {@code checkTimers} on a victim P), and {@code timer.stop} from a woken
 * thread's carrier, all on one {@link TimerHeap}. Every timer fires exactly once or is cancelled exactly once, never
 * both, never neither; a timer not yet due stays in the heap with {@code when0} right.
 * <p>
 * The heap holds A (due) and C (not due). The owner adds B (due), then cancels A (the thread A would wake was
 * unparked first). The thief runs every due timer ({@code pollDue} until null), then cancels C (its thread woke
 * early; the cancel's heap surgery races the owner's add). Result: (A's fate: "fired" (claimed by {@code pollDue})
 * or "cancelled" ({@code cancel} returned true), never both or neither; B: "fired" or "waiting" (still in the heap
 * for the next run); verdict: C cancelled and never fired, the heap holds exactly the waiting timers with
 * {@code when0} right, and every done timer is in no heap).
 */
@JCStressTest
@Description("TimerHeap add vs pollDue (steal/fire) vs Timer.cancel: each timer fired xor cancelled, never lost")
@Outcome(id = "A fired, B fired, ok", expect = ACCEPTABLE, desc = "the thief ran A, and B (added before its drain); the cancel of A came too late")
@Outcome(id = "A fired, B waiting, ok", expect = ACCEPTABLE, desc = "the thief ran A and drained before B was added: B waits for the next run")
@Outcome(id = "A cancelled, B fired, ok", expect = ACCEPTABLE, desc = "the owner cancelled A before the thief reached it; the thief ran B")
@Outcome(expect = FORBIDDEN, desc = "a timer fired and cancelled, neither, or the heap wrong")
@State
public class TimerFireCancelTest {
    final TimerHeap heap = new TimerHeap();
    final Timer a = new Timer(10, WakeNetPollerTest.NOTHING);
    final Timer b = new Timer(20, WakeNetPollerTest.NOTHING);
    final Timer c = new Timer(1_000, WakeNetPollerTest.NOTHING);
    boolean aFired;
    boolean bFired;
    boolean aCancelled;
    boolean cCancelled;
    boolean other;

    public TimerFireCancelTest() {
        heap.add(a);
        heap.add(c);
    }

    @Actor
    public void owner() {
        heap.add(b);
        aCancelled = a.cancel(false);
    }

    @Actor
    public void thief() {
        Timer t;
        while ((t = heap.pollDue(100)) != null) {
            if (t == a) {
                aFired = true;
            } else if (t == b) {
                bFired = true;
            } else {
                other = true;
            }
        }
        cCancelled = c.cancel(false);
    }

    @Arbiter
    public void check(LLL_Result r) {
        r.r1 = TimerVerdicts.fate("A", aFired, aCancelled);
        r.r2 = bFired ? "B fired" : "B waiting";
        r.r3 = other ? "C FIRED EARLY" : !cCancelled ? "C NOT CANCELLED"
                : bFired ? TimerVerdicts.onlyLeft(heap, new Timer[0], a, b, c) : TimerVerdicts.onlyLeft(heap, b, a, c);
    }
}
