package com.nextleveltraders.autoscaler;

import com.nextleveltraders.monitor.LatencyHistogram;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The fleet's figures as step functions of time over {@code [since, now]}, built from the samples of the instances
 * running now. A sample describes the interval since its instance's previous sample, and stands from when it was
 * taken until the instance's next one, but for at most {@code validity}: a missed scrape leaves a gap. An instance
 * is usable from {@code max(since, startedAt + warmup)}; a sample is used only when it and the sample before it were
 * taken after then (and after {@code since}, not in that very instant). The functions only change at a sample, at a
 * sample's expiry and where an instance becomes usable or due, so a condition that is true at each of those
 * instants is true throughout.
 */
final class FleetSeries {

    /** An average over the instances reporting the figure; complete when every instance due to report did. */
    record Reading(OptionalDouble average, boolean complete) {
    }

    /** One instance: when it became usable, and its usable samples by time. */
    private record Track(Instant usableFrom, List<InstanceMetrics> samples) {
    }

    private static final double P99 = 0.99;

    private final List<Track> tracks;
    private final Instant since;
    private final Instant now;
    private final Duration validity;
    private final NavigableSet<Instant> changes = new TreeSet<>();

    private FleetSeries(List<Track> tracks, Instant since, Instant now, Duration validity) {
        this.tracks = tracks;
        this.since = since;
        this.now = now;
        this.validity = validity;
        changes.add(since);
        changes.add(now);
        for (Track track : tracks) {
            changes.add(track.usableFrom());
            changes.add(track.usableFrom().plus(validity.multipliedBy(2)));
            for (InstanceMetrics sample : track.samples()) {
                changes.add(sample.at());
                changes.add(sample.at().plus(validity));
            }
        }
        changes.removeIf(t -> t.isBefore(since) || t.isAfter(now));
    }

    /** @param samples by instance id, each list by time */
    static FleetSeries of(List<Instance> running, Map<String, List<InstanceMetrics>> samples, Instant since,
            Instant now, Duration warmup, Duration validity) {
        List<Track> tracks = new ArrayList<>(running.size());
        for (Instance instance : running) {
            Instant warm = instance.startedAt().plus(warmup);
            Instant usableFrom = warm.isAfter(since) ? warm : since;
            // A sample describes the time since the instance's previous one: process_cpu_usage is measured between
            // two reads, the requests are a difference of counters. So the first sample after the change (or after
            // the warm-up) only opens the window, and one taken in the instant of a change cannot tell which fleet
            // it saw.
            List<InstanceMetrics> after = samples.getOrDefault(instance.id(), List.of()).stream()
                    .filter(s -> s.at().isAfter(since) && !s.at().isBefore(usableFrom) && !s.at().isAfter(now))
                    .toList();
            List<InstanceMetrics> usable = after.isEmpty() ? after : after.subList(1, after.size());
            tracks.add(new Track(usableFrom, usable));
        }
        return new FleetSeries(tracks, since, now, validity);
    }

    /** The average of {@code figure} at {@code t}. */
    Reading average(Instant t, Function<InstanceMetrics, OptionalDouble> figure) {
        double sum = 0;
        int reporting = 0;
        int due = 0;
        for (Track track : tracks) {
            InstanceMetrics sample = sampleAt(track, t);
            OptionalDouble value = sample == null ? OptionalDouble.empty() : figure.apply(sample);
            if (value.isPresent()) {
                sum += value.getAsDouble();
                reporting++;
            }
            if (due(track, t)) {
                due++;
            }
        }
        return new Reading(reporting == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / reporting),
                due > 0 && reporting == due);
    }

    /** The 99th percentile of the requests the reporting instances completed in their last scrape interval. */
    Optional<Duration> p99(Instant t) {
        List<LatencyHistogram> requests = new ArrayList<>();
        for (Track track : tracks) {
            InstanceMetrics sample = sampleAt(track, t);
            // Requests counted from before the instance was usable are another fleet's, or a cold instance's.
            if (sample != null && sample.requests().isPresent()
                    && sample.requests().get().from().isAfter(since)
                    && !sample.requests().get().from().isBefore(track.usableFrom())) {
                requests.add(sample.requests().get());
            }
        }
        return requests.isEmpty() ? Optional.empty() : LatencyHistogram.merge(requests).quantile(P99);
    }

    /** Instances usable (out of warm-up) at {@code t}. */
    int usable(Instant t) {
        return (int) tracks.stream().filter(track -> !track.usableFrom().isAfter(t)).count();
    }

    /** Instances with a standing sample at {@code t}. */
    int reporting(Instant t) {
        return (int) tracks.stream().filter(track -> sampleAt(track, t) != null).count();
    }

    /**
     * How long {@code condition} has been true without a break up to now: {@code now - start} for the earliest
     * {@code start} with the condition true throughout {@code [start, now]}, zero when it is false now. Looks back
     * no further than {@code enough}.
     */
    Duration held(Predicate<Instant> condition, Duration enough) {
        Instant earliest = now.minus(enough);
        Instant start = null;
        for (Instant t : changes.descendingSet()) {
            if (!condition.test(t)) {
                break;
            }
            start = t;
            if (!t.isAfter(earliest)) {
                break;
            }
        }
        return start == null ? Duration.ZERO : Duration.between(start, now);
    }

    /** The instance's latest sample at {@code t} if it still stands, else {@code null}. */
    private InstanceMetrics sampleAt(Track track, Instant t) {
        List<InstanceMetrics> samples = track.samples();
        int low = 0;
        int high = samples.size() - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (samples.get(mid).at().isAfter(t)) {
                high = mid - 1;
            } else {
                found = mid;
                low = mid + 1;
            }
        }
        if (found < 0) {
            return null;
        }
        InstanceMetrics sample = samples.get(found);
        return t.isBefore(sample.at().plus(validity)) ? sample : null;
    }

    /**
     * Whether the instance should be reporting at {@code t}: once it has a usable sample, or once two samples'
     * lifetimes (one to open its window, one to report) have passed since it became usable without one (a gap).
     */
    private boolean due(Track track, Instant t) {
        boolean reported = !track.samples().isEmpty() && !track.samples().getFirst().at().isAfter(t);
        return reported || !t.isBefore(track.usableFrom().plus(validity.multipliedBy(2)));
    }
}
