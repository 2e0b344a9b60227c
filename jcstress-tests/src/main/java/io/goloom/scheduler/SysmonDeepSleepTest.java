package io.goloom.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;

/**
 * Go: sysmon's deep sleep ({@code sched.sysmonwait}) against {@code acquirep}, which must wake it. Issue 13's
 * stall: the state in the middle of a GOMAXPROCS shrink, 2 Ps and {@code gomaxprocs} already lowered to 1, P1
 * still on the idle list (so {@code npidle >= gomaxprocs}), P0 taken off the idle list by an M that now acquires
 * it ({@code Sched.acquirep}: RUNNING, then reads {@code sleeping}). sysmon decides on its deep sleep
 * ({@code Sysmon.enterDeepSleep}: {@code sleeping = true}, then no P may be RUNNING). Never asleep with no
 * wake-up coming while P0 runs.
 * <p>
 * Result: (sysmon sleeps, a wake signal was sent). Real {@link Sched}, {@link Sysmon} and {@link Machine}
 * objects; no thread is started.
 */
@JCStressTest
@Description("sysmon's deep sleep vs acquirep in a GOMAXPROCS shrink: never asleep while a P runs, unwoken")
@Outcome(id = "false, false", expect = ACCEPTABLE, desc = "sysmon saw P0 RUNNING and stays awake")
@Outcome(id = "true, true", expect = ACCEPTABLE, desc = "sysmon sleeps; acquirep saw the flag and woke it")
@Outcome(id = "false, true", expect = ACCEPTABLE, desc = "acquirep saw the announced flag; sysmon then saw P0 and stays awake")
@Outcome(id = "true, false", expect = FORBIDDEN, desc = "sysmon asleep (60 s) while P0 runs, and nobody wakes it")
@State
public class SysmonDeepSleepTest {
    final Sched sched = new Sched("jcstress", 2, 100, 0, false);
    final Machine m0 = new Machine(sched, 0, null, false);
    final Processor p0;
    boolean sleeps;

    public SysmonDeepSleepTest() {
        p0 = sched.pidleget();
        sched.gomaxprocs = 1; // the shrink's first step; P1 still sits on the idle list
    }

    @Actor
    public void m() {
        sched.acquirep(m0, p0);
    }

    @Actor
    public void sysmon() {
        sleeps = sched.sysmon.enterDeepSleep();
    }

    @Arbiter
    public void check(ZZ_Result r) {
        r.r1 = sleeps;
        r.r2 = sched.sysmon.wakeSignals.get() > 0;
    }
}
