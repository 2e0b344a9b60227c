package io.goloom.channels;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Broken twin of {@link ChanUnbufferedHandoffTest}: the sender completes the waiting receiver before it stores the
 * element into the receiver's slot (the wrong publication order); a receiver that sees the completion reads an
 * empty slot. (-1, -1): the receiver got no message.
 */
@JCStressTest
@Description("BROKEN TWIN of ChanUnbufferedHandoffTest: completion published before the element")
@Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "the message, fully visible")
@Outcome(expect = FORBIDDEN, desc = "a torn, stale or missing message")
@State
public class ChanUnbufferedHandoffBroken {
    final BrokenChan<Payload> ch = new BrokenChan<>(0, BrokenChan.Breakage.COMPLETE_BEFORE_ELEM);

    @Actor
    public void sender() {
        try {
            ch.send(Payload.of(1, 2));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Actor
    public void receiver(II_Result r) {
        Object o;
        try {
            o = ch.receive();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        Payload p = o instanceof Payload m ? m : Payload.of(-1, -1);
        r.r1 = p.a;
        r.r2 = p.b;
    }
}
