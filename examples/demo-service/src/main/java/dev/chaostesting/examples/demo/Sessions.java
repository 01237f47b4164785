package dev.chaostesting.examples.demo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The fixed demo users and the bearer tokens handed out to them. */
final class Sessions {
    static final Duration TOKEN_LIFETIME = Duration.ofHours(1);

    /** Demo accounts, documented in the README; nothing here protects real data. */
    private static final Map<String, String> PASSWORDS = Map.of("alice", "wonderland", "bob", "builder");

    record Session(String token, String username, Instant expiresAt) {}

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> byToken = new ConcurrentHashMap<>();

    Sessions(Clock clock) {
        this.clock = clock;
    }

    /** @return a new session, or empty when the user is unknown or the password is wrong */
    Optional<Session> login(String username, String password) {
        var expected = PASSWORDS.get(username);
        // Constant-time comparison: the demo should not teach a timing leak.
        if (expected == null
                || !MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        var now = clock.instant();
        // Logins are rare next to requests, so this is where expired tokens are swept to keep the map bounded.
        byToken.values().removeIf(session -> !session.expiresAt().isAfter(now));
        var bytes = new byte[32];
        random.nextBytes(bytes);
        var token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        var session = new Session(token, username, now.plus(TOKEN_LIFETIME).truncatedTo(ChronoUnit.SECONDS));
        byToken.put(token, session);
        return Optional.of(session);
    }

    /** @return the user the token belongs to, or empty when it is unknown or expired */
    Optional<String> authenticate(String token) {
        var session = byToken.get(token);
        if (session == null) {
            return Optional.empty();
        }
        if (!session.expiresAt().isAfter(clock.instant())) {
            byToken.remove(token, session);
            return Optional.empty();
        }
        return Optional.of(session.username());
    }
}
