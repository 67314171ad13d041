/**
 * A runnable Swing client of the arena demo, built only on the public client SDK: it joins an
 * {@code arena} room, draws every entity through the SDK's {@link io.tickwire.client.Interpolator},
 * predicts the own player with {@link io.tickwire.protocol.arena.ArenaStep} (the very movement the
 * server's arena game runs) and steers it with the keyboard, and shows RTT, tick, snapshot bytes per second and mispredictions.
 * <p>
 * Threads: the SDK runs in {@link io.tickwire.client.DeliveryMode#POLL}, so the whole game loop runs on
 * the Swing event dispatch thread (EDT): a Swing {@code Timer} at about 60 Hz polls the session, feeds the
 * predictor, samples the interpolator and repaints. The SDK's own Netty event loop only decodes and queues.
 * {@link io.tickwire.examples.viewer.Main} parses the command line on the main thread and waits for the
 * viewer to finish.
 */
package io.tickwire.examples.viewer;
