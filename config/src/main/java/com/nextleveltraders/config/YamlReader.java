package com.nextleveltraders.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Turns YAML text into a {@link YamlNode} tree with Jackson's streaming parser. Aliases are refused rather
 * than expanded, which rules out alias bombs; input size and nesting depth are capped.
 */
final class YamlReader {

    /** Far above any sensible configuration file, far below anything that strains memory. */
    static final int MAX_INPUT_CHARS = 1 << 20;
    // The schema is six levels deep; anything much deeper is not a configuration file.
    private static final int MAX_DEPTH = 32;

    private static final YAMLFactory FACTORY = YAMLFactory.builder().loaderOptions(loaderOptions()).build();

    private final YAMLParser parser;
    private final String source;
    private final ConfigProblems problems;

    private YamlReader(YAMLParser parser, String source, ConfigProblems problems) {
        this.parser = parser;
        this.source = source;
        this.problems = problems;
    }

    /**
     * Parses one document whose top level must be a mapping; an empty document is an empty mapping.
     * Problems are prefixed with {@code source}; the result is {@code null} if the text could not be parsed.
     */
    static YamlNode.Mapping read(String text, String source, ConfigProblems problems) {
        if (text.length() > MAX_INPUT_CHARS) {
            problems.add(source, "larger than " + MAX_INPUT_CHARS + " characters");
            return null;
        }
        String yaml = text.startsWith("\uFEFF") ? text.substring(1) : text;
        try (YAMLParser parser = FACTORY.createParser(yaml)) {
            return new YamlReader(parser, source, problems).document();
        } catch (TooDeep e) {
            problems.add(source, "nested deeper than " + MAX_DEPTH + " levels");
        } catch (JsonProcessingException e) {
            problems.add(source, "malformed YAML" + at(e.getLocation()) + ": " + summary(e.getOriginalMessage()));
        } catch (IOException e) {
            problems.add(source, "cannot be parsed: " + e.getMessage());
        }
        return null;
    }

    private YamlNode.Mapping document() throws IOException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            return new YamlNode.Mapping(Map.of());
        }
        YamlNode root = node(first, "", 0);
        if (parser.nextToken() != null) {
            problems.add(source, "holds more than one YAML document");
        }
        return switch (root) {
            case YamlNode.Mapping m -> m;
            case YamlNode.Null n -> new YamlNode.Mapping(Map.of());
            default -> {
                problems.add(source, "expected a mapping at the top level, got " + YamlNode.describe(root));
                yield null;
            }
        };
    }

    private YamlNode node(JsonToken token, String path, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new TooDeep();
        }
        return switch (token) {
            case START_OBJECT -> mapping(path, depth);
            case START_ARRAY -> sequence(path, depth);
            case VALUE_NULL -> new YamlNode.Null();
            // Tags are ignored: a !!binary value is embedded, but its text is still what the binder reads.
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE, VALUE_EMBEDDED_OBJECT ->
                scalar(path);
            default -> throw new IOException("unexpected " + token + at(parser.currentLocation()));
        };
    }

    private YamlNode scalar(String path) throws IOException {
        if (parser.isCurrentAlias()) {
            problems.add(source, where(path) + "YAML aliases are not supported (*" + parser.getText() + ")");
            return new YamlNode.Null();
        }
        return new YamlNode.Scalar(parser.getText());
    }

    private YamlNode mapping(String path, int depth) throws IOException {
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        for (JsonToken t = next(); t != JsonToken.END_OBJECT; t = next()) {
            String key = parser.currentName();
            String child = ConfigProblems.key(path, key);
            YamlNode value = node(next(), child, depth + 1);
            if (entries.putIfAbsent(key, value) != null) {
                problems.add(source, child + ": duplicate key");
            }
        }
        return new YamlNode.Mapping(entries);
    }

    private YamlNode sequence(String path, int depth) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        for (JsonToken t = next(); t != JsonToken.END_ARRAY; t = next()) {
            items.add(node(t, ConfigProblems.index(path, items.size()), depth + 1));
        }
        return new YamlNode.Sequence(items);
    }

    private JsonToken next() throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            throw new IOException("unexpected end of input");
        }
        return token;
    }

    private static String where(String path) {
        return path.isEmpty() ? "" : path + ": ";
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    // SnakeYAML's messages quote the offending source with a caret on indented lines; the location is reported
    // separately, so only the unindented lines that say what is wrong are kept.
    private static String summary(String message) {
        String kept = message == null ? "" : message.lines()
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .collect(Collectors.joining("; "));
        return kept.isEmpty() ? "unreadable" : kept;
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_INPUT_CHARS);
        return options;
    }

    private static final class TooDeep extends RuntimeException {
        TooDeep() {
            super(null, null, false, false);
        }
    }
}
