/**
 * The Agones game-server lifecycle over the SDK sidecar's REST API on localhost:
 * {@link io.tickwire.server.fleet.agones.AgonesSdk} is the HTTP client (one method per REST call),
 * {@link io.tickwire.server.fleet.agones.AgonesLifecycle} decides when to call it (Ready once
 * listening, Health, allocation watching, player tracking, labels, Shutdown after a drain).
 * Follows the REST mapping of Agones 1.57's {@code sdk.proto} and {@code alpha.proto}
 * (gRPC-gateway). Runs on the fleet scheduler thread.
 */
package io.tickwire.server.fleet.agones;
