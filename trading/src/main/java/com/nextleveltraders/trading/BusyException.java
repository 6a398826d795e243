package com.nextleveltraders.trading;

/** The instance is saturated for this kind of work right now; the caller may retry shortly. */
public final class BusyException extends RuntimeException {
    public BusyException(String message) {
        super(message, null, false, false);
    }
}
