package com.nextleveltraders.cli.browser;

import com.nextleveltraders.cli.NltCommand;
import com.nextleveltraders.cli.UpProcess;
import com.nextleveltraders.embedded.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real `nlt up` (the launcher as its own process, as a user runs it) serving the repository's web build,
 * and one {@link Browser}, both started once for a test class and stopped after it; the browser's window
 * size and console are reset before each test. Register it with
 * {@code @RegisterExtension static final BrowserPlatform PLATFORM = new BrowserPlatform();}.
 */
public final class BrowserPlatform implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    /** The repository: surefire runs module cli's tests in cli/. */
    public static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    /** The web module's build, which `nlt up` finds beside cli and serves. */
    public static final Path WEB_DIST = REPOSITORY.resolve("web/dist");

    private Path dir;
    private Process launcher;
    private int port;
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
    }

    /** Each test starts with the default window and an empty console, so that its errors are its own. */
    @Override
    public void beforeEach(ExtensionContext context) {
        browser.reset();
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
