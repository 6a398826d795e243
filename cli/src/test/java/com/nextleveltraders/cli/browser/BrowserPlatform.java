package com.nextleveltraders.cli.browser;

import com.nextleveltraders.cli.NltCommand;
import com.nextleveltraders.cli.UpProcess;
import com.nextleveltraders.embedded.FreePorts;
import com.nextleveltraders.testkit.Polling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real `nlt up` (the launcher as its own process, as a user runs it) serving the repository's web build,
 * and one {@link Browser}, both started once for a test class and stopped after it; the browser's window
 * size and console are reset before each test. Register it with
 * {@code @RegisterExtension static final BrowserPlatform PLATFORM = new BrowserPlatform();}.
 */
public final class BrowserPlatform implements BeforeAllCallback, BeforeEachCallback, AfterTestExecutionCallback,
        AfterAllCallback {

    /** The repository: surefire runs module cli's tests in cli/. */
    public static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    /** The web module's build, which `nlt up` finds beside cli and serves. */
    public static final Path WEB_DIST = REPOSITORY.resolve("web/dist");

    private static final Pattern OPERATIONS = Pattern.compile("operations: (http://\\S+)/ops \\(admin token in (\\S+)\\)");

    private Path dir;
    private Process launcher;
    private int port;
    private String opsOrigin;
    private Path adminTokenFile;
    private Browser browser;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (!Files.isRegularFile(WEB_DIST.resolve("manifest.json"))) {
            throw new AssertionError(WEB_DIST + " holds no build: the web module builds it (mvn verify -pl cli -am)");
        }
        // The browser first: a machine without it fails at once, not after a platform start.
        browser = Browser.start();
        dir = Files.createTempDirectory(Path.of("/tmp"), "nlt-browser-test-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        port = FreePorts.pick();
        UpProcess.Started started = UpProcess.start(dir.resolve("data"), port);
        launcher = started.process();
        if (started.output().stream().noneMatch(line -> line.contains("serving the web app built in"))) {
            throw new AssertionError("nlt up serves no web app:\n" + String.join("\n", started.output()));
        }
        // The operations line follows the "is up" line that start() waits for.
        Polling.until(Duration.ofSeconds(10), "nlt up prints the operations line",
                () -> operationsLine(started.output()).isPresent() ? null : String.join("\n", started.output()));
        Matcher operations = operationsLine(started.output()).orElseThrow();
        opsOrigin = operations.group(1);
        adminTokenFile = Path.of(operations.group(2));
    }

    /** Each test starts with the default window and an empty console, so that its errors are its own. */
    @Override
    public void beforeEach(ExtensionContext context) {
        browser.reset();
    }

    private static Optional<Matcher> operationsLine(List<String> output) {
        synchronized (output) {
            return output.stream().map(OPERATIONS::matcher).filter(Matcher::find).findFirst();
        }
    }

    /** A failed test leaves the page as it was (FAILED-method.png) and the console in the log, to see why. */
    @Override
    public void afterTestExecution(ExtensionContext context) throws Exception {
        if (context.getExecutionException().isPresent() && browser != null) {
            browser.screenshot("FAILED-" + context.getRequiredTestMethod().getName());
            System.err.println("console of " + context.getRequiredTestMethod().getName() + ": "
                    + browser.consoleErrors());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            NltCommand.stop(launcher);
            if (dir != null) {
                NltCommand.deleteTree(dir);
            }
        }
    }

    /** The gateway's public origin, e.g. {@code http://127.0.0.1:PORT}, without a trailing slash. */
    public String publicUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The gateway's loopback admin origin, where the operations dashboard is, as `nlt up` printed it. */
    public String opsOrigin() {
        return opsOrigin;
    }

    /** The admin token, read from the file `nlt up` named (it never prints the token itself). */
    public String adminToken() throws IOException {
        return Files.readString(adminTokenFile).strip();
    }

    /** The platform's data directory (run files, secrets). */
    public Path dataDir() {
        return dir.resolve("data");
    }

    /** The browser, shared by the class's tests (each starts from the page it opens). */
    public Browser browser() {
        return browser;
    }

    /** A copy of {@code relative} from the web build, e.g. {@code assets/app-1234.js.br}. */
    public static byte[] built(String relative) throws IOException {
        return Files.readAllBytes(WEB_DIST.resolve(relative));
    }
}
