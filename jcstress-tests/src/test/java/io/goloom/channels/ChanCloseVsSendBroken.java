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
 * Broken twin of {@link ChanCloseVsSendTest}: a parked sender woken by {@code close} does not re-check
 * {@code success}, so it reports "sent" for a value nobody will ever receive.
 */
@JCStressTest
@Description("BROKEN TWIN of ChanCloseVsSendTest: a sender woken by close does not check success")
@Outcome(id = "panic at v1, closed", expect = ACCEPTABLE, desc = "closed first: nothing sent")
@Outcome(id = "sent v1, panic at v2, v1 closed", expect = ACCEPTABLE, desc = "v1 buffered; v2 panicked")
@Outcome(expect = FORBIDDEN, desc = "a value delivered and panicked, lost, or a parked sender not told")
@State
public class ChanCloseVsSendBroken {
    final BrokenChan<String> ch = new BrokenChan<>(1, BrokenChan.Breakage.SENDER_IGNORES_SUCCESS);

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
        Object o;
        while ((o = ch.poll()) != null && o != BrokenChan.CLOSED) {
            left.append(o).append(' ');
        }
        r.r2 = left.append(o == BrokenChan.CLOSED ? "closed" : "would-block").toString();
    }
}
