/**
 * Go's channels and {@code select} for any Java thread, with Go's semantics (runtime/chan.go,
 * runtime/select.go), built only on {@link java.util.concurrent.locks.LockSupport} park/unpark.
 *
 * <ul>
 *   <li>{@link io.goloom.channels.GoChannel}: {@code make(chan E)}, {@code make(chan E, n)}, the nil
 *       channel; send, receive, receive-with-ok, close, len, cap, range.</li>
 *   <li>{@link io.goloom.channels.SendChannel} / {@link io.goloom.channels.ReceiveChannel}: Go's
 *       directional channel types {@code chan<- E} and {@code <-chan E}.</li>
 *   <li>{@link io.goloom.channels.Select}: {@code select} with default and timeout cases, as an
 *       expression ({@code Select.select} returns the chosen case's value) or a statement
 *       ({@code Select.selectIndex} with handlers).</li>
 *   <li>{@link io.goloom.channels.Received}: the sealed result of {@code v, ok := <-ch} and of
 *       non-blocking receives, for {@code switch}.</li>
 *   <li>{@link io.goloom.channels.GoTime}: {@code time.After}, {@code time.NewTimer},
 *       {@code time.NewTicker}.</li>
 *   <li>{@link io.goloom.channels.ChannelPanicException}: Go's channel panics.</li>
 * </ul>
 */
package io.goloom.channels;
