package io.goloom.channels;

import java.time.Duration;
import java.util.Iterator;

/**
 * The receive side of a {@link GoChannel}: Go's receive-only channel type {@code <-chan E}. A method
 * that should only consume takes a {@code ReceiveChannel}; it cannot send or close (closing a
 * receive-only channel is a compile error in Go, too).
 *
 * <p>Interruption: blocking methods throw {@link InterruptedException} if the thread is interrupted on
 * entry or while blocked. A value is either delivered exactly once or not at all: if a sender had
 * already handed its value to this receiver when the interrupt arrived, the receive returns that value
 * normally and re-sets the thread's interrupt status instead of throwing.
 *
 * @param <E> element type (never null)
 */
public sealed interface ReceiveChannel<E> extends Iterable<E> permits GoChannel {

    /**
     * Go's {@code v := <-ch}. Blocks until a value is available or the channel is closed and drained,
     * in which case it returns {@code null} (Go returns the element type's zero value; Java has none for
     * generics). Elements are never null, so null means "closed". Receiving from the nil channel blocks
     * until interrupted.
     *
     * <p>Unboxing that null throws: {@code int v = ch.receive()} works while values come and throws
     * {@link NullPointerException} once the channel is closed and drained. Where a channel may be closed,
     * range over it (Go's {@code for v := range ch}), use {@link #receiveOk()} (Go's {@code v, ok := <-ch}),
     * or keep the boxed type and test for null:
     *
     * <pre>{@code
     * for (int v : ch) { use(v); }            // ends at close, never sees null
     * Received<Integer> r = ch.receiveOk();    // r.ok() is false once closed
     * if (r.ok()) use(r.value());
     * }</pre>
     *
     * @return the value, or null when the channel is closed and drained
     * @throws InterruptedException if interrupted before a value was received
     */
    E receive() throws InterruptedException;

    /**
     * Go's {@code v, ok := <-ch}: blocks like {@link #receive()} and returns a {@link Received} whose
     * {@code ok()} is false exactly when the channel is closed and drained: a {@link Received.Value} or a
     * {@link Received.Closed}, never a {@link Received.WouldBlock}.
     *
     * @throws InterruptedException if interrupted before a value was received
     */
    Received<E> receiveOk() throws InterruptedException;

    /**
     * Never blocks: Go's {@code select { case v, ok := <-ch: ...; default: ... }}. Returns a value, or
     * CLOSED when closed and drained, or WOULD_BLOCK when neither is ready. Does not look at the
     * interrupt status.
     */
    Received<E> tryReceive();

    /**
     * Receives, waiting at most {@code timeout}: Go's
     * {@code select { case v, ok := <-ch: ...; case <-time.After(timeout): ... }}. Returns WOULD_BLOCK if
     * the timeout expired first; a non-positive timeout behaves like {@link #tryReceive()}.
     *
     * @throws InterruptedException if interrupted before a value was received
     */
    Received<E> tryReceive(Duration timeout) throws InterruptedException;

    /** Go's {@code len(ch)}: the number of buffered elements, a racy snapshot as in Go; 0 when unbuffered. */
    int len();

    /** Go's {@code cap(ch)}: the buffer capacity; 0 for unbuffered and nil channels. */
    int cap();

    /**
     * Go's {@code for v := range ch}: an iterator that receives until the channel is closed and drained.
     * {@code hasNext()} blocks; if the thread is interrupted while it blocks, it throws
     * {@link UncheckedInterruptedException} with the interrupt status re-set (no value is lost: a value
     * already received by {@code hasNext()} is returned by the next {@code next()}). Each iterator
     * consumes values from the channel; two iterators over one channel compete like two goroutines
     * ranging over it.
     */
    @Override
    Iterator<E> iterator();
}
