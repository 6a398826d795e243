package com.nextleveltraders.gateway.web;

/** {@code If-None-Match} against an entity tag (RFC 9110 section 13.1.2: weak comparison). */
final class EntityTags {

    private EntityTags() {
    }

    /**
     * @param ifNoneMatch the request's header, or {@code null}
     * @param tag         the quoted tag of the representation that would be sent
     * @return whether the client holds that representation already ({@code *} holds any)
     */
    static boolean matches(String ifNoneMatch, String tag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String element : ifNoneMatch.split(",")) {
            String candidate = element.strip();
            if (candidate.equals("*")) {
                return true;
            }
            if (candidate.startsWith("W/")) {
                candidate = candidate.substring(2);
            }
            if (candidate.equals(tag)) {
                return true;
            }
        }
        return false;
    }
}
