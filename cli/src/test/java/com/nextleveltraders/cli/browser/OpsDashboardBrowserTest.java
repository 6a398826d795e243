package com.nextleveltraders.cli.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operations dashboard on the gateway's admin port of a real `nlt up`, in Chromium: the operator signs in
 * with the admin token, sees the fleet, and watches an instance that was killed go DOWN and its replacement come
 * UP, without reloading the page.
 */
@Tag("platform")
@Tag("browser")
class OpsDashboardBrowserTest {

    @RegisterExtension
    static final BrowserPlatform PLATFORM = new BrowserPlatform();

    private static final ObjectMapper JSON = new ObjectMapper();
    // The gateway's fall count at its fast interval, then the autoscaler's replacement start (a JVM and its checks).
    private static final Duration DOWN_WITHIN = Duration.ofSeconds(30);
    private static final Duration REPLACED_WITHIN = Duration.ofSeconds(150);

    @Test
    void anOperatorSignsInWatchesTheFleetAndSeesAKilledInstanceReplaced() throws Exception {
        Browser browser = PLATFORM.browser();
        OpsPage page = OpsPage.open(browser, PLATFORM.opsOrigin());
        assertThat(Axe.seriousOrCritical(browser)).as("the sign-in form").isEmpty();
        assertThat(page.refusedToken("not-the-admin-token")).isNotBlank();

        page.signIn(PLATFORM.adminToken());
        // Three instances, one per region, all UP (the gateway's health checks may take a moment after start).
        new WebDriverWait(browser.driver(), DOWN_WITHIN)
                .until(d -> page.regionsUp().size() == 3 && page.instanceStates().values().stream()
                        .allMatch("UP"::equals));
        assertThat(page.regionsUp()).containsExactlyInAnyOrder("fra1", "lhr1", "iad1");
        assertThat(page.instanceStates()).hasSize(3);
        // The catalog and a primary and a replica for each of the two shards.
        assertThat(page.postgresRoles(5)).contains("catalog", "primary", "replica");
        assertThat(page.redisNodes(1)).isNotEmpty();
        assertThat(page.autoscaler()).isNotBlank();
        assertThat(page.alertRules()).contains("ResponseTimeHigh", "ErrorRateHigh");
        assertThat(Axe.seriousOrCritical(browser)).as("the dashboard").isEmpty();
        browser.screenshot("ops-dashboard");
        browser.atWidth(360);
        browser.screenshot("ops-dashboard-360");
        assertThat(browser.consoleErrors()).as("signing in and watching").isEmpty();
        browser.atWidth(Browser.WIDTH);

        // Kill one instance's process, as a crash would; the page must follow without a reload.
        List<String> before = new ArrayList<>(page.instanceStates().keySet());
        JsonNode victim = JSON.readTree(Files.readString(PLATFORM.dataDir().resolve("run/fleet.json")))
                .path("instances").get(0);
        String id = victim.path("id").asText();
        browser.driver().executeScript("window.notReloaded = true");
        ProcessHandle.of(victim.path("pid").asLong()).orElseThrow().destroyForcibly();

        page.awaitState(id, "DOWN", DOWN_WITHIN);
        String replacement = page.awaitNewInstanceUp(before, REPLACED_WITHIN);
        assertThat(replacement).isNotEqualTo(id);
        assertThat(browser.driver().executeScript("return window.notReloaded === true")).isEqualTo(true);
        browser.screenshot("ops-dashboard-after-kill");
        assertThat(browser.consoleErrors()).isEmpty();
    }
}
