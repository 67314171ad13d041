package io.tickwire.testsuite.fuzz;

import io.tickwire.protocol.v1.ClientMessage;
import io.tickwire.protocol.v1.ServerMessage;
import io.tickwire.server.ServerOptions;
import io.tickwire.server.TickwireServer;
import io.tickwire.server.game.arena.ArenaGame;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry points run in a child JVM, for inputs that may crash the JVM that parses them: the test
 * JVM must survive to report the crash.
 */
public final class ChildProcesses
{
    /** What {@link ParseDirect} prints when the parser refused the input with an exception. */
    public static final String REJECTED = "rejected";
    /** What {@link ParseDirect} prints when the parser accepted the input. */
    public static final String PARSED = "parsed";
    /** First line {@link RunServer} prints, followed by the bound port. */
    public static final String PORT_LINE = "port ";

    private ChildProcesses()
    {
    }

    /**
     * @param mainClass a nested class of this one with a main method.
     * @param args      its arguments.
     * @return a builder for a JVM with this JVM's class path and the Agrona add-exports.
     */
    public static ProcessBuilder childJvm(final Class<?> mainClass, final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-XX:-CreateCoredumpOnCrash");
        command.add("-XX:ErrorFile=" + Path.of(System.getProperty("java.io.tmpdir"), "tickwire-child-hs_err_%p.log"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    /**
     * Parse a class-path resource as a {@code ClientMessage} or {@code ServerMessage} from a direct
     * {@link ByteBuffer}, as the server and the SDK do with Netty's buffers; print the outcome.
     */
    public static final class ParseDirect
    {
        private ParseDirect()
        {
        }

        /**
         * @param args "client" or "server", then the resource path.
         * @throws IOException when the resource cannot be read.
         */
        public static void main(final String[] args) throws IOException
        {
            final byte[] bytes;
            try (InputStream in = ChildProcesses.class.getResourceAsStream(args[1]))
            {
                bytes = in.readAllBytes();
            }
            final ByteBuffer direct = DirectDecoding.direct(bytes);
            try
            {
                final Object message = "client".equals(args[0]) ?
                    ClientMessage.parseFrom(direct) : ServerMessage.parseFrom(direct);
                System.out.println(PARSED + " " + message.getClass().getSimpleName());
            }
            catch (final IOException ex)
            {
                System.out.println(REJECTED + " " + ex);
            }
        }
    }

    /**
     * Run a real server on an ephemeral loopback port, print the port, serve until stdin closes.
     */
    public static final class RunServer
    {
        private RunServer()
        {
        }

        /**
         * @param args unused.
         * @throws IOException when stdin fails.
         */
        public static void main(final String[] args) throws IOException
        {
            try (TickwireServer server = TickwireServer.start(
                ServerOptions.builder().host("127.0.0.1").port(0).adminPort(-1)
                    .roomType(ArenaGame.TYPE, ArenaGame.factory(ArenaGame.DEFAULT_NPC_COUNT)).build()))
            {
                System.out.println(PORT_LINE + server.port());
                System.out.flush();
                while (System.in.read() >= 0)
                {
                    Thread.onSpinWait();
                }
            }
        }
    }
}
