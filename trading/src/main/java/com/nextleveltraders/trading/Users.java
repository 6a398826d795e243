package com.nextleveltraders.trading;

import com.nextleveltraders.config.PlatformConfig;
import com.nextleveltraders.data.Database;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Registration and password checks. */
public final class Users {

    static final int MIN_PASSWORD_LENGTH = 12;
    // Argon2 cost does not grow with length, but parsing and logging of absurd inputs does.
    private static final int MAX_PASSWORD_LENGTH = 1024;
    private static final int MAX_EMAIL_LENGTH = 254;
    private static final int MAX_DISPLAY_NAME_LENGTH = 100;
    private static final Pattern EMAIL = Pattern.compile(
            "^[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$");

    private final Database database;
    private final PasswordHasher hasher;
    private final BigDecimal startingCash;
    private final String currency;
    private final Clock clock;

    public Users(Database database, PlatformConfig config, Clock clock) {
        this.database = database;
        var argon2 = config.platform().security().argon2();
        this.hasher = new PasswordHasher(argon2.memoryKiB(), argon2.iterations(), argon2.parallelism(),
                argon2.maxWait());
        this.startingCash = config.platform().account().startingCash();
        this.currency = config.platform().account().currency();
        this.clock = clock;
    }

    /** Registers a user with the configured starting cash; 409 when the email is taken. */
    public User register(NewUser request) {
        String email = normalise(request.email());
        validate(email, request.password(), request.displayName());
        String displayName = request.displayName().strip();
        String hash = hasher.hash(request.password()); // expensive: outside the transaction
        UUID id = UUID.randomUUID();
        int bucket = database.router().bucketOf(id);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        // The account on the user's shard first, the user in the catalog last: a user the catalog
        // knows always has an account. A taken email (or a crash in between) leaves an account
        // nobody can log into, which is removed at once when possible.
        database.write("create_account", id, connection -> {
            try (PreparedStatement account = connection.prepareStatement(
                    "INSERT INTO accounts (user_id, bucket, currency, cash) VALUES (?, ?, ?, ?)")) {
                account.setObject(1, id);
                account.setInt(2, bucket);
                account.setString(3, currency);
                account.setBigDecimal(4, startingCash);
                account.executeUpdate();
            }
            return null;
        });
        boolean created = database.inTransaction("register", database.catalog(), connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO users (id, bucket, email, display_name, password_hash, created_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING")) {
                insert.setObject(1, id);
                insert.setInt(2, bucket);
                insert.setString(3, email);
                insert.setString(4, displayName);
                insert.setString(5, hash);
                insert.setTimestamp(6, Timestamp.from(now));
                return insert.executeUpdate() == 1;
            }
        });
        if (!created) {
            database.write("remove_account", id, connection -> {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM accounts WHERE user_id = ?")) {
                    delete.setObject(1, id);
                    delete.executeUpdate();
                }
                return null;
            });
        }
        if (!created) {
            throw TradingException.conflict("email-taken", "a user with this email exists");
        }
        return new User(id, email, displayName, now);
    }

    /** The user whose password this is, or empty: the same answer for an unknown email. */
    public Optional<UUID> authenticate(String rawEmail, String password) {
        if (rawEmail == null || password == null || password.length() > MAX_PASSWORD_LENGTH
                || rawEmail.length() > MAX_EMAIL_LENGTH) {
            return Optional.empty();
        }
        String email = normalise(rawEmail);
        record Row(UUID id, String hash) {
        }
        Optional<Row> row = database.readOn("login", database.catalog(), connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, password_hash FROM users WHERE email = ?")) {
                select.setString(1, email);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.of(new Row(rs.getObject(1, UUID.class), rs.getString(2))) : Optional.empty();
                }
            }
        });
        if (row.isEmpty()) {
            hasher.burn(password);
            return Optional.empty();
        }
        return hasher.verify(password, row.get().hash()) ? Optional.of(row.get().id()) : Optional.empty();
    }

    /** The user with this id, as others may see them; empty when there is none. */
    public Optional<User> find(UUID id) {
        return database.readOn("user", database.catalog(), connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, email, display_name, created_at FROM users WHERE id = ?")) {
                select.setObject(1, id);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new User(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                                    rs.getTimestamp(4).toInstant()))
                            : Optional.empty();
                }
            }
        });
    }

    private static String normalise(String email) {
        return email == null ? null : email.strip().toLowerCase(Locale.ROOT);
    }

    private static void validate(String email, String password, String displayName) {
        List<FieldError> errors = new ArrayList<>();
        if (email == null || email.isEmpty()) {
            errors.add(new FieldError("email", "is required"));
        } else if (email.length() > MAX_EMAIL_LENGTH || !ClientText.isClean(email) || !EMAIL.matcher(email).matches()) {
            errors.add(new FieldError("email", "is not a valid email address"));
        }
        if (password == null) {
            errors.add(new FieldError("password", "is required"));
        } else if (password.codePointCount(0, password.length()) < MIN_PASSWORD_LENGTH) {
            errors.add(new FieldError("password", "must have at least " + MIN_PASSWORD_LENGTH + " characters"));
        } else if (password.length() > MAX_PASSWORD_LENGTH) {
            errors.add(new FieldError("password", "must have at most " + MAX_PASSWORD_LENGTH + " characters"));
        } else if (!ClientText.isWellFormed(password)) {
            errors.add(new FieldError("password", "must be well-formed Unicode text"));
        }
        if (displayName == null || displayName.isBlank()) {
            errors.add(new FieldError("displayName", "is required"));
        } else if (displayName.length() > MAX_DISPLAY_NAME_LENGTH) {
            errors.add(new FieldError("displayName", "must have at most " + MAX_DISPLAY_NAME_LENGTH + " characters"));
        } else if (!ClientText.isClean(displayName)) {
            errors.add(new FieldError("displayName", "must be well-formed text without control characters"));
        }
        if (!errors.isEmpty()) {
            throw TradingException.invalid(errors);
        }
    }
}
