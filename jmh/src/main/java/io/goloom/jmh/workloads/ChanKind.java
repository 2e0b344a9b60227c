package io.goloom.jmh.workloads;

import io.goloom.channels.GoChannel;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;

/**
 * The channel axis: goloom's {@link GoChannel}, the best JDK queue for the job ({@link SynchronousQueue} for a
 * rendezvous, {@link ArrayBlockingQueue} for a buffer), or Jox's channel.
 */
public enum ChanKind {
    GO, QUEUE, JOX;

    public <E> Chan<E> unbuffered() {
        return switch (this) {
            case GO -> go(GoChannel.unbuffered());
            case QUEUE -> queue(new SynchronousQueue<>());
            case JOX -> jox(com.softwaremill.jox.Channel.newRendezvousChannel());
        };
    }

    public <E> Chan<E> buffered(int capacity) {
        return switch (this) {
            case GO -> go(GoChannel.buffered(capacity));
            case QUEUE -> queue(new ArrayBlockingQueue<>(capacity));
            case JOX -> jox(com.softwaremill.jox.Channel.newBufferedChannel(capacity));
        };
    }

    private static <E> Chan<E> go(GoChannel<E> ch) {
        return new Chan<>() {
            @Override
            public void send(E value) throws InterruptedException {
                ch.send(value);
            }

            @Override
            public E receive() throws InterruptedException {
                return ch.receive();
            }

            @Override
            public Object raw() {
                return ch;
            }
        };
    }

    private static <E> Chan<E> queue(BlockingQueue<E> q) {
        return new Chan<>() {
            @Override
            public void send(E value) throws InterruptedException {
                q.put(value);
            }

            @Override
            public E receive() throws InterruptedException {
                return q.take();
            }

            @Override
            public Object raw() {
                return q;
            }
        };
    }

    private static <E> Chan<E> jox(com.softwaremill.jox.Channel<E> ch) {
        return new Chan<>() {
            @Override
            public void send(E value) throws InterruptedException {
                ch.send(value);
            }

            @Override
            public E receive() throws InterruptedException {
                return ch.receive();
            }

            @Override
            public Object raw() {
                return ch;
            }
        };
    }
}
