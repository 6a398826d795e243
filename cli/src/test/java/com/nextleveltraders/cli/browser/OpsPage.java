package com.nextleveltraders.cli.browser;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operations dashboard (ops.html on the gateway's admin port, web/src/ops) as an operator sees it. Every
 * selector the tests use for this page is here.
 */
public final class OpsPage {

    private static final By TOKEN = By.id("admin-token");
    private static final By SIGN_IN = By.id("sign-in");
    private static final By TOKEN_ERROR = By.id("admin-token-error");
    private static final By SIGN_OUT = By.id("sign-out");
    private static final By INSTANCE_ROWS = By.cssSelector("#instances tr[data-instance]");
    private static final By POSTGRES_ROWS = By.cssSelector("#postgres tr[data-server]");
    private static final By REDIS_ROWS = By.cssSelector("#redis tr[data-node]");
    private static final By AUTOSCALER = By.id("autoscaler");
    private static final By ALERT_RULES = By.cssSelector("#alert-rules tr[data-rule]");

    private final Browser browser;

    private OpsPage(Browser browser) {
        this.browser = browser;
    }

    /** Opens {@code origin}/ops and waits for the sign-in form. */
    public static OpsPage open(Browser browser, String origin) {
        browser.open(origin + "/ops");
        browser.waitFor(TOKEN);
        return new OpsPage(browser);
    }

    /** Tries a token and returns the message the form shows next to the field. */
    public String refusedToken(String token) {
        browser.type(TOKEN, token);
        browser.click(SIGN_IN);
        return browser.waitFor(TOKEN_ERROR).getText();
    }

    /** Signs in with the admin token and waits for the first instance row. */
    public OpsPage signIn(String token) {
        browser.type(TOKEN, token);
        browser.click(SIGN_IN);
        browser.waitFor(SIGN_OUT);
        browser.waitForAtLeast(INSTANCE_ROWS, 1);
        return this;
    }

    /** Each instance's state as its row shows it (id → UP, DOWN, STARTING or DRAINING). */
    public Map<String, String> instanceStates() {
        return browser.driver().findElements(INSTANCE_ROWS).stream().collect(Collectors.toMap(
                row -> row.getAttribute("data-instance"),
                row -> row.findElement(By.cssSelector("td.state-cell")).getText().strip(),
                (a, b) -> b, LinkedHashMap::new));
    }

    /** The regions of the instances that the page shows UP. */
    public List<String> regionsUp() {
        return browser.driver().findElements(By.cssSelector("#instances tbody[data-region]")).stream()
                .filter(group -> group.findElements(By.cssSelector("tr[data-state='UP']")).size() > 0)
                .map(group -> group.getAttribute("data-region"))
                .toList();
    }

    /** Waits, up to {@code timeout}, until the page shows {@code instance} in {@code state}. */
    public OpsPage awaitState(String instance, String state, Duration timeout) {
        new WebDriverWait(browser.driver(), timeout).until(d -> state.equals(instanceStates().get(instance)));
        return this;
    }

    /** Waits, up to {@code timeout}, for an instance not in {@code known} that the page shows UP; returns its id. */
    public String awaitNewInstanceUp(List<String> known, Duration timeout) {
        return new WebDriverWait(browser.driver(), timeout).until(d -> instanceStates().entrySet().stream()
                .filter(e -> !known.contains(e.getKey()) && e.getValue().equals("UP"))
                .map(Map.Entry::getKey).findFirst().orElse(null));
    }

    /** The PostgreSQL rows' roles (catalog, primary, replica), once at least {@code servers} are listed. */
    public List<String> postgresRoles(int servers) {
        return browser.waitForAtLeast(POSTGRES_ROWS, servers).stream()
                .map(row -> row.getAttribute("data-role")).toList();
    }

    /** The Redis nodes listed, once at least {@code nodes} are. */
    public List<WebElement> redisNodes(int nodes) {
        return browser.waitForAtLeast(REDIS_ROWS, nodes);
    }

    /** The autoscaler panel's text. */
    public String autoscaler() {
        return browser.waitFor(AUTOSCALER).getText();
    }

    /** The alert rules listed, once the monitor's first evaluation is there. */
    public List<String> alertRules() {
        return browser.waitForAtLeast(ALERT_RULES, 1).stream().map(row -> row.getAttribute("data-rule")).toList();
    }
}
