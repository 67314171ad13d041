/**
 * The Tickwire client SDK: what a game client links to join a room on a Tickwire server and keep a
 * bit-exact mirror of its state.
 * <p>
 * {@link io.tickwire.client.TickwireClient} opens one WebSocket connection ({@code ws://}, or {@code wss://}
 * over TLS with host name verification; Netty NIO),
 * sends {@code Join}, and completes its join future with a {@link io.tickwire.client.RoomSession} when
 * {@code Welcome} arrives. The session applies each {@code Snapshot} to the baseline it names (the
 * Quake 3 model: retained states keyed by tick, an unknown baseline is a protocol error answered with
 * {@code Ack{request_full}}), acknowledges it, and exposes the newest state through
 * {@link io.tickwire.client.EntityMirror}. Inputs, acks and pings go the other way.
 * <p>
 * Protocol version 2: the {@code Welcome}'s entity types ({@link io.tickwire.client.RoomSession#entityTypes()})
 * give every entity its own schema, read per entity ({@link io.tickwire.client.EntityMirror#typeOf(int)});
 * STRING fields are read as text; owner-only fields hold real values only in the owner's SDK (0 or "" in
 * every other); with an interest policy the mirror holds this client's view, and a removal may mean the
 * entity left it. Every input carries the tick the interpolator showed ({@code Input.view_tick}) for lag
 * compensation.
 * <p>
 * On top of the mirror: {@link io.tickwire.client.ServerClock} (time sync from ping round trips),
 * {@link io.tickwire.client.Interpolator} and {@link io.tickwire.client.RenderState} (snapshot
 * interpolation on the server's timeline, bounded extrapolation), and
 * {@link io.tickwire.client.Predictor} with the game's {@link io.tickwire.protocol.predict.EntityStep} (the
 * same step its server runs; or a client-only {@link io.tickwire.client.StepFunction}) over an
 * {@link io.tickwire.client.EntityState} (prediction and reconciliation of the player's entity).
 * <p>
 * A session outlives its connection: when the connection is lost without a close frame, the SDK resumes
 * the same player on a new connection as its {@link io.tickwire.client.ReconnectPolicy} says (backoff with
 * jitter, the newest resume token, the unprocessed inputs resent), keeping the same
 * {@link io.tickwire.client.RoomSession}, its retained states and its predictor.
 * <p>
 * Inside, {@code ClientConnection} is the session's state machine over role classes ({@code Link},
 * {@code WireCodec}, {@code Inbound}, {@code Outbound}, {@code SnapshotReceiver}, {@code InputJournal},
 * {@code Reconnector}, {@code PingKeeper}, {@code EventDispatcher}); no class refers to one above it (see
 * {@code ClientConnection} and {@code docs/client-sdk.md}).
 * <p>
 * Threads:
 * <ul>
 * <li>Each session belongs to one Netty event loop (of the client's own one-thread group, or of a
 * shared group), and so do all its connections, reconnections included. That thread decodes frames,
 * applies snapshots, writes acks, runs the reconnect timer, and owns the retained states and the
 * mirror's storage; nothing Netty-owned leaves it.</li>
 * <li>{@link io.tickwire.client.SessionListener} callbacks and join-future completions run on that event
 * loop, or on the configured {@link io.tickwire.client.ClientOptions#callbackExecutor()}; in
 * {@link io.tickwire.client.DeliveryMode#POLL} callbacks run in {@link io.tickwire.client.RoomSession#poll()}
 * on the game's thread instead.</li>
 * <li>Sends ({@code sendInput}, {@code ack}, {@code ping}, {@code leave}) may come from any thread; they
 * are queued to the event loop, which writes them in call order.</li>
 * <li>Mirror getters are confined to the event loop (in poll mode: to the polling thread);
 * {@link io.tickwire.client.EntityMirror#copyState()} and the counters in
 * {@link io.tickwire.client.ClientStats} are safe anywhere.</li>
 * <li>The interpolator and the predictor take their own copies of each applied state on the event loop,
 * under their own locks; the interpolator is sampled by a render thread, the predictor driven by the
 * game thread. Automatic pings are a scheduled task of the event loop.</li>
 * </ul>
 */
package io.tickwire.client;
