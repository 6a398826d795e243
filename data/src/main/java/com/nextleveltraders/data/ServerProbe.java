package com.nextleveltraders.data;

import com.nextleveltraders.config.PlatformConfig;
import com.zaxxer.hikari.HikariConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * One connection to one server, outside any pool, for tools that look at each server once (status,
 * connection budget). A pool would keep {@code database.pool.min} connections open to every server
 * and log every failed attempt; a server that is down here is an answer, not an error.
 */
public final class ServerProbe {

    // Short enough that a dead remote host does not stall a status listing; loopback refuses at once.
    private static final int CONNECT_TIMEOUT_SECONDS = 3;
    private static final int SOCKET_TIMEOUT_SECONDS = 30;

    private ServerProbe() {
    }

    /**
     * Connects to {@code database} on {@code host:port} with the catalog's user and password and the
     * pools' SSL settings and server-side timeouts ({@link Pools#hikariConfig}).
     *
     * @throws SQLException when the server does not answer or refuses the login
     */
    public static Connection open(PlatformConfig config, String host, int port, String database) throws SQLException {
        var endpoint = config.platform().postgres();
        HikariConfig pool = Pools.hikariConfig("nlt-tools", config, host, port, database, endpoint.user(),
                endpoint.passwordFile());
        Properties properties = new Properties();
        pool.getDataSourceProperties().forEach((key, value) -> properties.setProperty(key.toString(), value.toString()));
        properties.setProperty("user", pool.getUsername());
        if (pool.getPassword() != null) {
            properties.setProperty("password", pool.getPassword());
        }
        properties.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_SECONDS));
        return DriverManager.getConnection(pool.getJdbcUrl(), properties);
    }

    /** {@code host:port}, as servers are named in messages. */
    public static String address(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The first line of a failure's message, for one-line reports. */
    public static String reason(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
