package io.tickwire.client;

/**
 * Where {@link SessionListener} callbacks run, chosen once with {@link ClientOptions.Builder#deliveryMode}.
 */
public enum DeliveryMode
{
    /**
     * Callbacks run as soon as an event happens: on the connection's event loop thread, or on the
     * {@link ClientOptions#callbackExecutor()} when one is set. {@link EntityMirror} getters work on
     * the event loop only. The default.
     */
    CALLBACKS,

    /**
     * Events are queued; the game loop calls {@link RoomSession#poll()} (or {@link TickwireClient#poll()})
     * on its own thread, which runs the queued callbacks there, in order. On that thread the
     * {@link EntityMirror} getters work and show the state of the snapshot being delivered (after
     * {@code poll()} returns: of the newest one delivered); the event loop never changes that view.
     */
    POLL
}
