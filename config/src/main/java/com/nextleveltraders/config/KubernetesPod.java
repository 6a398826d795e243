package com.nextleveltraders.config;

import java.util.Objects;

/**
 * The size of one API pod in the manifests {@code nlt k8s export} writes: {@code platform.kubernetes}. Not
 * from the strategy: its {@code capacity.perUser} is per user, not per pod.
 *
 * @param cpuRequestMillis the CPU the scheduler reserves, in millicores; the HPA's CPU utilisation is relative to
 *                         it; at least 1
 * @param cpuLimitMillis   the CPU the pod may burst to (GC, JIT, start-up), in millicores; the JVM sizes its
 *                         pools from it; at least {@code cpuRequestMillis}
 * @param memory           request and limit alike, so that a pod is not killed for using what it was promised: a
 *                         whole number of MiB, at least {@value #MIN_MEMORY_MIB} MiB
 * @param heapPercent      the share of {@code memory} the heap may take ({@code -XX:MaxRAMPercentage}), 1 to 100
 */
public record KubernetesPod(long cpuRequestMillis, long cpuLimitMillis, DataSize memory, int heapPercent) {

    /** Below this a JVM with its pools, Netty and the caches does not start. */
    public static final long MIN_MEMORY_MIB = 128;
    private static final int MAX_PERCENT = 100;

    public KubernetesPod {
        Objects.requireNonNull(memory, "memory");
        Ranges.of(KubernetesPod.class)
                .that(cpuRequestMillis >= 1, "cpuRequestMillis", "must be at least 1 (got " + cpuRequestMillis + ")")
                // within one record, so checked here: a pod may never be limited below what it requests
                .that(cpuLimitMillis >= cpuRequestMillis, "cpuLimitMillis",
                        "must be at least cpuRequestMillis (" + cpuLimitMillis + " < " + cpuRequestMillis + ")")
                .wholeMebibytes("memory", memory, MIN_MEMORY_MIB)
                .between("heapPercent", heapPercent, 1, MAX_PERCENT)
                .check();
    }

}
