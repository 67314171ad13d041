/**
 * RFC 6455 conformance harness: an echo server built from the Tickwire server's own WebSocket
 * configuration, for Autobahn|Testsuite's fuzzingclient ({@code mvn verify -pl testsuite -Pautobahn}).
 * <p>
 * Threads: Netty event loops only.
 */
package io.tickwire.testsuite.autobahn;
