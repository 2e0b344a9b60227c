package io.goloom.scheduler;

/** Protocol steps for the preemption tests that {@link Sched} does not expose as methods. */
final class Preempts {
    private Preempts() {
    }

    /**
     * The start of {@code Sched.executeG} for a G that does not inherit the slice: {@code schedtick++}, then the
     * control word moves to the next mount sequence in IN_G (the same two writes, in the same order).
     */
    static void mount(Machine m) {
        Processor pp = m.p;
        pp.schedtick++;
        long c = m.ctl();
        m.setCtl(((c >>> 2) + 1) << 2 | Machine.IN_G);
    }
}
