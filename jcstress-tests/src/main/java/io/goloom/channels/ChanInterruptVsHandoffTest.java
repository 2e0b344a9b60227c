package io.goloom.channels;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

/**
 * Interrupt against hand-off (Java only; Go has no interrupts): a receiver parked on an unbuffered channel is
 * interrupted while a sender hands it a value. The value is delivered exactly once or not at all: either the
 * sender's {@code trySend} succeeded and the receiver returns the value (keeping the interrupt status), or the
 * receive throws {@link InterruptedException} and {@code trySend} reported failure. Never "sent" and
 * "interrupted" (lost), never "not sent" and "got" (conjured).
 * <p>
 * The second actor interrupts the receiver and then at once tries to hand it v ({@code trySend} succeeds only if
 * the receiver is still queued). The hand-off can land after the receiver saw the interrupt but before it
 * withdrew from the queue: it must then notice, under the channel lock, that it was completed. (The interrupt is
 * always issued before the {@code trySend}, so it has reached the receiver by the time the receive returns; the
 * receiver clears it before the next round.)
 * <p>
 * Result: (receiver, sender).
 */
@JCStressTest
@Description("interrupt vs hand-off: delivered once or not at all")
@Outcome(id = "got v, sent", expect = ACCEPTABLE, desc = "the hand-off reached the receiver before it withdrew: it returns v, interrupt kept")
@Outcome(id = "interrupted, not sent", expect = ACCEPTABLE, desc = "the receiver withdrew (or never queued) first")
@Outcome(expect = FORBIDDEN, desc = "lost (sent but interrupted) or conjured")
@State
public class ChanInterruptVsHandoffTest {
    final GoChannel<String> ch = GoChannel.unbuffered();
    volatile Thread receiverThread;

    @Actor
    public void receiver(LL_Result r) {
        receiverThread = Thread.currentThread();
        try {
            r.r1 = "got " + ch.receive();
        } catch (InterruptedException e) {
            r.r1 = "interrupted";
        }
        Thread.interrupted(); // set if the hand-off won: do not carry it into the next round
    }

    @Actor
    public void interruptThenSend(LL_Result r) {
        Thread t;
        while ((t = receiverThread) == null) {
            Thread.onSpinWait();
        }
        t.interrupt();
        r.r2 = ch.trySend("v") ? "sent" : "not sent";
    }
}
