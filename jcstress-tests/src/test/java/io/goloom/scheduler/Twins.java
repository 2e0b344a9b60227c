package io.goloom.scheduler;

/** Helpers for the broken twins. */
final class Twins {
    private Twins() {
    }

    static void drain(G.Tally t, BrokenLocalRunQueue q) {
        t.add(q.takeRunnext());
        Runnable g;
        while ((g = q.poll()) != null) {
            t.add(g);
        }
    }
}
