package com.nextleveltraders.embedded;

import java.nio.file.Path;

/** A local server could not be prepared, started or stopped. Messages carry the end of the server log when there is one. */
public final class EmbeddedServerException extends RuntimeException {

    public EmbeddedServerException(String message) {
        super(message);
    }

    public EmbeddedServerException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The message followed by the last lines of {@code logFile}, which usually say why the server refused to start. */
    static EmbeddedServerException withLog(String message, Path logFile) {
        return new EmbeddedServerException(message + LogFiles.describeTail(logFile));
    }

    static EmbeddedServerException withLog(String message, Path logFile, Throwable cause) {
        return new EmbeddedServerException(message + LogFiles.describeTail(logFile), cause);
    }
}
