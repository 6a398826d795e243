package com.nextleveltraders.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SupervisorTest {

    private static final Path LOG = Path.of("/dev/null");
    private final List<Process> spawned = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void killSpawned() {
        spawned.forEach(Process::destroyForcibly);
    }

    private Process sleeper() {
        try {
            Process process = new ProcessBuilder("sleep", "300").start();
            spawned.add(process);
            return process;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void everythingIsStoppedInReverseOrderOfStarting() {
        List<String> stopped = new ArrayList<>();
        Supervisor supervisor = new Supervisor();
        supervisor.track(() -> stopped.add("catalog"), new Supervisor.Child("catalog", ProcessHandle.current(), LOG,
                null));
        supervisor.stopAtClose(() -> stopped.add("redis group"));
        supervisor.track(() -> stopped.add("gateway"), new Supervisor.Child("gateway", ProcessHandle.current(), LOG,
                null));

        supervisor.close();

        assertThat(stopped).containsExactly("gateway", "redis group", "catalog");
        assertThat(supervisor.stopping()).isTrue();
    }

    @Test
    void whatStartsWhileThePlatformStopsIsStoppedAtOnceAndRefused() {
        List<String> stopped = new ArrayList<>();
        Supervisor supervisor = new Supervisor();
        supervisor.close();

        assertThatThrownBy(() -> supervisor.track(() -> stopped.add("shard 3 primary"),
                new Supervisor.Child("shard 3 primary", ProcessHandle.current(), LOG, null)))
                .isInstanceOf(IllegalStateException.class).hasMessage("the platform is stopping");
        assertThat(stopped).containsExactly("shard 3 primary");
        assertThat(supervisor.children()).isEmpty();
    }

    @Test
    void aChildThatCanRejoinIsStartedAgainAndWatchedAgain() throws Exception {
        Supervisor supervisor = new Supervisor();
        CountDownLatch restarts = new CountDownLatch(2);
        AtomicReference<Process> current = new AtomicReference<>(sleeper());
        supervisor.watchAlso(new Supervisor.Child("Redis node 1", current.get().toHandle(), LOG, () -> {
            current.set(sleeper());
            restarts.countDown();
            return current.get().toHandle();
        }));
        CountDownLatch fatal = new CountDownLatch(1);
        supervisor.superviseAll(fatal::countDown);

        current.get().destroy();
        awaitRestart(restarts, 1);
        current.get().destroy(); // the restarted process is watched too

        assertThat(restarts.await(60, TimeUnit.SECONDS)).as("restarted twice").isTrue();
        assertThat(fatal.getCount()).isEqualTo(1);
        supervisor.close();
    }

    @Test
    void losingAChildThatCannotRejoinIsFatal() throws Exception {
        Supervisor supervisor = new Supervisor();
        Process catalog = sleeper();
        supervisor.track(() -> { }, new Supervisor.Child("PostgreSQL (catalog)", catalog.toHandle(), LOG, null));
        CountDownLatch fatal = new CountDownLatch(1);
        supervisor.superviseAll(fatal::countDown);

        catalog.destroy();

        assertThat(fatal.await(60, TimeUnit.SECONDS)).as("fatal").isTrue();
    }

    private static void awaitRestart(CountDownLatch restarts, long left) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (restarts.getCount() > left && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(restarts.getCount()).as("restarted once").isEqualTo(left);
    }
}
