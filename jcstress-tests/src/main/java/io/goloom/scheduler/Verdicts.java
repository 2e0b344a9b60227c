package io.goloom.scheduler;

/** Invariants that the M/P tests check in their arbiters, once all actors are done. */
final class Verdicts {
    private Verdicts() {
    }

    /**
     * The bookkeeping after a wake-up race of one P and two Ms (M0 held it, M1 was idle):
     * {@code nmspinning} equals the number of spinning Ms, and the P has exactly one owner: M0 ({@code m.p}),
     * M1 (handed over through {@code nextp}) or the idle list; never two, never none.
     */
    static String spinningAndOwnership(Sched sched, Machine m0, Machine m1) {
        int spinning = (m0.spinning ? 1 : 0) + (m1.spinning && m1.nextp != null ? 1 : 0);
        if (sched.nmspinning.get() != spinning) {
            return "nmspinning=" + sched.nmspinning.get() + " but " + spinning + " spinning";
        }
        int owners = (m0.p != null ? 1 : 0) + (m1.nextp != null ? 1 : 0) + sched.npidle.get();
        if (owners != 1) {
            return owners + " owners of the P";
        }
        return "ok";
    }
}
