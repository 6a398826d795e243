package com.nextleveltraders.config;

/**
 * User numbers today and their expected growth: {@code capacity.growth.users}.
 *
 * @param yearly multiplier per year (2.5 means 2.5 times as many users after a year)
 */
public record UserGrowth(int current, double yearly) {

    public UserGrowth {
        Ranges.of(UserGrowth.class)
                .atLeast("current", current, 0)
                .positive("yearly", yearly)
                .check();
    }
}
