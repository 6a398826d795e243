package com.nextleveltraders.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CodingTest {

    @Test
    void brotliIsPreferredWheneverTheClientRatesItNoLowerThanGzip() {
        assertThat(Coding.choose("gzip, deflate, br, zstd", true, true)).isEqualTo(Coding.BROTLI);
        assertThat(Coding.choose("br;q=0.5, gzip;q=0.5", true, true)).isEqualTo(Coding.BROTLI);
        assertThat(Coding.choose("BR", true, true)).isEqualTo(Coding.BROTLI);
        assertThat(Coding.choose("br;q=0.4, gzip;q=0.8", true, true)).isEqualTo(Coding.GZIP);
    }

    @Test
    void aCodingGivenQZeroIsNeverChosen() {
        assertThat(Coding.choose("br;q=0, gzip", true, true)).isEqualTo(Coding.GZIP);
        assertThat(Coding.choose("br; q=0.000, gzip;q=0", true, true)).isEqualTo(Coding.IDENTITY);
        assertThat(Coding.choose("*;q=0", true, true)).isEqualTo(Coding.IDENTITY);
        assertThat(Coding.choose("*, br;q=0", true, true)).isEqualTo(Coding.GZIP);
    }

    @Test
    void anUnnamedCodingTakesTheWeightOfTheWildcardOrNone() {
        assertThat(Coding.choose("*", true, true)).isEqualTo(Coding.BROTLI);
        assertThat(Coding.choose("gzip;q=0.2, *;q=0.5", true, true)).isEqualTo(Coding.BROTLI);
        assertThat(Coding.choose("deflate", true, true)).isEqualTo(Coding.IDENTITY);
        assertThat(Coding.choose("identity", true, true)).isEqualTo(Coding.IDENTITY);
        assertThat(Coding.choose("x-gzip", true, true)).isEqualTo(Coding.GZIP);
    }

    @Test
    void onlyAFileTheBuildWroteIsChosenAndIdentityIsAlwaysPossible() {
        assertThat(Coding.choose("br, gzip", false, true)).isEqualTo(Coding.GZIP);
        assertThat(Coding.choose("br", false, true)).isEqualTo(Coding.IDENTITY);
        assertThat(Coding.choose("br, gzip", false, false)).isEqualTo(Coding.IDENTITY);
        assertThat(Coding.choose(null, true, true)).isEqualTo(Coding.IDENTITY);
        assertThat(Coding.choose("", true, true)).isEqualTo(Coding.IDENTITY);
    }

    @Test
    void aMalformedWeightCountsAsZero() {
        assertThat(Coding.choose("br;q=high, gzip", true, true)).isEqualTo(Coding.GZIP);
        assertThat(Coding.choose("br;q=2", true, false)).isEqualTo(Coding.IDENTITY);
        assertThat(Coding.choose("br;q=-1", true, false)).isEqualTo(Coding.IDENTITY);
    }
}
