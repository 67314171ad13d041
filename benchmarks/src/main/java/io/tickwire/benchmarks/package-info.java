/**
 * JMH benchmarks and wire-size measurements of the snapshot delta codec.
 * <p>
 * Benchmarks ({@code *Benchmark}) run on JMH's own threads, each with its own {@code @State}; fixtures
 * are built once per trial in {@code @Setup} and reused, so a measured operation does exactly what
 * a room loop (encode) or a client's I/O thread (decode) does per snapshot. {@link
 * io.tickwire.benchmarks.WireSizeReport} is a plain single-threaded {@code main} that counts bytes
 * on the wire. Run everything from the shaded jar {@code benchmarks/target/tickwire-benchmarks.jar}.
 */
package io.tickwire.benchmarks;
