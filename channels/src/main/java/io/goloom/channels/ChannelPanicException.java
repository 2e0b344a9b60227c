package io.goloom.channels;

import java.io.Serial;

/**
 * A Go runtime panic raised by a channel operation, with Go's exact message:
 * {@value #SEND_ON_CLOSED}, {@value #CLOSE_OF_CLOSED} or {@value #CLOSE_OF_NIL}.
 *
 * <p>In Go these are {@code plainError} values that implement {@code runtime.Error}; they signal a
 * programming error (the program's protocol for who closes a channel is broken), which is why this is
 * an unchecked {@link IllegalStateException}.
 */
public final class ChannelPanicException extends IllegalStateException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Go's message for a send on a closed channel (chan.go:chansend, select.go:selectgo). */
    public static final String SEND_ON_CLOSED = "send on closed channel";
    /** Go's message for closing a channel twice (chan.go:closechan). */
    public static final String CLOSE_OF_CLOSED = "close of closed channel";
    /** Go's message for closing the nil channel (chan.go:closechan). */
    public static final String CLOSE_OF_NIL = "close of nil channel";

    ChannelPanicException(String message) {
        super(message);
    }

    static ChannelPanicException sendOnClosed() {
        return new ChannelPanicException(SEND_ON_CLOSED);
    }
}
