/**
 * The shooter example: what its server plugin ({@code server}) and its clients ({@code bot}) share, the
 * entity types and their fields, the input and the message formats. Depends on the protocol jar only; stateless, any thread.
 */
package io.tickwire.examples.shooter;
