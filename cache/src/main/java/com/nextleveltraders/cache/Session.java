package com.nextleveltraders.cache;

import java.time.Instant;
import java.util.UUID;

/** A login: the bearer token handed to the client once, and when it stops working. */
public record Session(String token, UUID userId, Instant expiresAt) {
}
