package io.goloom.scheduler;

/** Verdicts shared by {@link WakeNetPollerTest} and its broken twin. */
final class PollerVerdicts {
    private PollerVerdicts() {
    }

    /**
     * What warned the blocked poller of the earlier timer: "seen" (a pending break consumed before sleeping),
     * "unparked" (the breaker found the sleeper), both, "wakep" (another M got the P to look), or "none".
     */
    static String warning(Sched sched, boolean sawBreak, Machine m1) {
        boolean unparked = sched.timerSleeperUnparks.sum() != 0;
        boolean woken = m1.nextp != null;
        if (woken) {
            return sawBreak || unparked ? "wakep+break?!" : "wakep";
        }
        if (sawBreak) {
            return unparked ? "seen+unparked" : "seen";
        }
        return unparked ? "unparked" : "none";
    }

    /** Both timers in P0's heap, T2 first, nothing else; the P handed to M1 at most once. */
    static String heaps(Sched sched, long t1) {
        TimerHeap h = sched.procs.all()[0].timers;
        if (h.size() != 2 || h.when0() >= t1) {
            return "HEAP WRONG: size " + h.size();
        }
        return "ok";
    }
}
