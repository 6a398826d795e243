package com.nextleveltraders.data;

/** PostgreSQL could not be reached, or had no connection to give in time: worth a retry later. */
public final class DatabaseUnavailableException extends RuntimeException {
    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
