package com.nextleveltraders.data;

import java.sql.SQLException;

/** A SQL failure that is not the caller's input and not an outage: a defect or a broken invariant. */
public final class DataAccessException extends RuntimeException {
    public DataAccessException(String message, SQLException cause) {
        super(message + " (SQLState " + cause.getSQLState() + ")", cause);
    }
}
