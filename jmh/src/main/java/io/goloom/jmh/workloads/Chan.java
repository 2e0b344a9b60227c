package io.goloom.jmh.workloads;

/** The one channel operation pair every workload needs, over GoChannel, a JDK queue or Jox. */
public interface Chan<E> {
    void send(E value) throws InterruptedException;

    E receive() throws InterruptedException;

    /** The underlying object (GoChannel, BlockingQueue or Jox Channel), for select. */
    Object raw();
}
