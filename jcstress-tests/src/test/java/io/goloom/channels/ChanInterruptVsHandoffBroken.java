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
 * Broken twin of {@link ChanInterruptVsHandoffTest}: the interrupted receiver withdraws without re-checking, under
 * the channel lock, whether a sender completed it in the meantime: the sender reports "sent", the receiver
 * throws, the value is lost.
 */
@JCStressTest
@Description("BROKEN TWIN of ChanInterruptVsHandoffTest: interrupted receiver does not re-check completion")
@Outcome(id = "got v, sent", expect = ACCEPTABLE, desc = "the hand-off won")
@Outcome(id = "interrupted, not sent", expect = ACCEPTABLE, desc = "the interrupt won")
@Outcome(expect = FORBIDDEN, desc = "lost (sent but interrupted) or conjured")
@State
public class ChanInterruptVsHandoffBroken {
    final BrokenChan<String> ch = new BrokenChan<>(0, BrokenChan.Breakage.INTERRUPT_WITHOUT_RECHECK);
    volatile Thread receiverThread;

    @Actor
    public void receiver(LL_Result r) {
        receiverThread = Thread.currentThread();
        try {
            r.r1 = "got " + ch.receive();
        } catch (InterruptedException e) {
            r.r1 = "interrupted";
        }
        Thread.interrupted();
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
