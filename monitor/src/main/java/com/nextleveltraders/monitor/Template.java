package com.nextleveltraders.monitor;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Prometheus's alert templates the rules use, rendered the same way here as Prometheus renders it:
 * {@code {{ $labels.NAME }}} and {@code {{ $value | printf "%.Nf" }}}. Anything else is left as written, so a
 * rule using more would show it unrendered in a test rather than pass silently.
 */
final class Template {

    private static final Pattern PART = Pattern.compile(
            "\\{\\{ \\$labels\\.([a-zA-Z_][a-zA-Z0-9_]*) }}|\\{\\{ \\$value \\| printf \"%\\.([0-9])f\" }}");

    private Template() {
    }

    static String render(String template, Map<String, String> labels, double value) {
        Matcher m = PART.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = m.group(1) != null ? labels.getOrDefault(m.group(1), "")
                    : printf(value, Integer.parseInt(m.group(2)));
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Go's {@code printf "%.Nf"}: the exact binary value rounded half to even (Java's {@code %f} rounds half up, so
     * 0.125 would be 0.13 here and 0.12 in Prometheus), a negative value keeping its sign even when it rounds to
     * zero, and NaN and infinities spelled as Go spells them.
     */
    static String printf(double value, int decimals) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        String digits = new BigDecimal(value).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        boolean negative = value < 0 || (value == 0 && 1 / value < 0);
        return negative && !digits.startsWith("-") ? "-" + digits : digits;
    }
}
