package io.tickwire.protocol.ticket;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mints and verifies join tickets:
 * {@code v1.<base64url(payload)>.<base64url(HMAC-SHA256(secret, "v1." + base64url(payload)))>}
 * where the payload is the UTF-8 lines {@code playerId}, {@code "id:" + roomId} or
 * {@code "type:" + roomType}, the expiry in epoch seconds, and a random nonce.
 * <p>
 * A ticket with custom claims is {@code v2}: the same with {@code "v2."} in both places and a fifth
 * payload line, the claims as {@code application/x-www-form-urlencoded} UTF-8 ({@code k=v&k2=v2},
 * keys sorted). Tickets without claims are minted as {@code v1}, so servers that predate claims
 * keep accepting them; a server that predates claims refuses a {@code v2} ticket as malformed.
 * <p>
 * Verification checks the signature in constant time before it reads anything else, then the
 * expiry. Replay (the nonce) and the room binding are checked by the server, which knows what is
 * being joined and which nonces it has seen. Thread-safe.
 */
public final class JoinTickets
{
    /** Shortest secret accepted, in bytes. */
    public static final int MIN_SECRET_BYTES = 32;
    /** Longest ticket accepted, in characters. */
    public static final int MAX_TICKET_LENGTH = 1024;
    private static final String VERSION = "v1";
    private static final String VERSION_WITH_CLAIMS = "v2";
    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    /**
     * @param secret shared secret of the backend and the room servers, at least 32 bytes.
     * @throws IllegalArgumentException when the secret is too short.
     */
    public JoinTickets(final byte[] secret)
    {
        if (secret == null || secret.length < MIN_SECRET_BYTES)
        {
            throw new IllegalArgumentException("ticket secret too short: bytes=" +
                (secret == null ? 0 : secret.length) + ", min=" + MIN_SECRET_BYTES);
        }
        this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    }

    /**
     * @param secret secret as UTF-8 text, at least 32 bytes.
     * @return the minter/verifier.
     */
    public static JoinTickets ofSecret(final String secret)
    {
        return new JoinTickets(secret == null ? null : secret.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Mint a ticket for one room by id.
     *
     * @param playerId  player id (no line breaks).
     * @param roomId    room id.
     * @param expiresAt expiry.
     * @return the ticket to give the client.
     */
    public String mintForRoom(final String playerId, final String roomId, final Instant expiresAt)
    {
        return mint(playerId, "id:" + requireLine("roomId", roomId), expiresAt, Map.of());
    }

    /**
     * Mint a ticket for one room by id, with custom claims the game reads in {@code onJoinAttempt}.
     *
     * @param playerId  player id (no line breaks).
     * @param roomId    room id.
     * @param expiresAt expiry.
     * @param claims    claims, e.g. {@code name}, {@code team}; keys non-empty.
     * @return the ticket to give the client.
     */
    public String mintForRoom(
        final String playerId, final String roomId, final Instant expiresAt, final Map<String, String> claims)
    {
        return mint(playerId, "id:" + requireLine("roomId", roomId), expiresAt, claims);
    }

    /**
     * Mint a ticket for any room of a type, with custom claims the game reads in {@code onJoinAttempt}.
     *
     * @param playerId  player id (no line breaks).
     * @param roomType  room type.
     * @param expiresAt expiry.
     * @param claims    claims, e.g. {@code name}, {@code team}; keys non-empty.
     * @return the ticket to give the client.
     */
    public String mintForType(
        final String playerId, final String roomType, final Instant expiresAt, final Map<String, String> claims)
    {
        return mint(playerId, "type:" + requireLine("roomType", roomType), expiresAt, claims);
    }

    /**
     * Mint a ticket for any room of a type (join-or-create).
     *
     * @param playerId  player id (no line breaks).
     * @param roomType  room type.
     * @param expiresAt expiry.
     * @return the ticket to give the client.
     */
    public String mintForType(final String playerId, final String roomType, final Instant expiresAt)
    {
        return mint(playerId, "type:" + requireLine("roomType", roomType), expiresAt, Map.of());
    }

    private String mint(
        final String playerId, final String scope, final Instant expiresAt, final Map<String, String> claims)
    {
        final byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        String payload = requireLine("playerId", playerId) + "\n" + scope + "\n" +
            expiresAt.getEpochSecond() + "\n" + B64.encodeToString(nonce);
        final String version;
        if (claims.isEmpty())
        {
            version = VERSION;
        }
        else
        {
            version = VERSION_WITH_CLAIMS;
            payload += "\n" + encodeClaims(claims);
        }
        final String signed = version + "." + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        final String ticket = signed + "." + B64.encodeToString(mac(signed));
        if (ticket.length() > MAX_TICKET_LENGTH)
        {
            throw new IllegalArgumentException("join ticket too long with these claims: length=" + ticket.length() +
                ", max=" + MAX_TICKET_LENGTH);
        }
        return ticket;
    }

    private static String encodeClaims(final Map<String, String> claims)
    {
        final StringBuilder out = new StringBuilder();
        for (final Map.Entry<String, String> e : new TreeMap<>(claims).entrySet())
        {
            if (e.getKey() == null || e.getKey().isEmpty() || e.getValue() == null)
            {
                throw new IllegalArgumentException("claim keys must be non-empty and values non-null: key=" +
                    e.getKey() + ", value=" + e.getValue());
            }
            if (out.length() > 0)
            {
                out.append('&');
            }
            out.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    private static Map<String, String> decodeClaims(final String line) throws TicketException
    {
        final Map<String, String> claims = new LinkedHashMap<>();
        for (final String pair : line.split("&", -1))
        {
            final int eq = pair.indexOf('=');
            if (eq <= 0)
            {
                throw new TicketException("join ticket malformed: claim=" + pair);
            }
            try
            {
                claims.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new TicketException("join ticket malformed: claim=" + pair);
            }
        }
        return claims;
    }

    private static String requireLine(final String name, final String value)
    {
        if (value == null || value.isEmpty() || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0)
        {
            throw new IllegalArgumentException(name + " must be non-empty and on one line: " + name + "=" + value);
        }
        return value;
    }

    /**
     * Check a ticket's signature and expiry and read it.
     *
     * @param ticket the ticket from {@code Join.ticket}.
     * @param now    the current time.
     * @return its content.
     * @throws TicketException when it is malformed, forged or expired.
     */
    public JoinTicket verify(final String ticket, final Instant now) throws TicketException
    {
        if (ticket == null || ticket.isEmpty())
        {
            throw new TicketException("join ticket required: this server runs with ticket verification");
        }
        if (ticket.length() > MAX_TICKET_LENGTH)
        {
            throw new TicketException("join ticket too long: length=" + ticket.length() + ", max=" + MAX_TICKET_LENGTH);
        }
        final int lastDot = ticket.lastIndexOf('.');
        final boolean withClaims = ticket.startsWith(VERSION_WITH_CLAIMS + ".");
        if (!(ticket.startsWith(VERSION + ".") || withClaims) || lastDot <= VERSION.length())
        {
            throw new TicketException("join ticket malformed: expected v1.<payload>.<signature> or v2.<payload>.<signature>");
        }
        final String signed = ticket.substring(0, lastDot);
        final byte[] signature;
        final byte[] payloadBytes;
        try
        {
            signature = B64D.decode(ticket.substring(lastDot + 1));
            payloadBytes = B64D.decode(signed.substring(VERSION.length() + 1));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new TicketException("join ticket malformed: bad base64");
        }
        if (!MessageDigest.isEqual(mac(signed), signature))
        {
            throw new TicketException("join ticket forged: signature does not match");
        }
        final String[] lines = new String(payloadBytes, StandardCharsets.UTF_8).split("\n", -1);
        final int expectedLines = withClaims ? 5 : 4;
        if (lines.length != expectedLines)
        {
            throw new TicketException("join ticket malformed: fields=" + lines.length + ", expected=" + expectedLines);
        }
        final Map<String, String> claims = withClaims ? decodeClaims(lines[4]) : Map.of();
        final long expiresEpochSecond;
        try
        {
            expiresEpochSecond = Long.parseLong(lines[2]);
        }
        catch (final NumberFormatException ex)
        {
            throw new TicketException("join ticket malformed: expiry=" + lines[2]);
        }
        final Instant expiresAt = Instant.ofEpochSecond(expiresEpochSecond);
        if (!now.isBefore(expiresAt))
        {
            throw new TicketException("join ticket expired: expiresAt=" + expiresAt + ", now=" + now);
        }
        final String scope = lines[1];
        if (scope.startsWith("id:"))
        {
            return new JoinTicket(lines[0], scope.substring(3), null, expiresAt, lines[3], claims);
        }
        if (scope.startsWith("type:"))
        {
            return new JoinTicket(lines[0], null, scope.substring(5), expiresAt, lines[3], claims);
        }
        throw new TicketException("join ticket malformed: scope=" + scope);
    }

    private byte[] mac(final String signed)
    {
        try
        {
            final Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(signed.getBytes(StandardCharsets.UTF_8));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacSHA256 unavailable", ex);
        }
    }
}
