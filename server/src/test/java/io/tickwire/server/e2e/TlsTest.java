package io.tickwire.server.e2e;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.tickwire.protocol.ProtocolVersion;
import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.Join;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.arena.ArenaGame;
import io.tickwire.server.support.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A session over wss with a certificate made at test time by the JDK's keytool: the client trusts
 * exactly that certificate, joins and receives snapshots.
 */
class TlsTest
{
    @Test
    @Timeout(60)
    void shouldServeSessionOverTls(@TempDir final Path dir) throws Exception
    {
        final Path keystore = dir.resolve("server.p12");
        final Process keytool = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-alias", "tickwire", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
            "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
            "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit")
            .redirectErrorStream(true).start();
        assertTrue(keytool.waitFor(30, TimeUnit.SECONDS) && keytool.exitValue() == 0,
            new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        final KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile()))
        {
            store.load(in, "changeit".toCharArray());
        }
        final PrivateKey key = (PrivateKey)store.getKey("tickwire", "changeit".toCharArray());
        final Certificate cert = store.getCertificate("tickwire");
        final Path certPem = dir.resolve("cert.pem");
        final Path keyPem = dir.resolve("key.pem");
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));

        final TickwireServer server = TickwireServer.start(ServerOptions.builder().host("127.0.0.1").port(0)
            .adminPort(-1).roomLoops(1).tls(certPem, keyPem).roomType(ArenaGame.TYPE, ArenaGame.factory(ArenaGame.DEFAULT_NPC_COUNT)).build());
        try
        {
            assertEquals("wss", server.webSocketUri().getScheme());
            final SslContext trustOnlyThat = SslContextBuilder.forClient()
                .trustManager(certPem.toFile()).build();
            try (RawWebSocketClient client = RawWebSocketClient.connect(server.webSocketUri(), trustOnlyThat))
            {
                client.sendBinary(ClientMessage.newBuilder().setJoin(Join.newBuilder().setRoomType("arena")
                    .setProtocolVersion(ProtocolVersion.CURRENT)).build().toByteArray());
                client.awaitMessage(ServerMessage::hasWelcome);
                final List<ServerMessage> messages = client.messages();
                Await.awaitTrue(() -> messages.stream().filter(ServerMessage::hasSnapshot).count() >= 5,
                    "snapshots over TLS");
            }
        }
        finally
        {
            server.close();
        }
    }

    private static String pem(final String type, final byte[] der)
    {
        return "-----BEGIN " + type + "-----\n" +
            Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der) +
            "\n-----END " + type + "-----\n";
    }
}
