package io.goloom.channels;

/**
 * A message with plain (non-final, non-volatile) fields: what a receiver sees of them depends only on the
 * channel's happens-before edge (Go's memory model: a send happens before the matching receive completes).
 */
final class Payload {
    int a;
    int b;

    static Payload of(int a, int b) {
        Payload p = new Payload();
        p.a = a;
        p.b = b;
        return p;
    }

    @Override
    public String toString() {
        return a + "/" + b;
    }
}
