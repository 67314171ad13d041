package io.tickwire.server.faults;

import io.tickwire.client.ClientOptions;
import io.tickwire.client.RoomSession;
import io.tickwire.client.TickwireClient;
import io.tickwire.client.TickwireException;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.arena.ArenaGame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.tickwire.server.support.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SDK over {@code wss} against the real server with a certificate made at test time by the JDK's
 * keytool: trusting exactly that certificate it joins, plays and resumes after a reset (through the
 * fault proxy, which passes TLS through); with the JDK's default trust store, or with a certificate
 * that names another host, the join fails.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsSdkTest
{
    @TempDir
    static Path dir;
    private static Path localhostCert;
    private static Path localhostKey;

    private TickwireServer server;
    private FaultProxy proxy;
    private final List<TickwireClient> clients = new ArrayList<>();

    @BeforeAll
    static void makeCertificate() throws Exception
    {
        final Path[] pair = certificate(dir, "localhost", "SAN=ip:127.0.0.1,dns:localhost");
        localhostCert = pair[0];
        localhostKey = pair[1];
    }

    @AfterEach
    void tearDown()
    {
        clients.forEach(TickwireClient::close);
        if (proxy != null)
        {
            proxy.close();
        }
        if (server != null)
        {
            server.close();
        }
    }

    private void start(final Path cert, final Path key)
    {
        server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1).roomLoops(1)
            .tls(cert, key).roomType(ArenaGame.TYPE, ArenaGame.factory(2)).build());
        assertEquals("wss", server.webSocketUri().getScheme());
    }

    private TickwireClient client(final ClientOptions.Builder options, final SessionEvents events)
    {
        final TickwireClient client = new TickwireClient(options.connectTimeoutMs(3000).build());
        client.addListener(events);
        clients.add(client);
        return client;
    }

    @Test
    void shouldPlayOverWssTrustingExactlyThatCertificateAndResumeAfterReset() throws Exception
    {
        start(localhostCert, localhostKey);
        proxy = FaultProxy.start(server.port());
        final SessionEvents events = new SessionEvents();
        final ClientOptions.Builder options = ClientOptions.builder().uri(proxy.uri(server.webSocketUri()))
            .trustCertificate(localhostCert);
        final RoomSession session = client(options, events).joinByType(ArenaGame.TYPE).get(5, TimeUnit.SECONDS);
        assertTrue(proxy.uri(server.webSocketUri()).toString().startsWith("wss://127.0.0.1:"));
        awaitTrue(() -> events.snapshots() >= 5, 3000, "snapshots over TLS");
        final int first = session.sendInput(ArenaGame.input(1, 0));
        awaitTrue(() -> session.lastProcessedInputSeq() == first, 3000, "input processed");

        proxy.awaitPipe(0).cut();

        final String disconnected = events.next(3000);
        assertTrue(disconnected != null && disconnected.startsWith("disconnected 1006 true"), disconnected);
        assertEquals("reconnected", events.next(5000), "resumed over a new TLS connection");
        final int second = session.sendInput(ArenaGame.input(0, 1));
        awaitTrue(() -> session.lastProcessedInputSeq() == second, 3000, "input processed after the resume");
        assertEquals(1, ServerProbe.loops(server, c -> c.resumes));
        assertEquals(2, proxy.pipes().size());
    }

    @Test
    void shouldRefuseSelfSignedServerWithDefaultTrustStore() throws Exception
    {
        start(localhostCert, localhostKey);
        final TickwireClient client = client(ClientOptions.builder().uri(server.webSocketUri()), new SessionEvents());

        final ExecutionException ex = assertThrows(ExecutionException.class,
            () -> client.joinByType(ArenaGame.TYPE).get(5, TimeUnit.SECONDS));

        final TickwireException cause = assertInstanceOf(TickwireException.class, ex.getCause());
        assertEquals(TickwireException.ABNORMAL_CLOSURE, cause.closeCode());
        assertTrue(hasCause(cause, SSLHandshakeException.class), "a TLS handshake failure: " + cause);
        assertEquals(0, server.sessions().size());
    }

    @Test
    void shouldRefuseTrustedCertificateThatNamesAnotherHost() throws Exception
    {
        final Path[] other = certificate(dir.resolve("other"), "other.example", "SAN=dns:other.example");
        start(other[0], other[1]);
        final TickwireClient client = client(ClientOptions.builder().uri(server.webSocketUri())
            .trustCertificate(other[0]), new SessionEvents());

        final ExecutionException ex = assertThrows(ExecutionException.class,
            () -> client.joinByType(ArenaGame.TYPE).get(5, TimeUnit.SECONDS));

        final TickwireException cause = assertInstanceOf(TickwireException.class, ex.getCause());
        assertTrue(hasCause(cause, SSLHandshakeException.class), "host name verification fails: " + cause);
        assertTrue(cause.getMessage().contains("No subject alternative names matching IP address 127.0.0.1"),
            cause.getMessage());
        assertEquals(0, server.sessions().size());
    }

    private static boolean hasCause(final Throwable t, final Class<? extends Throwable> type)
    {
        for (Throwable c = t; c != null; c = c.getCause())
        {
            if (type.isInstance(c))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Make a self-signed EC certificate and its key with the JDK's keytool, as PEM files.
     *
     * @return the certificate and the key file.
     */
    private static Path[] certificate(final Path directory, final String commonName, final String san)
        throws Exception
    {
        Files.createDirectories(directory);
        final Path keystore = directory.resolve("server.p12");
        final Process keytool = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-alias", "tickwire", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
            "-dname", "CN=" + commonName, "-ext", san,
            "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit")
            .redirectErrorStream(true).start();
        final boolean done = keytool.waitFor(30, TimeUnit.SECONDS);
        final String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(done && keytool.exitValue() == 0, output);
        final KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile()))
        {
            store.load(in, "changeit".toCharArray());
        }
        final PrivateKey key = (PrivateKey)store.getKey("tickwire", "changeit".toCharArray());
        final Certificate cert = store.getCertificate("tickwire");
        final Path certPem = directory.resolve("cert.pem");
        final Path keyPem = directory.resolve("key.pem");
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
        return new Path[]{ certPem, keyPem };
    }

    private static String pem(final String type, final byte[] der)
    {
        return "-----BEGIN " + type + "-----\n" +
            Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der) +
            "\n-----END " + type + "-----\n";
    }
}
