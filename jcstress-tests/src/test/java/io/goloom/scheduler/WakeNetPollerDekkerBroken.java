package io.goloom.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;

/**
 * Second broken twin of {@link WakeNetPollerTest}: a copy of {@code Sched.armTimerSleep} that consumes a pending
 * break BEFORE it publishes the sleeper (the wrong order of the Dekker pair with {@code breakPoll}). A break that
 * lands between the two finds no sleeper to unpark and a flag already read: M0 sleeps until T1, past T2. The adder is
 * the real {@code Sched.addTimer}. (M0 spins briefly between its two steps, harmless on its own, so that the window
 * is reachable in a short run.)
 */
@JCStressTest
@Description("BROKEN TWIN of WakeNetPollerTest: the timers-only sleeper reads the break flag before publishing itself")
@Outcome(id = "until T2, .*, ok", expect = ACCEPTABLE, desc = "M0 read T2")
@Outcome(id = "until T1, (seen|unparked|seen\\+unparked|wakep), ok", expect = ACCEPTABLE, desc = "M0 warned")
@Outcome(id = "until T1, none, .*", expect = FORBIDDEN, desc = "M0 sleeps until T1, past T2, and nobody is looking")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class WakeNetPollerDekkerBroken {
    static final VarHandle TIMER_SLEEPER;
    static final VarHandle BREAK_PENDING;
    static {
        try {
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(Sched.class, MethodHandles.lookup());
            TIMER_SLEEPER = l.findVarHandle(Sched.class, "timerSleeper", Thread.class);
            BREAK_PENDING = l.findVarHandle(Sched.class, "breakPending", AtomicBoolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Sched sched = new Sched("jcstress", 1, 100, 0, false);
    final Machine m1 = new Machine(sched, 1, null, false);
    final long t1;
    long until;
    boolean blocked;
    boolean sawBreak;

    public WakeNetPollerDekkerBroken() {
        sched.timersOnP = true;
        sched.mput(m1);
        t1 = System.nanoTime() + WakeNetPollerTest.HOUR;
        sched.procs.all()[0].timers.add(new Timer(t1, WakeNetPollerTest.NOTHING));
    }

    /** Sched.armTimerSleep with its two steps swapped. */
    private boolean brokenArmTimerSleep(Thread self) {
        boolean pending = ((AtomicBoolean) BREAK_PENDING.get(sched)).getAndSet(false); // BROKEN: read first...
        for (int i = 0; i < 64; i++) {
            Thread.onSpinWait();
        }
        TIMER_SLEEPER.setVolatile(sched, self); // ...publish second
        return !pending;
    }

    @Actor
    public void poller() {
        until = sched.earliestTimer();
        blocked = sched.enterPoller(false, until);
        if (blocked) {
            sawBreak = !brokenArmTimerSleep(WakeNetPollerTest.SLEEPER);
        }
    }

    @Actor
    public void adder() {
        sched.addTimer(WakeNetPollerTest.NOTHING, WakeNetPollerTest.MINUTE);
    }

    @Arbiter
    public void check(LLL_Result r) {
        r.r1 = !blocked ? "not blocked" : until == t1 ? "until T1" : "until T2";
        r.r2 = PollerVerdicts.warning(sched, sawBreak, m1);
        r.r3 = PollerVerdicts.heaps(sched, t1);
    }
}
