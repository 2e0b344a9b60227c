package io.goloom.scheduler;

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
 * Go: {@code addtimer} + {@code wakeNetPoller} against the M that blocks in the poller at the end of
 * {@code findRunnable} ({@code sched.lastpoll} swapped to 0, {@code sched.pollUntil} published, then
 * {@code netpoll(delay)} until the earliest timer) and {@code netpollBreak}. The earlier deadline is never missed.
 * <p>
 * Timers only (no netpoller, as in library mode with {@code timersOnP}): the sleep is a park that
 * {@code Sched.breakPoll} ends through the {@code breakPending}/{@code timerSleeper} Dekker pair. One P, idle (its
 * M0 gave it up and found nothing); P0's heap already holds T1 (in an hour), so M0 will block; M1 sits on the
 * idle-M list. M0 runs the real decision ({@code Sched.earliestTimer}, then {@code Sched.enterPoller}) and the real
 * first half of the sleep ({@code Sched.armTimerSleep}: publish the sleeper, consume a pending break). A platform
 * thread adds T2 (in a minute) with the real {@code Sched.addTimer} (T2 is the new earliest, so it calls
 * {@code wakeNetPoller}). M0 must not sleep until T1 unwarned: either its {@code until} is T2's, or it saw a pending
 * break (it does not sleep), or the adder unparked it, or the adder's {@code wakep} gave the P to M1 (which will look,
 * find M0 in the poller with a {@code pollUntil} past T2, and break it).
 * <p>
 * Result: (M0's deadline, what warned it, verdict). Real {@link Sched}, {@link Machine}, {@link TimerHeap}; no thread
 * is started, and the sleeper M0 publishes is a {@link Thread} never started (an unpark of it does nothing; the
 * test counts it through {@code Sched.timerSleeperUnparks}).
 */
@JCStressTest
@Description("addtimer/wakeNetPoller vs an M blocking in the poller: an earlier timer is never slept past")
@Outcome(id = "until T2, none, ok", expect = ACCEPTABLE, desc = "M0 read T2 before blocking; the adder found pollUntil = T2: nothing to do")
@Outcome(id = "until T2, (seen|unparked|seen\\+unparked), ok", expect = ACCEPTABLE, desc = "M0 read T2, the adder read pollUntil before M0 published it: a harmless extra break")
@Outcome(id = "until T2, wakep, ok", expect = ACCEPTABLE, desc = "the adder ran before M0 blocked: wakep, and M0 still read T2")
@Outcome(id = "until T1, seen, ok", expect = ACCEPTABLE, desc = "M0 read T1; the break came before it armed: it does not sleep")
@Outcome(id = "until T1, unparked, ok", expect = ACCEPTABLE, desc = "M0 read T1 and armed; the adder saw it and unparked it")
@Outcome(id = "until T1, seen\\+unparked, ok", expect = ACCEPTABLE, desc = "both halves of the Dekker pair saw each other")
@Outcome(id = "until T1, wakep, ok", expect = ACCEPTABLE, desc = "M0 read T1 before the add, the adder ran before M0's swap: wakep gave the P to M1")
@Outcome(id = "until T1, none, .*", expect = FORBIDDEN, desc = "M0 sleeps until T1, past T2, and nobody is looking")
@Outcome(expect = FORBIDDEN, desc = "anything else (M0 did not block, P handed twice)")
@State
public class WakeNetPollerTest {
    static final long HOUR = 3_600_000_000_000L;
    static final long MINUTE = 60_000_000_000L;
    /** What M0 publishes as its sleeper: never started, so the adder's unpark of it is a no-op. */
    static final Thread SLEEPER = new Thread(() -> { }, "jcstress-timer-sleeper");
    static final Runnable NOTHING = () -> { };

    final Sched sched = new Sched("jcstress", 1, 100, 0, false);
    final Machine m1 = new Machine(sched, 1, null, false);
    final long t1;
    long until;
    boolean blocked;
    boolean sawBreak;

    public WakeNetPollerTest() {
        sched.timersOnP = true;
        sched.mput(m1);
        t1 = System.nanoTime() + HOUR;
        sched.procs.all()[0].timers.add(new Timer(t1, NOTHING));
    }

    @Actor
    public void poller() {
        // netpollBlocking: read the earliest timer, become the blocked poller, then pollBlocking's Dekker half.
        until = sched.earliestTimer();
        blocked = sched.enterPoller(false, until);
        if (blocked) {
            sawBreak = !sched.armTimerSleep(SLEEPER);
        }
    }

    @Actor
    public void adder() {
        sched.addTimer(NOTHING, MINUTE);
    }

    @Arbiter
    public void check(LLL_Result r) {
        r.r1 = !blocked ? "not blocked" : until == t1 ? "until T1" : "until T2";
        r.r2 = PollerVerdicts.warning(sched, sawBreak, m1);
        r.r3 = PollerVerdicts.heaps(sched, t1);
    }
}
