package io.goloom.channels;

import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a receive that reports more than the value: Go's {@code v, ok := <-ch}, and the
 * non-blocking receive of a {@code select} with a {@code default} case.
 *
 * <p>A sealed type with three outcomes, so a {@code switch} over it is exhaustive without a default:
 * <ul>
 *   <li>{@link Value}: a value was received; {@link #ok()} is true and {@link #value()} is it (never
 *       null). Values buffered before {@code close} are still received as a Value.</li>
 *   <li>{@link Closed}: the channel is closed and drained: Go's {@code ok == false}. {@link #value()} is
 *       null, the closest Java has to Go's zero value.</li>
 *   <li>{@link WouldBlock}: only from {@code tryReceive}: nothing was ready (Go's {@code default} case
 *       ran). {@link #value()} is null.</li>
 * </ul>
 *
 * <pre>{@code
 * // Go:  v, ok := <-ch
 * Received<String> r = ch.receiveOk();
 * if (r.ok()) use(r.value()); else channelIsClosed();
 *
 * // the same with pattern matching
 * switch (ch.tryReceive()) {
 *     case Received.Value<String>(String v) -> use(v);
 *     case Received.Closed<String> c -> channelIsClosed();
 *     case Received.WouldBlock<String> w -> nothingReady();
 * }
 * }</pre>
 *
 * <p>{@link #status()} gives the same three outcomes as an enum, for code that prefers comparing.
 *
 * @param <E> element type
 */
public sealed interface Received<E> permits Received.Value, Received.Closed, Received.WouldBlock {

    /** What a receive observed; the enum view of the three permitted subtypes. */
    enum Status {
        /** A value was received ({@link Value}). */
        VALUE,
        /** The channel is closed and its buffer is drained ({@link Closed}). */
        CLOSED,
        /** A non-blocking or timed receive found nothing ready ({@link WouldBlock}). */
        WOULD_BLOCK
    }

    /** A received value (never null). */
    record Value<E>(E value) implements Received<E> {
        /** @throws NullPointerException if {@code value} is null (channel elements are never null) */
        public Value {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public Status status() {
            return Status.VALUE;
        }

        @Override
        public String toString() {
            return "Received[" + value + "]";
        }
    }

    /** The channel is closed and drained: Go's {@code ok == false}. One shared instance. */
    record Closed<E>() implements Received<E> {
        private static final Closed<?> INSTANCE = new Closed<>();

        @Override
        public Status status() {
            return Status.CLOSED;
        }

        @Override
        public String toString() {
            return "Received[closed]";
        }
    }

    /** A non-blocking or timed receive found nothing ready. One shared instance. */
    record WouldBlock<E>() implements Received<E> {
        private static final WouldBlock<?> INSTANCE = new WouldBlock<>();

        @Override
        public Status status() {
            return Status.WOULD_BLOCK;
        }

        @Override
        public String toString() {
            return "Received[would block]";
        }
    }

    /** A received value. */
    static <E> Received<E> of(E value) {
        return new Value<>(value);
    }

    /** The "closed and drained" outcome (Go's zero value with {@code ok == false}). */
    @SuppressWarnings("unchecked")
    static <E> Received<E> closedChannel() {
        return (Received<E>) Closed.INSTANCE;
    }

    /** The "nothing ready" outcome of a non-blocking receive. */
    @SuppressWarnings("unchecked")
    static <E> Received<E> wouldBlockResult() {
        return (Received<E>) WouldBlock.INSTANCE;
    }

    /** Which of the three outcomes this is. */
    Status status();

    /** The received value, or null (Go's zero value) when {@link #ok()} is false. */
    default E value() {
        return null; // overridden by Value's record component
    }

    /** Go's {@code ok}: true iff a value was received. */
    default boolean ok() {
        return this instanceof Value;
    }

    /** True iff the channel was observed closed and drained. */
    default boolean closed() {
        return this instanceof Closed;
    }

    /** True iff a non-blocking or timed receive found nothing ready. */
    default boolean wouldBlock() {
        return this instanceof WouldBlock;
    }

    /** The value, or {@code other} when no value was received. */
    default E orElse(E other) {
        return ok() ? value() : other;
    }

    /** The value; throws {@link NoSuchElementException} when no value was received. */
    default E orElseThrow() {
        if (!ok()) {
            throw new NoSuchElementException(closed() ? "channel closed" : "no value ready");
        }
        return value();
    }

    /** The value as an Optional (empty for Closed and WouldBlock). */
    default Optional<E> toOptional() {
        return Optional.ofNullable(value());
    }
}
