package io.goloom.channels;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Broken twin of {@link ChanBufferedHandoffTest}: when the receiver waits on the empty buffer, the sender hands it
 * m1 directly but completes it before storing the element (the wrong publication order); the receiver may read an
 * empty slot. -1: no message.
 */
@JCStressTest
@Description("BROKEN TWIN of ChanBufferedHandoffTest: completion published before the element")
@Outcome(id = "1, 10, 2, 20", expect = ACCEPTABLE, desc = "both messages, in order, fully visible")
@Outcome(expect = FORBIDDEN, desc = "lost, duplicated, reordered, torn or stale")
@State
public class ChanBufferedHandoffBroken {
    final BrokenChan<Payload> ch = new BrokenChan<>(1, BrokenChan.Breakage.COMPLETE_BEFORE_ELEM);

    @Actor
    public void sender() {
        try {
            ch.send(Payload.of(1, 10));
            ch.send(Payload.of(2, 20));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Actor
    public void receiver(IIII_Result r) {
        Payload p1;
        Payload p2;
        try {
            p1 = ch.receive() instanceof Payload m ? m : Payload.of(-1, -1);
            p2 = ch.receive() instanceof Payload m ? m : Payload.of(-1, -1);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        r.r1 = p1.a;
        r.r2 = p1.b;
        r.r3 = p2.a;
        r.r4 = p2.b;
    }
}
