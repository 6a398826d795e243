package com.nextleveltraders.trading;

import com.nextleveltraders.config.Market;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The simulated market. A quote is a pure function of (seed, symbol, tick number), so every API
 * instance computes the same quote for the same instant without talking to any other.
 *
 * <p>The price walks in log space as a sum of octaves of seeded value noise: octave k holds a
 * random value every 2^k ticks and interpolates between them, with an amplitude growing like
 * sqrt(2^k). Over any horizon it moves like a random walk (variance grows with time), yet it needs
 * no state and stays bounded, because the sum of all amplitudes is finite.
 */
public final class MarketSimulator {

    private static final int OCTAVES = 17;                 // the slowest octave spans 2^16 ticks (~18 h)
    private static final double STEP_VOLATILITY = 0.0005;  // ~0.05 % per tick at the finest octave
    private static final int PRICE_SCALE = 2;

    private final Clock clock;
    private final long seed;
    private final long tickMillis;
    private final double logMin;
    private final double logMax;
    private final BigDecimal minPrice;
    private final BigDecimal maxPrice;
    private final int spreadBasisPoints;
    private final Map<String, Integer> symbols;
    private final List<String> order;

    public MarketSimulator(Market market, Clock clock) {
        this.clock = clock;
        this.seed = market.seed();
        this.tickMillis = market.tick().toMillis();
        this.minPrice = market.minPrice();
        this.maxPrice = market.maxPrice();
        this.logMin = Math.log(minPrice.doubleValue());
        this.logMax = Math.log(maxPrice.doubleValue());
        this.spreadBasisPoints = market.spreadBasisPoints();
        Map<String, Integer> index = new LinkedHashMap<>();
        for (String symbol : market.symbols()) {
            index.put(symbol, index.size());
        }
        this.symbols = Map.copyOf(index);
        this.order = List.copyOf(market.symbols());
    }

    public List<String> symbols() {
        return order;
    }

    public boolean isListed(String symbol) {
        return symbols.containsKey(symbol);
    }

    /** The current quote of a listed symbol, or empty for an unknown one. */
    public Optional<Quote> quote(String symbol) {
        return quoteAt(symbol, clock.instant());
    }

    public List<Quote> quotes() {
        Instant now = clock.instant();
        List<Quote> all = new ArrayList<>(order.size());
        for (String symbol : order) {
            all.add(quoteAt(symbol, now).orElseThrow());
        }
        return all;
    }

    /** The start of the tick that {@code instant} falls in: the time every quote then carries. */
    public Instant tickStart(Instant instant) {
        return Instant.ofEpochMilli(Math.floorDiv(instant.toEpochMilli(), tickMillis) * tickMillis);
    }

    /** The quote in force at {@code instant}. */
    public Optional<Quote> quoteAt(String symbol, Instant instant) {
        Integer index = symbols.get(symbol);
        if (index == null) {
            return Optional.empty();
        }
        long tick = Math.floorDiv(instant.toEpochMilli(), tickMillis);
        BigDecimal last = price(index, tick);
        BigDecimal halfSpread = last.multiply(BigDecimal.valueOf(spreadBasisPoints))
                .divide(BigDecimal.valueOf(20_000), PRICE_SCALE, RoundingMode.CEILING);
        BigDecimal cent = BigDecimal.ONE.movePointLeft(PRICE_SCALE);
        if (halfSpread.compareTo(cent) < 0) {
            halfSpread = cent;
        }
        return Optional.of(new Quote(symbol, last.subtract(halfSpread), last.add(halfSpread), last,
                Instant.ofEpochMilli(tick * tickMillis)));
    }

    BigDecimal price(int symbolIndex, long tick) {
        // Each symbol starts somewhere in the middle 70 % of the log range, leaving room to walk.
        double base = logMin + (logMax - logMin) * (0.15 + 0.7 * unit(mix(seed, symbolIndex, -1, 0)));
        double walk = 0;
        for (int k = 0; k < OCTAVES; k++) {
            long span = 1L << k;
            long cell = Math.floorDiv(tick, span);
            double fraction = (double) Math.floorMod(tick, span) / span;
            double from = signed(mix(seed, symbolIndex, k, cell));
            double to = signed(mix(seed, symbolIndex, k, cell + 1));
            walk += STEP_VOLATILITY * Math.sqrt(span) * (from + (to - from) * fraction);
        }
        BigDecimal price = BigDecimal.valueOf(Math.exp(base + walk)).setScale(PRICE_SCALE, RoundingMode.HALF_EVEN);
        return price.max(minPrice).min(maxPrice);
    }

    /** SplitMix64 over the four inputs: a stateless, well-spread hash. */
    private static long mix(long seed, int symbol, int octave, long cell) {
        long z = seed + 0x9E3779B97F4A7C15L * (symbol + 1L)
                + 0xC2B2AE3D27D4EB4FL * (octave + 2L) + 0x165667B19E3779F9L * cell;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static double unit(long bits) {
        return (bits >>> 11) * 0x1.0p-53;
    }

    private static double signed(long bits) {
        return unit(bits) * 2 - 1;
    }
}
