package com.nextleveltraders.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The processes of one `nlt up` (its launcher and every descendant), read from /proc: CPU time and
 * resident memory per kind of process. Linux only; PostgreSQL's processes run as another user,
 * so reading their smaps needs root (their stat and status files do not).
 *
 * <p>Command line, used by bench/orders.sh:
 * <pre>
 *   ProcessTree memory ROOT_PID                 resident memory per kind, as key=value lines
 *   ProcessTree cpu-save ROOT_PID FILE          a CPU snapshot of the tree and the machine into FILE
 *   ProcessTree cpu-since ROOT_PID FILE         CPU seconds per kind since that snapshot, key=value
 * </pre>
 */
final class ProcessTree {

    /** Kinds in the order reports list them. "other" is the launcher's watchdog shells and their sleeps. */
    static final List<String> KINDS = List.of("launcher", "api", "postgres", "redis", "other");

    /** USER_HZ: the unit of the times in /proc/PID/stat and /proc/stat; 100 on every Linux ABI we run on. */
    static final double TICKS_PER_SECOND = 100.0;

    private static final Path PROC = Path.of("/proc");

    private record Proc(long pid, long ppid, String comm, long ticks, long reapedChildTicks) {
    }

    private ProcessTree() {
    }

    /** What kind of process of the platform {@code pid} is; {@code root} is the launcher. */
    static String kindOf(long pid, String comm, long root) {
        if (pid == root) {
            return "launcher";
        }
        if (comm.equals("postgres") || comm.equals("postmaster")) {
            return "postgres";
        }
        if (comm.startsWith("redis-server")) {
            return "redis";
        }
        if (comm.equals("java") && commandLine(pid).contains("com.nextleveltraders.api.ApiMain")) {
            return "api";
        }
        return "other";
    }

    /**
     * CPU ticks per kind of the tree under {@code root}, each process counting its own time and
     * that of its children it has already reaped (so that a PostgreSQL backend that exits between
     * two snapshots is not lost: its time moves to the postmaster). Keys: the kinds, plus
     * {@code self} (this JVM), {@code machine.busy} and {@code machine.all} from /proc/stat.
     */
    static Map<String, Long> cpuTicks(long root) {
        Map<String, Long> ticks = new TreeMap<>();
        for (String kind : KINDS) {
            ticks.put(kind, 0L);
        }
        for (Proc proc : descendants(root)) {
            ticks.merge(kindOf(proc.pid(), proc.comm(), root), proc.ticks() + proc.reapedChildTicks(), Long::sum);
        }
        Proc self = readStat(ProcessHandle.current().pid());
        ticks.put("self", self == null ? 0L : self.ticks());
        long[] machine = machineTicks();
        ticks.put("machine.busy", machine[0]);
        ticks.put("machine.all", machine[1]);
        return ticks;
    }

    /** Resident memory in KiB per kind: {@code rss.KIND} (VmRSS) and {@code pss.KIND} (smaps_rollup Pss). */
    static Map<String, Long> memoryKiB(long root) {
        Map<String, Long> memory = new TreeMap<>();
        for (String kind : KINDS) {
            memory.put("rss." + kind, 0L);
            memory.put("pss." + kind, 0L);
            memory.put("count." + kind, 0L);
        }
        for (Proc proc : descendants(root)) {
            String kind = kindOf(proc.pid(), proc.comm(), root);
            memory.merge("rss." + kind, field(PROC.resolve(proc.pid() + "/status"), "VmRSS:"), Long::sum);
            memory.merge("pss." + kind, field(PROC.resolve(proc.pid() + "/smaps_rollup"), "Pss:"), Long::sum);
            memory.merge("count." + kind, 1L, Long::sum);
        }
        long rss = 0;
        long pss = 0;
        for (String kind : KINDS) {
            rss += memory.get("rss." + kind);
            pss += memory.get("pss." + kind);
        }
        memory.put("rss.total", rss);
        memory.put("pss.total", pss);
        return memory;
    }

    /** {@code root} and every process below it, found through the parent pid of every process. */
    private static List<Proc> descendants(long root) {
        Map<Long, List<Proc>> children = new HashMap<>();
        Proc top = null;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path dir : dirs) {
                Proc proc = readStat(Long.parseLong(dir.getFileName().toString()));
                if (proc == null) {
                    continue;
                }
                if (proc.pid() == root) {
                    top = proc;
                }
                children.computeIfAbsent(proc.ppid(), parent -> new ArrayList<>()).add(proc);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc", e);
        }
        List<Proc> tree = new ArrayList<>();
        if (top == null) {
            return tree;
        }
        Deque<Proc> pending = new ArrayDeque<>(List.of(top));
        while (!pending.isEmpty()) {
            Proc proc = pending.pop();
            tree.add(proc);
            pending.addAll(children.getOrDefault(proc.pid(), List.of()));
        }
        return tree;
    }

    /** One process's /proc/PID/stat, or null once it has exited. */
    private static Proc readStat(long pid) {
        String stat;
        try {
            stat = Files.readString(PROC.resolve(pid + "/stat"), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException e) {
            return null; // exited while being read
        }
        // comm may hold spaces and parentheses: it ends at the last ')'.
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        String comm = stat.substring(open + 1, close);
        String[] fields = stat.substring(close + 2).split(" ");
        // fields[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17.
        return new Proc(pid, Long.parseLong(fields[1]), comm,
                Long.parseLong(fields[11]) + Long.parseLong(fields[12]),
                Long.parseLong(fields[13]) + Long.parseLong(fields[14]));
    }

    /** {busy, all} ticks of every CPU: busy is all but idle and iowait. */
    private static long[] machineTicks() {
        try {
            String first = Files.readAllLines(PROC.resolve("stat")).getFirst();
            String[] fields = first.trim().split("\\s+");
            long all = 0;
            long idle = 0;
            // cpu user nice system idle iowait irq softirq steal (guest times are inside user already)
            for (int i = 1; i <= 8 && i < fields.length; i++) {
                long value = Long.parseLong(fields[i]);
                all += value;
                if (i == 4 || i == 5) {
                    idle += value;
                }
            }
            return new long[] {all - idle, all};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/stat", e);
        }
    }

    private static long field(Path file, String name) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException gone) {
            // exited, or not readable by this user: counts as nothing
        }
        return 0;
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(PROC.resolve(pid + "/cmdline")), StandardCharsets.ISO_8859_1)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * CPU seconds per kind between two snapshots, with {@code client} (this JVM) and
     * {@code elsewhere}: busy time of the machine outside the tree and outside this JVM.
     */
    static Map<String, Double> cpuSeconds(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Double> seconds = new java.util.LinkedHashMap<>();
        long tree = 0;
        for (String kind : KINDS) {
            long delta = after.get(kind) - before.get(kind);
            tree += delta;
            seconds.put(kind, delta / TICKS_PER_SECOND);
        }
        long self = after.get("self") - before.getOrDefault("self", 0L);
        long busy = after.get("machine.busy") - before.get("machine.busy");
        long all = after.get("machine.all") - before.get("machine.all");
        seconds.put("platform", tree / TICKS_PER_SECOND);
        seconds.put("self", self / TICKS_PER_SECOND);
        seconds.put("elsewhere", Math.max(0, busy - tree - self) / TICKS_PER_SECOND);
        seconds.put("machine.busy", busy / TICKS_PER_SECOND);
        seconds.put("machine.idle", (all - busy) / TICKS_PER_SECOND);
        return seconds;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            usage();
        }
        long root = Long.parseLong(args[1]);
        switch (args[0]) {
            case "memory" -> memoryKiB(root).forEach((key, value) -> System.out.println(key + "=" + value));
            case "cpu-save" -> {
                if (args.length != 3) {
                    usage();
                }
                StringBuilder text = new StringBuilder();
                cpuTicks(root).forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
                Files.writeString(Path.of(args[2]), text);
            }
            case "cpu-since" -> {
                if (args.length != 3) {
                    usage();
                }
                Map<String, Long> before = new HashMap<>();
                for (String line : Files.readAllLines(Path.of(args[2]))) {
                    int eq = line.indexOf('=');
                    before.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
                }
                // The JVM that saved the snapshot is gone; this one's own time is not the load's.
                before.put("self", 0L);
                cpuSeconds(before, cpuTicks(root)).forEach((key, value) ->
                        System.out.println(key + "=" + String.format(java.util.Locale.ROOT, "%.2f", value)));
            }
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: ProcessTree memory ROOT_PID | cpu-save ROOT_PID FILE | cpu-since ROOT_PID FILE");
        System.exit(2);
    }
}
