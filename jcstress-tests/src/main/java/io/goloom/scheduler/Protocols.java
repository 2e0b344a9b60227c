package io.goloom.scheduler;

/**
 * The protocol steps of {@link Sched} that the tests drive on fake Ms. They call the real code: {@link
 * Sched#unmountG} (the end of {@code executeG}) and {@link Sched#exitsyscall(Machine)} (which reports a needed
 * {@code Thread.yield()} instead of doing it, so it can run on a platform thread).
 */
final class Protocols {
    private Protocols() {
    }

    /** The tail of {@code Sched.executeG}; true if the M kept its P. */
    static boolean unmount(Sched sched, Machine m) {
        return sched.unmountG(m);
    }

    /** What {@link #exitsyscall} did. */
    enum Exit {
        /** Fast path: the M still had its P (CAS IN_SYSCALL to IN_G). */
        KEPT,
        /** Slow path: the P was retaken; the M took an idle P instead. */
        OTHER_P,
        /** Slow path, no idle P: the virtual thread yields (goes to the global queue). */
        YIELD,
        /** Returned without a P and without yielding: the G runs on, holding no P. */
        RETURNED_WITHOUT_P
    }

    static Exit exitsyscall(Sched sched, Machine m) {
        return switch (sched.exitsyscall(m)) {
            case KEPT -> Exit.KEPT;
            case OTHER_P -> Exit.OTHER_P;
            case YIELD -> Exit.YIELD;
            case NOT_IN_SYSCALL -> Exit.RETURNED_WITHOUT_P;
        };
    }
}
