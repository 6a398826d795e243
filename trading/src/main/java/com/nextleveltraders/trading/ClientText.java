package com.nextleveltraders.trading;

/** Checks on client text before it is stored or compared. */
final class ClientText {

    private ClientText() {
    }

    /** Well formed (see {@link #isWellFormed}) and without C0 or C1 control characters. */
    static boolean isClean(String text) {
        return check(text, false);
    }

    /**
     * True when every char belongs to a valid code point: a lone surrogate would be stored by
     * PostgreSQL's UTF-8 as '?', and so make two different client ids equal.
     */
    static boolean isWellFormed(String text) {
        return check(text, true);
    }

    private static boolean check(String text, boolean controlsAllowed) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c) || (!controlsAllowed && Character.isISOControl(c))) {
                return false;
            }
        }
        return true;
    }
}
