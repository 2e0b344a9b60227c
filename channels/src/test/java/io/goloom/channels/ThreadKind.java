package io.goloom.channels;

import io.goloom.scheduler.GoScheduler;

import java.util.concurrent.ThreadFactory;

/**
 * The three kinds of thread every semantic test runs on: the channel code must behave the same whether
 * park/unpark blocks an OS thread, unmounts a virtual thread from the JDK's ForkJoinPool, or hands it
 * to goloom's Go-style scheduler (where an unparked thread lands in the waker's runnext).
 */
enum ThreadKind {
    PLATFORM {
        @Override
        ThreadFactory factory() {
            return Thread.ofPlatform().daemon().name("platform-", 0).factory();
        }
    },
    VIRTUAL {
        @Override
        ThreadFactory factory() {
            return Thread.ofVirtual().name("virtual-", 0).factory();
        }
    },
    GOLOOM {
        @Override
        ThreadFactory factory() {
            return Goloom.factory();
        }
    };

    abstract ThreadFactory factory();

    /**
     * One GoScheduler (GOMAXPROCS 2, named "chan-test") shared by the tests of a class; test classes close
     * it in {@code @AfterAll} through {@link #closeGoloom()} and the next class gets a fresh one.
     */
    static final class Goloom {
        private static GoScheduler scheduler;
        private static ThreadFactory factory;

        static synchronized ThreadFactory factory() {
            if (scheduler == null) {
                scheduler = GoScheduler.builder().maxProcs(2).name("chan-test").build();
                factory = scheduler.threadBuilder().name("goloom-", 0).factory();
            }
            return factory;
        }

        static synchronized void close() {
            if (scheduler != null) {
                scheduler.close();
                scheduler = null;
                factory = null;
            }
        }
    }

    static void closeGoloom() {
        Goloom.close();
    }
}
