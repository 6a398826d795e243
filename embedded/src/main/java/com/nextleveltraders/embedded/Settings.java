package com.nextleveltraders.embedded;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Validation shared by the option records for the extra server settings they carry. */
final class Settings {

    private Settings() {
    }

    /**
     * An immutable, name-ordered copy (so command lines and config files come out the same every run), refusing
     * names the launcher itself manages and values that could smuggle in extra lines.
     */
    static Map<String, String> copy(Map<String, String> settings, Pattern validName, Set<String> managed,
                                    String server) {
        if (settings == null) {
            return Map.of();
        }
        TreeMap<String, String> copy = new TreeMap<>();
        settings.forEach((name, value) -> {
            Objects.requireNonNull(name, "setting name");
            Objects.requireNonNull(value, () -> "value of setting " + name);
            if (!validName.matcher(name).matches()) {
                throw new IllegalArgumentException("invalid " + server + " setting name: '" + name + "'");
            }
            if (managed.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(server + " setting '" + name + "' is managed by the launcher; "
                        + "use the options instead");
            }
            if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("value of " + server + " setting '" + name
                        + "' must be a single line");
            }
            copy.put(name, value);
        });
        return Collections.unmodifiableMap(copy);
    }

    static int port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (pick a free one) or 1..65535, not " + port);
        }
        return port;
    }

    static long watchPid(long watchPid) {
        if (watchPid < 0) {
            throw new IllegalArgumentException("watchPid must be 0 (none) or a pid, not " + watchPid);
        }
        return watchPid;
    }
}
