package io.goloom.channels;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;

/**
 * Broken twin of {@link ChanCloseVsReceiveTest}: a receive on a closed channel answers "closed" without first
 * draining the buffer (the {@code qcount == 0} re-check removed), losing the buffered value.
 */
@JCStressTest
@Description("BROKEN TWIN of ChanCloseVsReceiveTest: closed channel reported before its buffer is drained")
@Outcome(id = "v, closed, 42", expect = ACCEPTABLE, desc = "the buffered value, then closed, and the closer's write visible")
@Outcome(expect = FORBIDDEN, desc = "a buffered value lost, a stale write, or anything else")
@State
public class ChanCloseVsReceiveBroken {
    final BrokenChan<String> ch = new BrokenChan<>(1, BrokenChan.Breakage.CLOSED_IGNORES_BUFFER);
    int note;

    public ChanCloseVsReceiveBroken() {
        if (!ch.trySend("v")) {
            throw new AssertionError();
        }
    }

    @Actor
    public void receiver(LLL_Result r) {
        try {
            r.r1 = describe(ch.receive());
            r.r2 = describe(ch.receive());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        r.r3 = note;
    }

    @Actor
    public void closer() {
        note = 42;
        ch.close();
    }

    private static String describe(Object o) {
        return o == BrokenChan.CLOSED ? "closed" : String.valueOf(o);
    }
}
