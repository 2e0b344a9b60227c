package io.goloom.channels;

import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a receive that reports more than the value: Go's {@code v, ok := <-ch}, and the
 * non-blocking receive of a {@code select} with a {@code default} case.
 *
 * <p>Three outcomes, told apart by {@link #status()} (or the {@code ok()}/{@code closed()}/
 * {@code wouldBlock()} shortcuts):
 * <ul>
 *   <li>{@link Status#VALUE}: a value was received; {@link #ok()} is true and {@link #value()} is it
 *       (never null). Values buffered before {@code close} are still received as VALUE.</li>
 *   <li>{@link Status#CLOSED}: the channel is closed and drained: Go's {@code ok == false}.
 *       {@link #value()} is null, the closest Java has to Go's zero value.</li>
 *   <li>{@link Status#WOULD_BLOCK}: only from {@code tryReceive}: nothing was ready (Go's
 *       {@code default} case ran). {@link #value()} is null.</li>
 * </ul>
 *
 * <pre>{@code
 * // Go:  v, ok := <-ch
 * Received<String> r = ch.receiveOk();
 * if (r.ok()) use(r.value()); else channelIsClosed();
 * }</pre>
 *
 * @param <E> element type
 */
public final class Received<E> {
    /** What a receive observed. */
    public enum Status {
        /** A value was received. */
        VALUE,
        /** The channel is closed and its buffer is drained. */
        CLOSED,
        /** A non-blocking or timed receive found nothing ready. */
        WOULD_BLOCK
    }

    private static final Received<?> CLOSED = new Received<>(null, Status.CLOSED);
    private static final Received<?> WOULD_BLOCK = new Received<>(null, Status.WOULD_BLOCK);

    private final E value;
    private final Status status;

    private Received(E value, Status status) {
        this.value = value;
        this.status = status;
    }

    /** A received value. */
    public static <E> Received<E> of(E value) {
        return new Received<>(Objects.requireNonNull(value, "value"), Status.VALUE);
    }

    /** The "closed and drained" outcome (Go's zero value with {@code ok == false}). */
    @SuppressWarnings("unchecked")
    public static <E> Received<E> closedChannel() {
        return (Received<E>) CLOSED;
    }

    /** The "nothing ready" outcome of a non-blocking receive. */
    @SuppressWarnings("unchecked")
    public static <E> Received<E> wouldBlockResult() {
        return (Received<E>) WOULD_BLOCK;
    }

    /** Which of the three outcomes this is. */
    public Status status() {
        return status;
    }

    /** The received value, or null (Go's zero value) when {@link #ok()} is false. */
    public E value() {
        return value;
    }

    /** Go's {@code ok}: true iff a value was received. */
    public boolean ok() {
        return status == Status.VALUE;
    }

    /** True iff the channel was observed closed and drained. */
    public boolean closed() {
        return status == Status.CLOSED;
    }

    /** True iff a non-blocking or timed receive found nothing ready. */
    public boolean wouldBlock() {
        return status == Status.WOULD_BLOCK;
    }

    /** The value, or {@code other} when no value was received. */
    public E orElse(E other) {
        return status == Status.VALUE ? value : other;
    }

    /** The value; throws {@link NoSuchElementException} when no value was received. */
    public E orElseThrow() {
        if (status != Status.VALUE) {
            throw new NoSuchElementException(status == Status.CLOSED ? "channel closed" : "no value ready");
        }
        return value;
    }

    /** The value as an Optional (empty for CLOSED and WOULD_BLOCK). */
    public Optional<E> toOptional() {
        return Optional.ofNullable(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Received<?> r && r.status == status && Objects.equals(r.value, value);
    }

    @Override
    public int hashCode() {
        return status.hashCode() * 31 + Objects.hashCode(value);
    }

    @Override
    public String toString() {
        return switch (status) {
            case VALUE -> "Received[" + value + "]";
            case CLOSED -> "Received[closed]";
            case WOULD_BLOCK -> "Received[would block]";
        };
    }
}
