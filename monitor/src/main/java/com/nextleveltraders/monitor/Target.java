package com.nextleveltraders.monitor;

import com.nextleveltraders.monitor.PrometheusText.Sample;
import java.util.List;
import java.util.Map;

/**
 * Something the monitor scrapes each interval: a process's {@code /metrics}, or a server it reads itself.
 * Implementations must be safe to call from several threads at once (targets are scraped in parallel).
 */
public interface Target {

    /** Unique among the targets, stable across scrapes: e.g. {@code api/fra1-1}. */
    String id();

    /** Labels added to every sample: {@code job}, {@code instance} and, for an API instance, {@code region}. */
    Map<String, String> labels();

    /**
     * The current samples.
     *
     * @throws Exception anything that made the scrape fail: the target's series go stale
     */
    List<Sample> collect() throws Exception;
}
