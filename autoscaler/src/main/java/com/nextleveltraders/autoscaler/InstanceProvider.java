package com.nextleveltraders.autoscaler;

import java.io.IOException;
import java.util.List;

/** Starts and stops API instances: local processes, or pods of a Kubernetes Deployment. */
public interface InstanceProvider {

    /** The live instances only: one whose process died is not listed. */
    List<Instance> instances();

    /**
     * Starts an instance in {@code region} and returns once it is healthy and receiving traffic.
     *
     * @throws IOException when it cannot be started or does not become healthy; nothing is left running then
     */
    Instance launch(String region) throws IOException, InterruptedException;

    /** Takes {@code instance} out of the load balancer, lets its requests finish, then stops it. */
    void stop(Instance instance) throws IOException, InterruptedException;
}
