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
 * Broken twin of {@link WakeNetPollerTest}: a copy of {@code Sched.addTimer} + {@code wakeNetPoller} whose
 * "nobody is in the poller" branch does nothing instead of {@code wakep} ("the next M to block will read the new
 * timer"). An M that read the earliest timer before the add but swaps {@code lastpoll} after the adder read it then
 * sleeps until T1, past T2, and nobody looks. (M0 spins briefly between its read and its swap, harmless on its own,
 * so that the window is reachable in a short run.)
 */
@JCStressTest
@Description("BROKEN TWIN of WakeNetPollerTest: wakeNetPoller without wakep when nobody polls")
@Outcome(id = "until T2, .*, ok", expect = ACCEPTABLE, desc = "M0 read T2")
@Outcome(id = "until T1, (seen|unparked|seen\\+unparked|wakep), ok", expect = ACCEPTABLE, desc = "M0 warned")
@Outcome(id = "until T1, none, .*", expect = FORBIDDEN, desc = "M0 sleeps until T1, past T2, and nobody is looking")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class WakeNetPollerBroken {
    final Sched sched = new Sched("jcstress", 1, 100, 0, false);
    final Machine m1 = new Machine(sched, 1, null, false);
    final long t1;
    long until;
    boolean blocked;
    boolean sawBreak;

    public WakeNetPollerBroken() {
        sched.timersOnP = true;
        sched.mput(m1);
        t1 = System.nanoTime() + WakeNetPollerTest.HOUR;
        sched.procs.all()[0].timers.add(new Timer(t1, WakeNetPollerTest.NOTHING));
    }

    @Actor
    public void poller() {
        until = sched.earliestTimer();
        for (int i = 0; i < 64; i++) {
            Thread.onSpinWait();
        }
        blocked = sched.enterPoller(false, until);
        if (blocked) {
            sawBreak = !sched.armTimerSleep(WakeNetPollerTest.SLEEPER);
        }
    }

    @Actor
    public void adder() {
        long when = System.nanoTime() + WakeNetPollerTest.MINUTE;
        if (sched.procs.all()[0].timers.add(new Timer(when, WakeNetPollerTest.NOTHING)) == 1) {
            if (sched.lastpoll.get() == 0) {
                if (sched.pollUntil > when) {
                    sched.breakPoll();
                }
            } // BROKEN: no "else wakep()"
        }
    }

    @Arbiter
    public void check(LLL_Result r) {
        r.r1 = !blocked ? "not blocked" : until == t1 ? "until T1" : "until T2";
        r.r2 = PollerVerdicts.warning(sched, sawBreak, m1);
        r.r3 = PollerVerdicts.heaps(sched, t1);
    }
}
