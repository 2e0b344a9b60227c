package io.goloom.channels;

/** Blocking channel calls for jcstress actors, which may not throw checked exceptions. */
final class Chans {
    private Chans() {
    }

    static <E> void send(GoChannel<E> ch, E v) {
        try {
            ch.send(v);
        } catch (InterruptedException e) {
            throw new AssertionError("nobody interrupts this actor", e);
        }
    }

    static <E> E receive(GoChannel<E> ch) {
        try {
            return ch.receive();
        } catch (InterruptedException e) {
            throw new AssertionError("nobody interrupts this actor", e);
        }
    }

    static <E> Received<E> receiveOk(GoChannel<E> ch) {
        try {
            return ch.receiveOk();
        } catch (InterruptedException e) {
            throw new AssertionError("nobody interrupts this actor", e);
        }
    }

    static String describe(Received<?> r) {
        return r.ok() ? String.valueOf(r.value()) : r.closed() ? "closed" : "would-block";
    }
}
