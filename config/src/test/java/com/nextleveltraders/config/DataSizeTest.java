package com.nextleveltraders.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DataSizeTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "512, 512",
        "512B, 512",
        "64KiB, 65536",
        "64 KiB, 65536",
        "1KB, 1000",
        "1kB, 1000",
        "50MB, 50000000",
        "2MiB, 2097152",
        "500GB, 500000000000",
        "1GiB, 1073741824",
        "1TB, 1000000000000",
        "1TiB, 1099511627776",
        "9223372036854775807, 9223372036854775807",
    })
    void decimalAndBinaryUnitsAreRead(String text, long bytes) {
        assertThat(DataSize.parse(text).bytes()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "", "MB", "1.5GB", "5mb", "5 MB ", "5PB", "5Mib", "0x10"})
    void garbageIsRefusedWithTheText(String text) {
        assertThatThrownBy(() -> DataSize.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a size: " + ConfigProblems.quote(text));
    }

    @Test
    void negativeAndOverflowingSizesAreRefused() {
        assertThatThrownBy(() -> DataSize.parse("-5MB")).hasMessage("not a size: \"-5MB\" (must not be negative)");
        assertThatThrownBy(() -> DataSize.parse("10000000TB")).hasMessage("not a size: \"10000000TB\" (too large)");
        assertThatThrownBy(() -> DataSize.parse("9223372036854775808"))
                .hasMessage("not a size: \"9223372036854775808\" (too large)");
        assertThatThrownBy(() -> new DataSize(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0B",
        "999, 999B",
        "1000, 1KB",
        "1024, 1KiB",
        "65536, 64KiB",
        "50000000, 50MB",
        "100000000, 100MB",
        "500000000000, 500GB",
        "1000000000000, 1TB",
        "10000000000000, 10TB",
        "1099511627776, 1TiB",
        "1536, 1536B",
    })
    void toStringIsTheShortestExactSpelling(long bytes, String text) {
        assertThat(new DataSize(bytes)).hasToString(text);
        assertThat(DataSize.parse(text)).isEqualTo(new DataSize(bytes));
    }
}
