package com.nextleveltraders.cache;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reading Redis's {@code INFO} text and role names. */
final class InfoFields {

    private InfoFields() {
    }

    /** The {@code name:value} lines of an INFO reply. */
    static Map<String, String> of(String info) {
        Map<String, String> fields = new LinkedHashMap<>();
        info.lines().forEach(line -> {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        });
        return fields;
    }

    /** Redis still says "slave" in places; the platform says "replica". */
    static String role(String redisRole) {
        return switch (redisRole) {
            case "slave", "replica" -> "replica";
            case "master" -> "master";
            default -> "unknown";
        };
    }
}
