package com.nextleveltraders.data;

/** PostgreSQL could not be reached, or had no connection to give in time: worth a retry later. */
public final class DatabaseUnavailableException extends RuntimeException {

    private final boolean notCommitted;

    public DatabaseUnavailableException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private DatabaseUnavailableException(String message, Throwable cause, boolean notCommitted) {
        super(message, cause);
        this.notCommitted = notCommitted;
    }

    /**
     * The server went away before the transaction was asked to commit (no connection, or a
     * statement of the work failed): nothing of it was committed, so it may run again elsewhere.
     */
    static DatabaseUnavailableException beforeCommit(String message, Throwable cause) {
        return new DatabaseUnavailableException(message, cause, true);
    }

    /**
     * True when the work certainly did not commit; false when it may have (the connection broke
     * while it committed), and running it again could do it twice.
     */
    public boolean notCommitted() {
        return notCommitted;
    }
}
