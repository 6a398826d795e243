package com.nextleveltraders.trading;

import java.time.Instant;
import java.util.UUID;

/** A registered user as others may see them: never the password or its hash. */
public record User(UUID id, String email, String displayName, Instant createdAt) {
}
