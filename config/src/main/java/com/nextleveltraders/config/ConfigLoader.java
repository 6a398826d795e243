package com.nextleveltraders.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Loads the platform configuration: the defaults bundled as {@code nlt-defaults.yaml}, with override files
 * deep-merged on top (mappings merge key by key; values and lists replace). Unknown keys, unreadable values and
 * invalid combinations are refused with a {@link ConfigException} that lists every problem by key path.
 */
public final class ConfigLoader {

    private static final String DEFAULTS_RESOURCE = "/nlt-defaults.yaml";

    private ConfigLoader() {
    }

    /** The bundled defaults, unchanged. */
    public static PlatformConfig defaults() {
        return Defaults.CONFIG;
    }

    /**
     * The defaults with each file merged on top, in order, so that later files win.
     *
     * @throws ConfigException if a file is missing, unreadable or not YAML, or the result is not a valid
     *     configuration
     */
    public static PlatformConfig load(List<Path> overrideFiles) {
        ConfigProblems problems = new ConfigProblems();
        List<YamlNode.Mapping> overrides = new ArrayList<>();
        for (Path file : List.copyOf(Objects.requireNonNull(overrideFiles, "overrideFiles"))) {
            String text = read(file, problems);
            YamlNode.Mapping tree = text == null ? null : YamlReader.read(text, file.toString(), problems);
            if (tree != null) {
                overrides.add(tree);
            }
        }
        problems.throwIfAny();
        return merge(overrides);
    }

    /**
     * The defaults with one override, given as YAML text, merged on top.
     *
     * @throws ConfigException as {@link #load(List)} does
     */
    public static PlatformConfig loadYaml(String yaml) {
        ConfigProblems problems = new ConfigProblems();
        YamlNode.Mapping tree = YamlReader.read(Objects.requireNonNull(yaml, "yaml"), "YAML text", problems);
        problems.throwIfAny();
        return merge(List.of(tree));
    }

    /**
     * The configuration as YAML in the layout and units of the defaults file; loading it back gives an equal
     * configuration.
     */
    public static String toYaml(PlatformConfig config) {
        return YamlWriter.write(Objects.requireNonNull(config, "config"));
    }

    /**
     * Part of the configuration as YAML, in the layout and units of the defaults file: the text of an override
     * file that sets exactly the keys given, and leaves every other key to the files below it.
     *
     * <p>{@code part} stands for {@link PlatformConfig}: each of its components is named after a key of the
     * configuration at the same place and holds either the configuration's own type for that key (a
     * {@link PostgresEndpoint}, a {@code List<RedisNode>}, an {@code int}...), written whole, or again a record
     * standing for part of that key's record. A {@code null} component is left out. The records must be
     * public (nested ones too), since their components are read by reflection.
     *
     * @throws IllegalArgumentException naming the first component that is not a key of the configuration at its
     *     place, or whose type differs from the configuration's there
     */
    public static String toOverrideYaml(Record part) {
        return YamlWriter.writePart(Objects.requireNonNull(part, "part"));
    }

    private static PlatformConfig merge(List<YamlNode.Mapping> overrides) {
        if (overrides.isEmpty()) {
            return defaults();
        }
        YamlNode merged = Defaults.TREE;
        for (YamlNode.Mapping override : overrides) {
            merged = YamlNode.merge(merged, override);
        }
        return bind(merged);
    }

    private static PlatformConfig bind(YamlNode tree) {
        ConfigProblems problems = new ConfigProblems();
        PlatformConfig config = Binder.bind(tree, PlatformConfig.class, problems);
        if (config != null) {
            // Bound, though values may be out of range: the rules between values run all the same, so that one
            // refusal lists every problem.
            Validator.validate(config, problems);
        }
        problems.throwIfAny();
        return config;
    }

    private static String read(Path file, ConfigProblems problems) {
        String source = file.toString();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(YamlReader.MAX_INPUT_CHARS + 1);
            if (bytes.length > YamlReader.MAX_INPUT_CHARS) {
                problems.add(source, "larger than " + YamlReader.MAX_INPUT_CHARS + " bytes");
                return null;
            }
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (NoSuchFileException e) {
            problems.add(source, "no such file");
        } catch (AccessDeniedException e) {
            problems.add(source, "permission denied");
        } catch (CharacterCodingException e) {
            problems.add(source, "not UTF-8 text");
        } catch (IOException e) {
            problems.add(source, "cannot be read (" + e.getMessage() + ")");
        }
        return null;
    }

    /** Parsed once, on first use. */
    private static final class Defaults {

        static final YamlNode.Mapping TREE = parse();
        static final PlatformConfig CONFIG = bind(TREE);

        private static YamlNode.Mapping parse() {
            String text;
            try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the class path");
                }
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + DEFAULTS_RESOURCE, e);
            }
            ConfigProblems problems = new ConfigProblems();
            YamlNode.Mapping tree = YamlReader.read(text, DEFAULTS_RESOURCE, problems);
            problems.throwIfAny();
            return tree;
        }
    }
}
