package io.goloom.channels;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

/**
 * Go: {@code closechan} against {@code chansend}: a send either completes (the value is in the channel and will
 * be received) or panics "send on closed channel" (the value is not in the channel). Never both, never neither;
 * and a sender parked on a full buffer when the channel closes is woken and panics ({@code closechan} releases
 * all senders, which then {@code panic(plainError("send on closed channel"))}).
 * <p>
 * Buffered(1), empty. The sender sends v1 (fits the buffer unless closed) then v2 (no room, no receiver: it can
 * only park until the close, then panic, or panic at once). The closer closes. The arbiter drains the channel.
 * <p>
 * Result: (what the sender saw, what was left in the channel).
 */
@JCStressTest
@Description("close vs send: delivered or panics, never both, never neither; a parked sender panics")
@Outcome(id = "panic at v1, closed", expect = ACCEPTABLE, desc = "closed first: nothing sent")
@Outcome(id = "sent v1, panic at v2, v1 closed", expect = ACCEPTABLE, desc = "v1 buffered; v2 panicked (at once, or parked and woken by close)")
@Outcome(expect = FORBIDDEN, desc = "a value delivered and panicked, lost, or a parked sender not told")
@State
public class ChanCloseVsSendTest {
    final GoChannel<String> ch = GoChannel.buffered(1);

    @Actor
    public void sender(LL_Result r) {
        String seen = "";
        for (String v : new String[] {"v1", "v2"}) {
            try {
                ch.send(v);
                seen += "sent " + v + ", ";
            } catch (ChannelPanicException e) {
                seen += "panic at " + v;
                break;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        r.r1 = seen;
    }

    @Actor
    public void closer() {
        ch.close();
    }

    @Arbiter
    public void drain(LL_Result r) {
        StringBuilder left = new StringBuilder();
        Received<String> got;
        while ((got = ch.tryReceive()).ok()) {
            left.append(got.value()).append(' ');
        }
        r.r2 = left.append(Chans.describe(got)).toString();
    }
}
