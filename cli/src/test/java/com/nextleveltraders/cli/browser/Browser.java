package com.nextleveltraders.cli.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver: both come from the system's packages
 * ({@code chromium}, {@code chromium-driver}), so nothing is downloaded when a test runs. One per test class;
 * {@link #close()} quits the browser and stops the chromedriver process this instance started.
 */
public final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** The build's output: kept after the run for a person to look at. */
    static final Path SCREENSHOTS = Path.of("target", "screenshots").toAbsolutePath();
    /** Only bounds how long a broken page holds the build; a page that works answers in well under a second. */
    static final Duration WAIT = Duration.ofSeconds(30);
    static final int WIDTH = 1280;
    static final int HEIGHT = 900;

    /**
     * Selenium looks for a DevTools binding of the browser's exact version at each start and warns when it has
     * none (it ships a few, Debian's Chromium moves on); these tests use no such binding. Held here so that
     * the level stays set (java.util.logging keeps its loggers weakly).
     */
    private static final Logger DEVTOOLS = Logger.getLogger("org.openqa.selenium.devtools");

    static {
        DEVTOOLS.setLevel(Level.SEVERE);
    }

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final List<LogEntry> console = new ArrayList<>();

    private Browser(ChromeDriverService service, ChromeDriver driver) {
        this.service = service;
        this.driver = driver;
    }

    /** Starts Chromium; fails, naming the packages, when the machine lacks them (never skips). */
    public static Browser start() throws IOException {
        for (Path binary : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(binary)) {
                throw new AssertionError("the browser tests need " + binary + ": install Debian's chromium and "
                        + "chromium-driver (apt-get install chromium chromium-driver; .ci/run does)");
            }
        }
        // An explicit driver and browser binary: Selenium then has nothing to look up, so it never runs
        // Selenium Manager, which would otherwise go to the network for a driver.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogOutput(java.io.OutputStream.nullOutputStream())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox", // the tests may run as root, where Chromium's sandbox refuses to start
                "--disable-gpu",
                "--disable-dev-shm-usage", // containers give /dev/shm 64 MB, too little for a renderer
                "--window-size=" + WIDTH + "," + HEIGHT,
                "--no-first-run",
                "--no-default-browser-check",
                // Nothing of the browser's own talks to the internet while a test runs.
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-domain-reliability");
        // Every console message, so that a test can assert that a page logged no error (CSP refusals land there).
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        service.start();
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(WAIT);
            return new Browser(service, driver);
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
    }

    /** The driver itself, for what the helpers here do not cover. */
    public ChromeDriver driver() {
        return driver;
    }

    /** Loads {@code url} and returns once the document has loaded (its scripts may still be fetching data). */
    public Browser open(String url) {
        driver.get(url);
        return this;
    }

    /** The first element {@code locator} finds once it is visible. */
    public WebElement waitFor(By locator) {
        return new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    /** Waits until the element {@code locator} finds contains {@code text}; returns it. */
    public WebElement waitForText(By locator, String text) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
        return driver.findElement(locator);
    }

    /** Waits until {@code locator} finds at least {@code count} visible elements; returns them. */
    public List<WebElement> waitForAtLeast(By locator, int count) {
        return new WebDriverWait(driver, WAIT).until(d -> {
            List<WebElement> found = d.findElements(locator).stream().filter(WebElement::isDisplayed).toList();
            return found.size() >= count ? found : null;
        });
    }

    /** Waits until nothing {@code locator} finds is visible. */
    public void waitUntilGone(By locator) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.invisibilityOfElementLocated(locator));
    }

    /** Clears the field {@code locator} finds and types {@code text} into it, as a user would. */
    public void type(By locator, String text) {
        WebElement field = waitFor(locator);
        field.clear();
        field.sendKeys(text);
    }

    /** Clicks what {@code locator} finds once it is clickable. */
    public void click(By locator) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.elementToBeClickable(locator)).click();
    }

    /**
     * The default size, no cookies (so no session of an earlier test) and an empty console: {@link BrowserPlatform}
     * calls it before each test.
     */
    void reset() {
        driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        driver.manage().logs().get(LogType.BROWSER);
        console.clear();
    }

    /**
     * Shows the page {@code width} CSS pixels wide (e.g. 360, a small phone) at the default height, as a phone
     * would: by device emulation, since headless Chromium does not make a window narrower than about 500 pixels.
     */
    public Browser atWidth(int width) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                "width", width, "height", HEIGHT, "deviceScaleFactor", 1, "mobile", width < WIDTH));
        return this;
    }

    /**
     * The console's errors since the test began: script errors, CSP refusals, failed loads. An API
     * answer of 4xx is left out: the pages read those and say what they mean (401 = not signed in, 422 =
     * a field's error), while Chromium logs every one of them as a failed load. The same for the
     * operations page's {@code /admin/session}, whose 401 means "show the sign-in form".
     */
    public List<String> consoleErrors() {
        console.addAll(driver.manage().logs().get(LogType.BROWSER).getAll());
        return console.stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(m -> !((m.contains("/api/") || m.contains("/admin/session"))
                        && m.contains("the server responded with a status of 4")))
                .toList();
    }

    /**
     * Saves the whole page (not only the window), at the window's width, as {@code target/screenshots/NAME.png}
     * in module cli, and returns the file.
     */
    public Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        Number width = (Number) driver.executeScript("return document.documentElement.clientWidth");
        Number height = (Number) driver.executeScript("return document.documentElement.scrollHeight");
        // Chromium's own capture (DevTools' Page.captureScreenshot) reaches beyond the viewport; WebDriver's does not.
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of(
                "format", "png",
                "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
        Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
        return file;
    }

    /** Quits Chromium, then stops the chromedriver process this browser started. */
    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
