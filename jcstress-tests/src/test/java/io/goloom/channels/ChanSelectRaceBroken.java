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
 * Broken twin of {@link ChanSelectRaceTest}: select B is a copy of {@code selectgo}'s pass 1 for its one receive
 * case that decides "ready" from {@code qcount} before taking the channel lock, and does not re-check once it
 * holds it. Select A (the real {@link Select}) can take v in between; B then takes an empty slot.
 */
@JCStressTest
@Description("BROKEN TWIN of ChanSelectRaceTest: a select polls the buffer before locking, without re-check")
@Outcome(id = "v, default, empty", expect = ACCEPTABLE, desc = "A took v; B found nothing")
@Outcome(id = "done, v, empty", expect = ACCEPTABLE, desc = "B took v; A woke up on done's close")
@Outcome(id = "done, default, v", expect = ACCEPTABLE, desc = "v stays queued")
@Outcome(expect = FORBIDDEN, desc = "v taken twice, or lost")
@State
public class ChanSelectRaceBroken {
    final GoChannel<String> ch = GoChannel.buffered(1);
    final GoChannel<String> done = GoChannel.unbuffered();

    public ChanSelectRaceBroken() {
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
        Object took;
        if (ch.qcount > 0) { // BROKEN: decided outside the lock...
            ch.lock.lock();
            took = ch.bufferTake(); // ...and not re-checked inside it
            ch.lock.unlock();
        } else {
            took = "default";
        }
        r.r2 = String.valueOf(took);
        done.close();
    }

    @Arbiter
    public void left(LLL_Result r) {
        Received<String> got = ch.tryReceive();
        r.r3 = got.ok() ? got.value() : "empty";
    }
}
