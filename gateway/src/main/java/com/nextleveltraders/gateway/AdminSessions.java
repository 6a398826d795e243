package com.nextleveltraders.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The operations dashboard's sessions on the admin port: what a browser holds in the {@code nlt_admin}
 * cookie instead of the admin token itself, so that the token is typed once and never stored by the
 * browser. Each session id is 256 random bits; the gateway keeps only the ids' SHA-256 digests, in
 * memory (a restart signs every operator out, which costs one more login on a loopback port), each with
 * its expiry. At most {@link #MAX_SESSIONS} live at once: a new one past that pushes out the one closest
 * to expiring, so that logins in a loop cannot fill the heap.
 */
final class AdminSessions {

    /** An operator's working day: the dashboard stays open without asking again. */
    static final Duration TTL = Duration.ofHours(12);
    /** Far more than the operators of one platform have browsers. */
    static final int MAX_SESSIONS = 64;
    private static final int ID_BYTES = 32;

    private final Clock clock;
    private final Duration ttl;
    private final SecureRandom random = new SecureRandom();
    // Keyed by the id's digest: a lookup's timing then says nothing of how close a guessed id is.
    private final Map<String, Instant> expiries = new HashMap<>();

    AdminSessions(Clock clock, Duration ttl) {
        this.clock = clock;
        this.ttl = ttl;
    }

    Duration ttl() {
        return ttl;
    }

    /** A new session's id, base64url: the cookie's value. */
    synchronized String open() {
        Instant now = clock.instant();
        expiries.values().removeIf(expiry -> !now.isBefore(expiry));
        if (expiries.size() >= MAX_SESSIONS) {
            expiries.entrySet().stream().min(Map.Entry.comparingByValue())
                    .ifPresent(oldest -> expiries.remove(oldest.getKey()));
        }
        byte[] bytes = new byte[ID_BYTES];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        expiries.put(digest(id), now.plus(ttl));
        return id;
    }

    /** Whether {@code id} names a session that has not expired; an expired one is forgotten. */
    synchronized boolean valid(String id) {
        String key = digest(id);
        Instant expiry = expiries.get(key);
        if (expiry == null) {
            return false;
        }
        if (!clock.instant().isBefore(expiry)) {
            expiries.remove(key);
            return false;
        }
        return true;
    }

    /** Ends the session {@code id}, if there is one. */
    synchronized void close(String id) {
        expiries.remove(digest(id));
    }

    synchronized int size() {
        return expiries.size();
    }

    /** The id of a valid session among a request's cookie values, if any. */
    Optional<String> firstValid(Iterable<String> ids) {
        for (String id : ids) {
            if (valid(id)) {
                return Optional.of(id);
            }
        }
        return Optional.empty();
    }

    private static String digest(String id) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
