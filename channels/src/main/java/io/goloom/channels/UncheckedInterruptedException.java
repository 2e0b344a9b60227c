package io.goloom.channels;

import java.io.Serial;

/**
 * Thrown where a blocking channel operation is interrupted but the calling API cannot throw the checked
 * {@link InterruptedException}: the {@link java.util.Iterator} of a channel ({@code for (E e : ch)},
 * Go's {@code for v := range ch}). Like {@link java.io.UncheckedIOException} it wraps the checked
 * exception. The thread's interrupt status is set again before this is thrown, so code further up
 * still sees the interruption.
 */
public final class UncheckedInterruptedException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public UncheckedInterruptedException(InterruptedException cause) {
        super(cause);
    }

    @Override
    public synchronized InterruptedException getCause() {
        return (InterruptedException) super.getCause();
    }
}
