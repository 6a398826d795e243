package com.nextleveltraders.monitor;

import static com.nextleveltraders.monitor.Samples.at;
import static com.nextleveltraders.monitor.Samples.points;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * {@code rate()} as Prometheus's {@code extrapolatedRate} computes it. Every expected value is worked out by hand
 * from that algorithm, over the range {@code (0 s, 60 s]}: increase = last - first (+ the value before each drop);
 * sampled = last.t - first.t; average = sampled / (n - 1); a boundary closer than 1.1 * average is extrapolated
 * to, a farther one gets average / 2; a counter's start is then limited to its zero point,
 * sampled * first / increase; rate = increase * (sampled + toStart + toEnd) / sampled / 60.
 */
class CountersTest {

    private static final double EPS = 1e-9;

    private static double rate(double... secondsAndValues) {
        return Counters.extrapolatedRate(points(secondsAndValues), at(0), at(60));
    }

    @Test
    void theRateOfASteadilyGrowingCounterIsItsSlope() {
        // 2 per second from 1000 on, sampled every 15 s: extrapolated over the whole minute, 90 * 60 / 45 / 60 = 2.
        assertThat(rate(15, 1030, 30, 1060, 45, 1090, 60, 1120)).isCloseTo(2, within(EPS));
        // Sampled off the range's grid, 5 s and 10 s from its ends (both within 1.1 * 15 s): still the slope.
        assertThat(rate(5, 1010, 20, 1040, 35, 1070, 50, 1100)).isCloseTo(2, within(EPS));
    }

    @Test
    void aDropIsACounterRestartingFromZero() {
        // 10 -> 20, restart, 5 -> 15: it grew 10 + 5 + 10 = 25 (last - first = 5, plus the 20 before the drop).
        // toStart 15 < 16.5 and the zero point 45 * 10 / 25 = 18 is farther: extrapolated over 60 s,
        // so 25 * 60 / 45 / 60 = 25 / 45.
        assertThat(rate(15, 10, 30, 20, 45, 5, 60, 15)).isCloseTo(25.0 / 45, within(EPS));
    }

    @Test
    void aSeriesStartingLateInTheRangeIsExtrapolatedHalfASpacingBack() {
        // Samples at 40, 50, 60 s: average 10 s, 40 s to the start is beyond 11 s, so only 5 s before the first;
        // zero point 20 * 100 / 20 = 100 s away. Increase 20 over 20 + 5 + 0 = 25 s of 20 sampled: 20 * 25 / 20 / 60.
        assertThat(rate(40, 100, 50, 110, 60, 120)).isCloseTo(25.0 / 60, within(EPS));
    }

    @Test
    void aSeriesEndingEarlyInTheRangeIsExtrapolatedHalfASpacingForward() {
        // Samples at 10, 20, 30 s: average 10 s, 10 s to the start (< 11) is extrapolated, 30 s to the end is not:
        // 5 s. 20 * (20 + 10 + 5) / 20 / 60 = 35 / 60.
        assertThat(rate(10, 100, 20, 110, 30, 120)).isCloseTo(35.0 / 60, within(EPS));
    }

    @Test
    void aCounterIsNotExtrapolatedToBeforeItsZeroPoint() {
        // Samples at 15..60 s from 3, 15 per 15 s: toStart 15 s, but the counter was 0 only 45 * 3 / 45 = 3 s before
        // the first sample. 45 * (45 + 3 + 0) / 45 / 60 = 48 / 60.
        assertThat(rate(15, 3, 30, 18, 45, 33, 60, 48)).isCloseTo(48.0 / 60, within(EPS));
    }

    @Test
    void aLateStartingSeriesGetsHalfASpacingEvenWhenItsZeroPointIsFarther() {
        // Samples at 30, 45, 60 s from 12: 30 s to the start is beyond 16.5 s, so the start is 7.5 s back; the zero
        // point, 30 * 12 / 30 = 12 s back, is farther and does not widen it (prometheus/prometheus#13725).
        // 30 * (30 + 7.5 + 0) / 30 / 60 = 37.5 / 60.
        assertThat(rate(30, 12, 45, 27, 60, 42)).isCloseTo(37.5 / 60, within(EPS));
    }

    @Test
    void oneSampleHasNoRate() {
        assertThat(rate(30, 12)).isNaN();
        assertThat(rate()).isNaN();
    }
}
