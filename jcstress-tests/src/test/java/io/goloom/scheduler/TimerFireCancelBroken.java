package io.goloom.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;

/**
 * Broken twin of {@link TimerFireCancelTest}: a copy of {@link Timer#cancel} that checks the state, then writes
 * CANCELLED, instead of one CAS from WAITING. A thief that claims the timer for firing between the check and the
 * write fires it, and the cancel reports success too: the woken thread would also get a timeout. (The canceller
 * spins briefly between its check and its write, harmless on its own, so that the window is reachable in a short
 * run.)
 */
@JCStressTest
@Description("BROKEN TWIN of TimerFireCancelTest: Timer.cancel as check-then-write instead of a CAS")
@Outcome(id = "A (fired|cancelled), B (fired|waiting), ok", expect = ACCEPTABLE, desc = "each timer fired xor cancelled")
@Outcome(expect = FORBIDDEN, desc = "a timer fired and cancelled, neither, or the heap wrong")
@State
public class TimerFireCancelBroken {
    static final VarHandle STATE;
    static {
        try {
            STATE = MethodHandles.privateLookupIn(Timer.class, MethodHandles.lookup())
                    .findVarHandle(Timer.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final TimerHeap heap = new TimerHeap();
    final Timer a = new Timer(10, WakeNetPollerTest.NOTHING);
    final Timer b = new Timer(20, WakeNetPollerTest.NOTHING);
    final Timer c = new Timer(1_000, WakeNetPollerTest.NOTHING);
    boolean aFired;
    boolean bFired;
    boolean aCancelled;
    boolean cCancelled;
    boolean other;

    public TimerFireCancelBroken() {
        heap.add(a);
        heap.add(c);
    }

    static boolean brokenCancel(Timer t) {
        if (t.isDone()) { // BROKEN: check, then write, instead of STATE.compareAndSet(WAITING, CANCELLED)
            return false;
        }
        for (int i = 0; i < 32; i++) {
            Thread.onSpinWait();
        }
        STATE.setVolatile(t, Timer.CANCELLED);
        for (;;) {
            TimerHeap h = t.heap;
            if (h == null || h.removeIfHolds(t)) {
                return true;
            }
        }
    }

    @Actor
    public void owner() {
        heap.add(b);
        aCancelled = brokenCancel(a);
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
        cCancelled = brokenCancel(c);
    }

    @Arbiter
    public void check(LLL_Result r) {
        r.r1 = TimerVerdicts.fate("A", aFired, aCancelled);
        r.r2 = bFired ? "B fired" : "B waiting";
        r.r3 = other ? "C FIRED EARLY" : !cCancelled ? "C NOT CANCELLED"
                : bFired ? TimerVerdicts.onlyLeft(heap, new Timer[0], a, b, c) : TimerVerdicts.onlyLeft(heap, b, a, c);
    }
}
