package com.nextleveltraders.autoscaler;

import static com.nextleveltraders.autoscaler.Fleets.T0;
import static com.nextleveltraders.autoscaler.Fleets.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RegionSpreadTest {

    private static final List<String> REGIONS = List.of("fra1", "lhr1", "iad1");
    private final RegionSpread spread = new RegionSpread(REGIONS);

    @Test
    void addsToTheRegionWithFewestInstancesTiesInConfiguredOrder() {
        assertThat(spread.whereToAdd(List.of())).isEqualTo("fra1");
        assertThat(spread.whereToAdd(List.of(instance("a", "fra1", T0)))).isEqualTo("lhr1");
        assertThat(spread.whereToAdd(List.of(instance("a", "fra1", T0), instance("b", "iad1", T0))))
                .isEqualTo("lhr1");
        assertThat(spread.whereToAdd(List.of(instance("a", "fra1", T0), instance("b", "lhr1", T0),
                instance("c", "iad1", T0)))).isEqualTo("fra1");
        assertThat(spread.whereToAdd(List.of(instance("a", "fra1", T0), instance("b", "fra1", T0),
                instance("c", "lhr1", T0), instance("d", "lhr1", T0), instance("e", "iad1", T0)))).isEqualTo("iad1");
    }

    @Test
    void removesTheNewestInstanceOfTheRegionWithMostTiesFromTheEndOfTheOrder() {
        Instance oldFra = instance("api-1", "fra1", T0);
        Instance newFra = instance("api-4", "fra1", T0.plusSeconds(60));
        Instance lhr = instance("api-2", "lhr1", T0);
        Instance iad = instance("api-3", "iad1", T0);

        assertThat(spread.whichToRemove(List.of(oldFra, newFra, lhr, iad))).isEqualTo(newFra);
        assertThat(spread.whichToRemove(List.of(oldFra, lhr, iad))).isEqualTo(iad);
        assertThat(spread.whichToRemove(List.of(oldFra, lhr))).isEqualTo(lhr);
    }

    @Test
    void amongInstancesStartedTogetherTheChoiceIsStable() {
        Instance a = instance("api-1", "fra1", T0);
        Instance b = instance("api-2", "fra1", T0);

        assertThat(spread.whichToRemove(List.of(a, b))).isEqualTo(b);
        assertThat(spread.whichToRemove(List.of(b, a))).isEqualTo(b);
    }

    @Test
    void instancesInARegionNoLongerConfiguredGoFirst() {
        Instance stray = instance("api-9", "sfo1", T0);
        List<Instance> fleet = List.of(instance("api-1", "fra1", T0), instance("api-2", "fra1", T0.plusSeconds(5)),
                stray);

        assertThat(spread.whichToRemove(fleet)).isEqualTo(stray);
        assertThat(spread.whereToAdd(fleet)).isEqualTo("lhr1");
    }

    @Test
    void growingToTenAndShrinkingToThreeKeepsTheRegionsEvenAndNoneEmpty() {
        List<Instance> fleet = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            fleet.add(instance("api-" + i, spread.whereToAdd(fleet), T0.plusSeconds(i)));
            assertEven(fleet);
        }
        assertThat(counts(fleet)).containsEntry("fra1", 4).containsEntry("lhr1", 3).containsEntry("iad1", 3);
        while (fleet.size() > 3) {
            Instance removed = spread.whichToRemove(fleet);
            assertThat(removed.startedAt()).as("the newest of its region")
                    .isEqualTo(fleet.stream().filter(i -> i.region().equals(removed.region()))
                            .map(Instance::startedAt).max(Instant::compareTo).orElseThrow());
            fleet.remove(removed);
            assertEven(fleet);
        }
        assertThat(fleet).extracting(Instance::id).containsExactlyInAnyOrder("api-1", "api-2", "api-3");
    }

    @Test
    void refusesWhatItCannotWorkWith() {
        assertThatThrownBy(() -> new RegionSpread(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RegionSpread(List.of("fra1", "fra1"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> spread.whichToRemove(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertEven(List<Instance> fleet) {
        Map<String, Integer> counts = counts(fleet);
        int max = counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        int min = counts.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
        assertThat(max - min).as("spread of %s", counts).isLessThanOrEqualTo(1);
        if (fleet.size() >= REGIONS.size()) {
            assertThat(min).as("no region empty in %s", counts).isPositive();
        }
    }

    private static Map<String, Integer> counts(List<Instance> fleet) {
        Map<String, Integer> counts = new TreeMap<>();
        REGIONS.forEach(region -> counts.put(region, 0));
        fleet.forEach(instance -> counts.merge(instance.region(), 1, Integer::sum));
        return counts;
    }
}
