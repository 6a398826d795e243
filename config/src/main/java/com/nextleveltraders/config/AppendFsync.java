package com.nextleveltraders.config;

/** When Redis syncs its append-only file to disk: {@code redis.persistence.appendfsync}. */
public enum AppendFsync {
    /** Once a second: at most about a second of writes lost if the machine itself fails. */
    EVERYSEC,
    /** Before every reply: nothing acknowledged is lost, at the cost of a disk sync per write. */
    ALWAYS
}
