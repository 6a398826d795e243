package com.nextleveltraders.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

    @Test
    void aReplicaIsStartedAgainInItsOwnWordsUntilItDiesTooOftenThenItIsFatal() throws Exception {
        Supervisor supervisor = new Supervisor();
        AtomicReference<Process> current = new AtomicReference<>(sleeper());
        CountDownLatch restarts = new CountDownLatch(5);
        Supervisor.Restart replica = new Supervisor.Restart() {
            @Override
            public ProcessHandle run() {
                current.set(sleeper());
                restarts.countDown();
                return current.get().toHandle();
            }

            @Override
            public boolean reportsItself() {
                return true;
            }
        };
        supervisor.watchAlso(new Supervisor.Child("PostgreSQL (shard 1 replica)", current.get().toHandle(), LOG,
                replica));
        CountDownLatch fatal = new CountDownLatch(1);
        supervisor.superviseAll(fatal::countDown);

        for (long left = 4; left >= 0; left--) {
            current.get().destroyForcibly();
            awaitRestart(restarts, left);
            assertThat(fatal.getCount()).as("not fatal after %d restarts", 5 - left).isEqualTo(1);
        }
        current.get().destroyForcibly(); // a sixth death within the window

        assertThat(fatal.await(60, TimeUnit.SECONDS)).as("fatal").isTrue();
        assertThat(restarts.getCount()).isZero();
        supervisor.close();
    }

    @Test
    void losingTheCatalogSaysWhyItIsFatal() throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            Supervisor supervisor = new Supervisor();
            Process primary = sleeper();
            supervisor.track(() -> { }, new Supervisor.Child("PostgreSQL (catalog)", primary.toHandle(), LOG,
                    null, LocalPostgres.NOT_FAILED_OVER));
            CountDownLatch fatal = new CountDownLatch(1);
            supervisor.superviseAll(fatal::countDown);

            primary.destroyForcibly();

            assertThat(fatal.await(60, TimeUnit.SECONDS)).as("fatal").isTrue();
        } finally {
            System.setErr(err);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("PostgreSQL (catalog) exited"
                + " unexpectedly; see /dev/null. the catalog's PostgreSQL is not failed over to a replica yet: the"
                + " platform stops");
    }

    @Test
    void aChildWhoseRestartReturnsNothingIsNoLongerWatched() throws Exception {
        Supervisor supervisor = new Supervisor();
        Process promoted = sleeper();
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch fatal = new CountDownLatch(1);
        supervisor.track(() -> { }, new Supervisor.Child("PostgreSQL (shard 1 replica)", promoted.toHandle(), LOG,
                () -> {
                    asked.countDown();
                    return null; // promoted: watched as the primary now
                }));
        supervisor.superviseAll(fatal::countDown);

        promoted.destroyForcibly();

        assertThat(asked.await(60, TimeUnit.SECONDS)).as("restart asked").isTrue();
        assertThat(fatal.getCount()).as("not fatal").isOne();
        supervisor.close();
    }

    private static void awaitRestart(CountDownLatch restarts, long left) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (restarts.getCount() > left && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(restarts.getCount()).as("restarted once").isEqualTo(left);
    }
}
