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
 * Go: {@code closechan} against {@code chanrecv}: values buffered before the close are still received, then
 * receives return the zero value with ok = false; a receiver parked on an empty channel is woken by the close.
 * Go's memory model: the close happens before a receive that returns because the channel is closed, so the
 * receiver sees what the closer wrote before closing.
 * <p>
 * Buffered(1) holding v. The receiver receives twice (the second finds the buffer empty and may park); the closer
 * writes a plain field (note = 42) and closes.
 * <p>
 * Result: (first receive, second receive, note as the receiver saw it after the second).
 */
@JCStressTest
@Description("close vs receive: buffered value first, then closed; a parked receiver is woken; close is a release")
@Outcome(id = "v, closed, 42", expect = ACCEPTABLE, desc = "the buffered value, then closed, and the closer's write visible")
@Outcome(expect = FORBIDDEN, desc = "a buffered value lost, a stale write, or anything else")
@State
public class ChanCloseVsReceiveTest {
    final GoChannel<String> ch = GoChannel.buffered(1);
    int note;

    public ChanCloseVsReceiveTest() {
        if (!ch.trySend("v")) {
            throw new AssertionError();
        }
    }

    @Actor
    public void receiver(LLL_Result r) {
        r.r1 = Chans.describe(Chans.receiveOk(ch));
        r.r2 = Chans.describe(Chans.receiveOk(ch));
        r.r3 = note;
    }

    @Actor
    public void closer() {
        note = 42;
        ch.close();
    }
}
