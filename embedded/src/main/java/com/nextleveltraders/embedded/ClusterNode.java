package com.nextleveltraders.embedded;

import java.util.ArrayList;
import java.util.List;

/** One line of CLUSTER NODES. */
record ClusterNode(String id, String address, String flags, String linkState) {

    static ClusterNode parse(String line) {
        String[] fields = line.split(" ");
        return new ClusterNode(fields[0], fields[1], fields[2], fields[7]);
    }

    /** Every line of a CLUSTER NODES reply. */
    static List<ClusterNode> parseAll(String reply) {
        List<ClusterNode> known = new ArrayList<>();
        for (String line : reply.split("\n")) {
            if (!line.isBlank()) {
                known.add(parse(line.strip()));
            }
        }
        return known;
    }

    boolean isReplica() {
        return List.of(flags.split(",")).contains("slave");
    }

    /** Known by address, talking, and not suspected down. */
    boolean healthy() {
        List<String> flagList = List.of(flags.split(","));
        return !flagList.contains("fail") && !flagList.contains("fail?") && !flagList.contains("handshake")
                && !flagList.contains("noaddr") && (flagList.contains("myself") || linkState.equals("connected"));
    }
}
