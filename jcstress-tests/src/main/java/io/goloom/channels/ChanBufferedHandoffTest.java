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
 * Go: {@code chansend} / {@code chanrecv} on a buffered channel of capacity 1: the buffer path
 * ({@code qcount < dataqsiz}; {@code qcount > 0}) and, when the sender finds the buffer full and parks, the
 * receive that takes the oldest buffered value and moves the parked sender's value into the freed slot
 * ({@code recv} on a full buffer). FIFO, exactly once, and the messages' plain fields visible.
 * <p>
 * The sender sends m1 = (1, 10) then m2 = (2, 20); the receiver receives twice.
 * <p>
 * Result: (first.a, first.b, second.a, second.b).
 */
@JCStressTest
@Description("buffered(1) send/receive incl. the full-buffer rotation: FIFO, exactly once, fields visible")
@Outcome(id = "1, 10, 2, 20", expect = ACCEPTABLE, desc = "both messages, in order, fully visible")
@Outcome(expect = FORBIDDEN, desc = "lost, duplicated, reordered, torn or stale")
@State
public class ChanBufferedHandoffTest {
    final GoChannel<Payload> ch = GoChannel.buffered(1);

    @Actor
    public void sender() {
        Chans.send(ch, Payload.of(1, 10));
        Chans.send(ch, Payload.of(2, 20));
    }

    @Actor
    public void receiver(IIII_Result r) {
        Payload p1 = Chans.receive(ch);
        Payload p2 = Chans.receive(ch);
        r.r1 = p1.a;
        r.r2 = p1.b;
        r.r3 = p2.a;
        r.r4 = p2.b;
    }
}
