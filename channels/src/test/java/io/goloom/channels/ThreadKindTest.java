package io.goloom.channels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test harness really runs each kind where it claims to. */
@Timeout(30)
class ThreadKindTest {

    @AfterAll
    static void closeScheduler() {
        ThreadKind.closeGoloom();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void threadsAreOfTheRequestedKind(ThreadKind kind) throws Exception {
        AtomicReference<String> description = new AtomicReference<>();
        AtomicReference<Boolean> virtual = new AtomicReference<>();
        Goroutines.run(kind, () -> {
            virtual.set(Thread.currentThread().isVirtual());
            description.set(Thread.currentThread().toString()); // a mounted virtual thread names its carrier
        });
        assertEquals(kind != ThreadKind.PLATFORM, virtual.get());
        if (kind == ThreadKind.GOLOOM) {
            assertTrue(description.get().contains("chan-test-M"), "carried by a goloom M: " + description.get());
        }
        if (kind == ThreadKind.VIRTUAL) {
            assertTrue(description.get().contains("ForkJoinPool"), "carried by the JDK scheduler: " + description.get());
        }
    }
}
