package io.goloom.channels;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;

/**
 * Go: two {@code selectgo}s racing for one value: a blocking select (it may park on both channels' queues and be
 * woken by the first communication) and a non-blocking one (a select with {@code default}). The value is taken
 * by at most one of them, and if neither takes it, it is still in the channel.
 * <p>
 * {@code ch} (buffered(1)) holds v; {@code done} is open. Select A blocks on {@code receive(ch)} and
 * {@code receive(done)}. Select B polls {@code receive(ch)} with a default, then closes {@code done}, which releases A if
 * it is still parked. (When both of A's cases are ready Go picks one at random, so A may take "done" and leave v.)
 * <p>
 * Result: (what A took, what B took, what is left in ch).
 */
@JCStressTest
@Description("two selects racing for one value: exactly one takes it, or it stays in the channel")
@Outcome(id = "v, default, empty", expect = ACCEPTABLE, desc = "A took v; B found nothing")
@Outcome(id = "done, v, empty", expect = ACCEPTABLE, desc = "B took v; A woke up on done's close")
@Outcome(id = "done, default, v", expect = ACCEPTABLE, desc = "B's poll lost to A, which then picked done at random: v stays queued")
@Outcome(expect = FORBIDDEN, desc = "v taken twice, or lost")
@State
public class ChanSelectRaceTest {
    final GoChannel<String> ch = GoChannel.buffered(1);
    final GoChannel<String> done = GoChannel.unbuffered();

    public ChanSelectRaceTest() {
        if (!ch.trySend("v")) {
            throw new AssertionError();
        }
    }

    @Actor
    public void selectA(LLL_Result r) {
        try {
            r.r1 = Select.select(Select.receive(ch), Select.receive(done).map(v -> "done"));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Actor
    public void selectB(LLL_Result r) {
        String[] took = new String[1];
        Select.trySelect(Select.receive(ch, v -> took[0] = v), Select.defaultCase(() -> took[0] = "default"));
        r.r2 = took[0];
        done.close();
    }

    @Arbiter
    public void left(LLL_Result r) {
        Received<String> got = ch.tryReceive();
        r.r3 = got.ok() ? got.value() : "empty";
    }
}
