package io.goloom.scheduler;

/**
 * The protocol steps of {@link Sched} that the tests drive on fake Ms. They call the real code: the end of
 * {@code findRunnable} ({@link Sched#globalBatch} then {@link Sched#dropP}), {@link Sched#unmountG} (the end of
 * {@code executeG}) and {@link Sched#exitsyscall(Machine)} (which reports a needed {@code Thread.yield()} instead
 * of doing it, so it can run on a platform thread).
 */
final class Protocols {
    private Protocols() {
    }

    /**
     * The end of {@code Sched.findRunnable} for an M that found nothing: the last look at the global queue, then
     * {@code dropP}. Returns the M's fate: "M0 ran G", "M0 keeps looking" (dropP gave it a P back) or "M0 parks".
     */
    static String giveUpP(Sched sched, Machine m, Processor pp) {
        if (sched.globalBatch(m, pp) != null) {
            return "M0 ran G";
        }
        return sched.dropP(m) != null ? "M0 keeps looking" : "M0 parks";
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
