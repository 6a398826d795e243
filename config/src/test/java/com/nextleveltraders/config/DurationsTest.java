package com.nextleveltraders.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "100ms, PT0.1S",
        "30s, PT30S",
        "5m, PT5M",
        "24h, PT24H",
        "7d, PT168H",
        "2w, PT336H",
        "1y, PT8760H",
        "0s, PT0S",
    })
    void everyUnitIsRead(String text, Duration expected) {
        assertThat(Durations.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "", "5", "5 m", "5M", "1.5s", "s", "5min", "PT5M", "+5s", "5s ", "0x10s"})
    void garbageIsRefusedWithTheText(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a duration: " + ConfigProblems.quote(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-5s", "-1ms", "-0s"})
    void negativeDurationsAreRefused(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .hasMessage("not a duration: \"" + text + "\" (must not be negative)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"999999999999999999y", "999999999999999999d", "999999999999999999w"})
    void overflowingDurationsAreRefused(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).hasMessage("not a duration: \"" + text + "\" (too large)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"9999999999999999999s", "12345678901234567890ms"})
    void tooManyDigitsAreRefused(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).hasMessageStartingWith("not a duration: ");
    }

    @ParameterizedTest
    @CsvSource({
        "100ms, 100ms",
        "1000ms, 1s",
        "1500ms, 1500ms",
        "90s, 90s",
        "300s, 5m",
        "24h, 1d",
        "7d, 7d",
        "30d, 30d",
        "365d, 1y",
        "730d, 2y",
        "0ms, 0s",
    })
    void formattingPicksTheLargestExactUnit(String text, String written) {
        assertThat(Durations.format(Durations.parse(text))).isEqualTo(written);
        assertThat(Durations.parse(written)).isEqualTo(Durations.parse(text));
    }

    @Test
    void durationsWithoutAYamlSpellingAreNotWritten() {
        assertThatThrownBy(() -> Durations.format(Duration.ofNanos(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.format(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(Durations.describe(Duration.ofNanos(1))).isEqualTo("PT0.000000001S");
    }
}
