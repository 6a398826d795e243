package com.nextleveltraders.autoscaler;

import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps instances spread evenly over the regions: an instance is added to the region with the fewest, and removed
 * from the region with the most. Ties are broken by the configured order, adding from its start and removing from
 * its end, so that adding then removing returns to the same spread. Within a region the newest instance is removed
 * first: the older ones are warm and proven. Hence no region is left empty while there are at least as many
 * instances as regions. Instances in a region that is no longer configured are removed before any other.
 */
public final class RegionSpread {

    private final List<String> regions;

    /** @param regions {@code scaling.regions}: not empty, no duplicates */
    public RegionSpread(List<String> regions) {
        this.regions = List.copyOf(regions);
        if (this.regions.isEmpty()) {
            throw new IllegalArgumentException("regions must not be empty");
        }
        if (new HashSet<>(this.regions).size() != this.regions.size()) {
            throw new IllegalArgumentException("regions must not repeat: " + regions);
        }
    }

    /** The region where the next instance goes. */
    public String whereToAdd(List<Instance> running) {
        Map<String, Integer> counts = counts(running);
        String best = regions.getFirst();
        for (String region : regions) {
            if (counts.get(region) < counts.get(best)) {
                best = region;
            }
        }
        return best;
    }

    /**
     * The instance to stop next.
     *
     * @throws IllegalArgumentException when {@code running} is empty
     */
    public Instance whichToRemove(List<Instance> running) {
        if (running.isEmpty()) {
            throw new IllegalArgumentException("no instance to remove");
        }
        List<Instance> unconfigured = running.stream().filter(i -> !regions.contains(i.region())).toList();
        if (!unconfigured.isEmpty()) {
            return newest(unconfigured);
        }
        Map<String, Integer> counts = counts(running);
        String fullest = regions.getLast();
        for (String region : regions.reversed()) {
            if (counts.get(region) > counts.get(fullest)) {
                fullest = region;
            }
        }
        String region = fullest;
        return newest(running.stream().filter(i -> i.region().equals(region)).toList());
    }

    private Map<String, Integer> counts(List<Instance> running) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        regions.forEach(region -> counts.put(region, 0));
        for (Instance instance : running) {
            counts.computeIfPresent(Objects.requireNonNull(instance, "instance").region(), (r, n) -> n + 1);
        }
        return counts;
    }

    // Newest by start; ties (instances started in the same instant) by the greater id, for a stable choice.
    private static Instance newest(List<Instance> candidates) {
        return candidates.stream()
                .max(Comparator.comparing(Instance::startedAt).thenComparing(Instance::id))
                .orElseThrow();
    }
}
