package io.goloom.scheduler;

/**
 * What the scheduler reports as it goes, for JFR events and tests. Every method is called on a scheduler path
 * and must be cheap and must never block; the default does nothing.
 */
interface SchedEvents {
    SchedEvents NONE = new SchedEvents() {};

    /** A new M (carrier thread) was created ({@code newm}). */
    default void machineCreated(Machine m) {}

    /** An M parked on the idle list ({@code stopm}). */
    default void machineParked(Machine m) {}

    /** {@code thief} stole {@code n} virtual threads from {@code victim}'s queue ({@code runqsteal}). */
    default void stolen(Processor thief, Processor victim, int n) {}

    /**
     * A virtual thread has been mounted on {@code m} for more than one time slice (10 ms); reported once per
     * mount, by sysmon. {@code g} is its continuation (may be null if it just unmounted).
     */
    default void longRunning(Machine m, Runnable g, long ranNanos) {}

    /** Sysmon took {@code pp} from {@code m} ({@code retake}); {@code why} is "hog", "syscall" or "gomaxprocs". */
    default void retaken(Processor pp, Machine m, String why, long ranNanos) {}
}
