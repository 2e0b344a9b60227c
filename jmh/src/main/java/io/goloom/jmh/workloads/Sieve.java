package io.goloom.jmh.workloads;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * Go's concurrent prime sieve (go.dev/doc/play/sieve.go): a generator of 2, 3, 4, ... and a chain of filter
 * threads over unbuffered channels, one per prime found. Returns the {@code n}-th prime (17389 for n = 2000).
 * The generator and filters loop forever as in Go; when main has its primes they are interrupted and joined.
 */
public final class Sieve {
    private Sieve() {}

    public static final int LAST_OF_2000 = 17389;

    public static int run(ThreadFactory tf, ChanKind kind, int n) {
        return Threads.runMain(tf, () -> {
            List<Thread> threads = new ArrayList<>(n + 1);
            Chan<Integer> ch = kind.unbuffered();
            Chan<Integer> gen = ch;
            threads.add(Threads.start(tf, () -> {
                for (int i = 2; ; i++) {
                    gen.send(i);
                }
            }));
            int prime = 0;
            for (int i = 0; i < n; i++) {
                prime = ch.receive();
                Chan<Integer> in = ch;
                Chan<Integer> out = kind.unbuffered();
                int p = prime;
                threads.add(Threads.start(tf, () -> {
                    while (true) {
                        Integer v = in.receive();
                        if (v % p != 0) {
                            out.send(v);
                        }
                    }
                }));
                ch = out;
            }
            for (Thread t : threads) {
                t.interrupt();
            }
            for (Thread t : threads) {
                t.join();
            }
            return prime;
        });
    }
}
