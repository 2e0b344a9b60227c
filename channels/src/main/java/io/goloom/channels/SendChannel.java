package io.goloom.channels;

import java.time.Duration;

/**
 * The send side of a {@link GoChannel}: Go's send-only channel type {@code chan<- E}. A method that
 * should only produce (and, by Go convention, close when done) takes a {@code SendChannel}.
 *
 * <p>Interruption: blocking methods throw {@link InterruptedException} if the thread is interrupted on
 * entry or while blocked; the value was then not delivered. If a receiver had already taken the value
 * when the interrupt arrived, the send returns normally and re-sets the interrupt status instead: a
 * value is delivered exactly once or not at all.
 *
 * @param <E> element type (never null)
 */
public sealed interface SendChannel<E> permits GoChannel {

    /**
     * Go's {@code ch <- value}. On an unbuffered channel, returns only once a receiver has taken the
     * value (rendezvous); on a buffered channel, once the value is in the buffer or handed to a waiting
     * receiver. Sending on the nil channel blocks until interrupted.
     *
     * @throws NullPointerException if value is null
     * @throws ChannelPanicException "send on closed channel" if the channel is closed, also when it is
     *         closed while this send is blocked
     * @throws InterruptedException if interrupted before the value was delivered
     */
    void send(E value) throws InterruptedException;

    /**
     * Never blocks: Go's {@code select { case ch <- value: return true; default: return false }}.
     * Does not look at the interrupt status.
     *
     * @return true if the value was delivered (to a receiver or into the buffer)
     * @throws NullPointerException if value is null
     * @throws ChannelPanicException "send on closed channel" if the channel is closed (as in Go)
     */
    boolean trySend(E value);

    /**
     * Sends, waiting at most {@code timeout}: Go's
     * {@code select { case ch <- value: ...; case <-time.After(timeout): ... }}. A non-positive timeout
     * behaves like {@link #trySend(Object)}.
     *
     * @return true if delivered, false if the timeout expired first (the value was not delivered)
     * @throws ChannelPanicException "send on closed channel" if the channel is or becomes closed
     * @throws InterruptedException if interrupted before the value was delivered
     */
    boolean trySend(E value, Duration timeout) throws InterruptedException;

    /**
     * Go's {@code close(ch)}: no more values will be sent. Every blocked receiver wakes and sees
     * "closed" (receivers still get the buffered values first); every blocked sender wakes and throws
     * "send on closed channel".
     *
     * @throws ChannelPanicException "close of closed channel" if already closed; "close of nil channel"
     *         for the nil channel
     */
    void close();

    /** Go's {@code len(ch)}: the number of buffered elements, a racy snapshot as in Go. */
    int len();

    /** Go's {@code cap(ch)}: the buffer capacity; 0 for unbuffered and nil channels. */
    int cap();
}
