package com.nextleveltraders.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code baseDir/ports}: the shape and ports the cluster was created with, which its nodes.conf files refer to. */
record SavedClusterPorts(int masters, int replicasPerMaster, List<Integer> ports) {

    private static final Logger log = LoggerFactory.getLogger(SavedClusterPorts.class);

    /** The saved ports, or null when there are none or the file is unreadable. */
    static SavedClusterPorts read(Path file) {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            Map<String, String> values = new LinkedHashMap<>();
            for (String line : Files.readAllLines(file)) {
                String[] words = line.strip().split("\\s+");
                if (words.length == 2 && !line.startsWith("#")) {
                    values.put(words[0], words[1]);
                }
            }
            int masters = Integer.parseInt(values.get("masters"));
            int replicas = Integer.parseInt(values.get("replicas-per-master"));
            List<Integer> ports = new ArrayList<>();
            for (int i = 1; i <= masters * (1 + replicas); i++) {
                ports.add(Integer.parseInt(values.get("node-" + i)));
            }
            return new SavedClusterPorts(masters, replicas, List.copyOf(ports));
        } catch (IOException | RuntimeException e) {
            log.warn("Ignoring unreadable {}: {}", file, e.toString());
            return null;
        }
    }

    void write(Path file) {
        StringBuilder text = new StringBuilder("# Written by nlt-embedded when this cluster was created: its"
                + " nodes.conf files refer to these ports.\n");
        text.append("masters ").append(masters).append('\n');
        text.append("replicas-per-master ").append(replicasPerMaster).append('\n');
        for (int i = 0; i < ports.size(); i++) {
            text.append("node-").append(i + 1).append(' ').append(ports.get(i)).append('\n');
        }
        Passwords.writeOwnerOnly(file, text.toString());
    }
}
