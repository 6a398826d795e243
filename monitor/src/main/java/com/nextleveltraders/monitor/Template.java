package com.nextleveltraders.monitor;

import java.util.Locale;
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
                    : String.format(Locale.ROOT, "%." + m.group(2) + "f", value);
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
