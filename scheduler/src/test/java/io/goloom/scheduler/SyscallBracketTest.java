package io.goloom.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link GoScheduler#syscall()}: the try-with-resources form of entersyscall/exitsyscall. */
@Timeout(60)
class SyscallBracketTest {

    /**
     * On one P, a virtual thread that blocks its carrier inside the bracket gives its P away (a syscall retake),
     * so a second virtual thread runs meanwhile; after the bracket the first one runs on a P again and a new
     * bracket enters again.
     */
    @Test
    void aCarrierBlockedInTheBracketGivesItsPToAnotherVirtualThread() throws Exception {
        try (GoScheduler sched = GoScheduler.builder().maxProcs(1).name("syscall-bracket").build()) {
            AtomicBoolean otherRan = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long syscallsBefore = sched.stats().syscalls();
            Thread blocked = sched.go(() -> {
                try {
                    try (GoScheduler.Syscall s = sched.syscall()) {
                        assertTrue(s.entered(), "a goroutine of this scheduler enters");
                        try (GoScheduler.Syscall nested = sched.syscall()) {
                            assertFalse(nested.entered(), "already in a syscall: nothing to enter");
                        }
                        Thread other = sched.go(() -> otherRan.set(true));
                        // Block the carrier (not a park: the virtual thread stays mounted, as in a native call),
                        // until the other virtual thread has run on the P that sysmon handed off.
                        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                        while (!otherRan.get() && System.nanoTime() - deadline < 0) {
                            Thread.onSpinWait();
                        }
                        assertTrue(otherRan.get(), "the other virtual thread ran while this one was in the bracket");
                        other.join();
                    }
                    assertTrue(sched.runsCurrentThread(), "back on the scheduler after exitsyscall");
                    try (GoScheduler.Syscall again = sched.syscall()) {
                        assertTrue(again.entered(), "exitsyscall left the syscall state");
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            Waits.join(blocked, Duration.ofSeconds(45));
            assertNull(failure.get(), () -> "in the goroutine: " + failure.get());
            GoSchedulerStats st = sched.stats();
            assertEquals(2, st.syscalls() - syscallsBefore, "two brackets entered: " + st);
            assertTrue(st.syscallRetakes() >= 1, "sysmon retook the P of the blocked carrier: " + st);
        }
    }

    @Test
    void offTheSchedulerTheBracketEntersNothingAndMustBeClosedByItsThread() throws Exception {
        try (GoScheduler sched = GoScheduler.builder().maxProcs(1).name("syscall-off").build()) {
            GoScheduler.Syscall s = sched.syscall(); // a platform thread
            assertFalse(s.entered());
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    s.close();
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            Waits.join(other, Duration.ofSeconds(10));
            assertTrue(thrown.get() instanceof IllegalStateException, "closed by another thread: " + thrown.get());
            s.close();
            s.close(); // idempotent
            assertEquals(0, sched.stats().syscalls());
        }
    }
}
