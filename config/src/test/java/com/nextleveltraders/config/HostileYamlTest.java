package com.nextleveltraders.config;

import static com.nextleveltraders.config.RefusalTest.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Input written to break the loader must be refused with a message, never crash it or exhaust memory. */
@Timeout(10)
class HostileYamlTest {

    @Test
    void aListWhereAMappingIsDueIsRefused() {
        problemsOf("database: [pool, sharding]").containsExactly("database: expected a mapping, got a list");
        problemsOf("database: { pool: 5 }").containsExactly("database.pool: expected a mapping, got \"5\"");
    }

    @Test
    void aMappingWhereAValueIsDueIsRefused() {
        problemsOf("database: { pool: { idleTimeout: { seconds: 30 } } }")
                .containsExactly("database.pool.idleTimeout: expected a duration, got a mapping");
        problemsOf("scaling: { minInstances: [3] }")
                .containsExactly("scaling.minInstances: expected an integer, got a list");
        problemsOf("scaling: { regions: [fra1, [lhr1]] }")
                .containsExactly("scaling.regions[1]: expected a single value, got a list");
    }

    @Test
    void hugeNumbersAreRefusedNotWrapped() {
        problemsOf("""
                database: { pool: { max: 1e400 } }
                scaling: { minInstances: 2147483648 }
                capacity: { perUser: { cpu: 1e400 } }
                platform: { market: { seed: 99999999999999999999999, maxPrice: 1e999999999 } }
                """).containsExactly(
                "scaling.minInstances: not an integer: \"2147483648\" (out of range)",
                "database.pool.max: not an integer: \"1e400\"",
                "capacity.perUser.cpu: not a number: \"1e400\" (out of range)",
                "platform.market.seed: not an integer: \"99999999999999999999999\" (out of range)",
                "platform.market.maxPrice: not a decimal number: \"1e999999999\"");
        problemsOf("platform: { market: { maxPrice: " + "9".repeat(5000) + " } }")
                .singleElement().asString().startsWith("platform.market.maxPrice: not a decimal number: \"999");
    }

    @Test
    void notANumberAndInfinityAreRefused() {
        problemsOf("capacity: { perUser: { cpu: .nan }, growth: { users: { yearly: .inf } } }").containsExactly(
                "capacity.perUser.cpu: not a number: \".nan\"",
                "capacity.growth.users.yearly: not a number: \".inf\"");
        problemsOf("capacity: { perUser: { cpu: NaN } }").containsExactly("capacity.perUser.cpu: not a number: \"NaN\"");
    }

    @Test
    void aBillionLaughsAliasBombIsRefusedWithoutExpandingIt() {
        StringBuilder yaml = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            char previous = (char) (c - 1);
            yaml.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                yaml.append(i == 0 ? "" : ",").append('*').append(previous);
            }
            yaml.append("]\n");
        }
        yaml.append("scaling: { regions: *j }\n");

        assertThatThrownBy(() -> ConfigLoader.loadYaml(yaml.toString()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .hasSizeLessThanOrEqualTo(101)
                        .allSatisfy(p -> assertThat(p).startsWith("YAML text: ").contains("YAML aliases are not supported"))
                        .contains("YAML text: scaling.regions: YAML aliases are not supported (*j)"));
    }

    @Test
    void evenAHarmlessAliasIsRefusedClearly() {
        problemsOf("""
                platform:
                  api: { host: &h 10.0.0.5 }
                  postgres: { host: *h }
                """).containsExactly("YAML text: platform.postgres.host: YAML aliases are not supported (*h)");
    }

    @Test
    void deepNestingIsRefused() {
        String deep = "a: " + "[".repeat(10_000) + "]".repeat(10_000);
        problemsOf(deep).singleElement().asString().startsWith("YAML text: ");
        problemsOf("scaling: " + "{ a: ".repeat(100) + "1" + " }".repeat(100))
                .containsExactly("YAML text: nested deeper than 32 levels");
    }

    @Test
    void oversizedInputIsRefusedBeforeParsing() {
        String big = "scaling: { regions: [" + "fra1, ".repeat(200_000) + "fra1] }";

        problemsOf(big).containsExactly("YAML text: larger than 1048576 characters");
    }

    @Test
    void oversizedFilesAreNotReadWhole(@TempDir Path dir) throws IOException {
        Path big = dir.resolve("big.yaml");
        Files.writeString(big, "# " + "x".repeat(2 << 20));

        assertThatThrownBy(() -> ConfigLoader.load(List.of(big)))
                .isInstanceOfSatisfying(ConfigException.class, e ->
                        assertThat(e.problems()).containsExactly(big + ": larger than 1048576 bytes"));
    }

    @Test
    void aTopLevelThatIsNotAMappingIsRefused() {
        problemsOf("- scaling\n- database\n").containsExactly("YAML text: expected a mapping at the top level, got a list");
        problemsOf("just text").containsExactly("YAML text: expected a mapping at the top level, got \"just text\"");
        assertThat(ConfigLoader.loadYaml("~")).isEqualTo(ConfigLoader.defaults());
    }

    @Test
    void aSecondDocumentIsRefused() {
        problemsOf("scaling: { minInstances: 2 }\n---\nscaling: { minInstances: 4 }\n")
                .containsExactly("YAML text: holds more than one YAML document");
    }

    @Test
    void complexKeysAndTagsDoNotCrashTheLoader() {
        problemsOf("? [a, b]\n: 1\n").singleElement().asString().startsWith("YAML text: malformed YAML at line");
        problemsOf("scaling: { minInstances: !!binary AAAA }")
                .containsExactly("scaling.minInstances: not an integer: \"AAAA\"");
        assertThat(ConfigLoader.loadYaml("scaling: { minInstances: !!python/object:os.system 2 }")
                .scaling().minInstances()).isEqualTo(2);
    }

    @Test
    void controlCharactersAndLongKeysAreQuotedAndShortenedInMessages() {
        String longKey = "k".repeat(500);
        problemsOf("scaling: { \"bad\\u0007key\": 1, " + longKey + ": 2 }").containsExactly(
                "scaling.\"bad\\u0007key\": unknown key",
                "scaling.\"" + "k".repeat(60) + "...\": unknown key");
    }

    @Test
    void charactersYamlForbidsAreRefusedAsMalformed() {
        problemsOf("scaling: { regions: [\"fra1\u0000\"] }").singleElement().asString()
                .startsWith("YAML text: malformed YAML");
    }

    @Test
    void theLoaderStillWorksAfterHostileInput() {
        assertThatThrownBy(() -> ConfigLoader.loadYaml("a: [")).isInstanceOf(ConfigException.class);
        assertThat(ConfigLoader.loadYaml("platform: { engine: { interval: 2s } }").platform().engine().interval())
                .isEqualTo(Duration.ofSeconds(2));
    }
}
