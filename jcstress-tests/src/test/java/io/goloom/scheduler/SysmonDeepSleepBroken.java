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
 * Broken twin of {@link SysmonDeepSleepTest}: sysmon decides by the counter alone
 * ({@code npidle >= gomaxprocs}, the condition before issue 13), which a shrink in progress satisfies while P0
 * runs. When acquirep runs before the flag is raised, sysmon sleeps and nobody wakes it.
 */
@JCStressTest
@Description("BROKEN TWIN of SysmonDeepSleepTest: deep sleep decided by npidle >= gomaxprocs")
@Outcome(id = "false, false", expect = ACCEPTABLE, desc = "stays awake")
@Outcome(id = "true, true", expect = ACCEPTABLE, desc = "sleeps, woken")
@Outcome(id = "false, true", expect = ACCEPTABLE, desc = "woken, stays awake")
@Outcome(id = "true, false", expect = FORBIDDEN, desc = "asleep while P0 runs, unwoken")
@State
public class SysmonDeepSleepBroken {
    final Sched sched = new Sched("jcstress", 2, 100, 0, false);
    final Machine m0 = new Machine(sched, 0, null, false);
    final Processor p0;
    boolean sleeps;

    public SysmonDeepSleepBroken() {
        p0 = sched.pidleget();
        sched.gomaxprocs = 1;
    }

    @Actor
    public void m() {
        sched.acquirep(m0, p0);
    }

    @Actor
    public void sysmon() {
        Sysmon s = sched.sysmon;
        s.sleeping = true;
        sleeps = sched.npidle.get() >= sched.gomaxprocs && sched.runq.isEmpty(); // BROKEN: the lagging counter
        if (!sleeps) {
            s.sleeping = false;
        }
    }

    @Arbiter
    public void check(ZZ_Result r) {
        r.r1 = sleeps;
        r.r2 = sched.sysmon.wakeSignals.get() > 0;
    }
}
