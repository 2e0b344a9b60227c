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
 * Go: {@code chansend} / {@code chanrecv} on an unbuffered channel ({@code send}: a waiting receiver gets the
 * value directly from the sender, {@code sendDirect}; or the sender parks on {@code sendq} and the receiver takes
 * it, {@code recv}). Go's memory model: the send happens before the receive completes, so the receiver sees
 * every write the sender made to the message before sending it.
 * <p>
 * The sender fills a message with plain fields (a = 1, b = 2) and sends it; the receiver reads the fields.
 * Which side arrives first varies; the outcome must not.
 * <p>
 * Result: (a, b) as the receiver saw them.
 */
@JCStressTest
@Description("unbuffered send/receive: the value and the message's plain fields are visible to the receiver")
@Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "the message, fully visible")
@Outcome(expect = FORBIDDEN, desc = "a torn or stale message")
@State
public class ChanUnbufferedHandoffTest {
    final GoChannel<Payload> ch = GoChannel.unbuffered();

    @Actor
    public void sender() {
        Payload p = new Payload();
        p.a = 1;
        p.b = 2;
        Chans.send(ch, p);
    }

    @Actor
    public void receiver(II_Result r) {
        Payload p = Chans.receive(ch);
        r.r1 = p.a;
        r.r2 = p.b;
    }
}
