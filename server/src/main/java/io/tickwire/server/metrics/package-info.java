/**
 * Micrometer metrics in Prometheus format. Every meter reads counters that the room loops and
 * event loops keep in plain fields or {@code LongAdder}s, at scrape time; nothing on the tick path
 * touches the registry. Thread: registration on the starting thread, reads on the scraping
 * (admin) thread.
 */
package io.tickwire.server.metrics;
