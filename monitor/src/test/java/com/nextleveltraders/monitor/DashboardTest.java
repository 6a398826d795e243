package com.nextleveltraders.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nextleveltraders.config.ConfigLoader;
import com.nextleveltraders.config.Monitoring;
import java.util.List;
import org.junit.jupiter.api.Test;

class DashboardTest {

    private final Monitoring monitoring = ConfigLoader.defaults().monitoring();

    @Test
    void anAlertPanelQueriesItsRulesMeasureAndDrawsItsThreshold() {
        List<AlertRule> rules = Rules.of(monitoring);
        Dashboard.Panel pools = Dashboard.panels(monitoring).stream()
                .filter(p -> p.title().equals("Database connections in use")).findFirst().orElseThrow();
        assertThat(pools.queries()).extracting(Dashboard.Query::expr)
                .containsExactly(rules.get(3).measure().promql(), rules.get(4).measure().promql());
        assertThat(pools.threshold()).isEqualTo(80);
    }

    @Test
    void theGrafanaThresholdsBaseStepHasANullValue() {
        JsonNode dashboard = new ObjectMapper().valueToTree(Dashboard.grafana(monitoring));
        JsonNode first = dashboard.get("panels").get(0);
        JsonNode steps = first.get("fieldConfig").get("defaults").get("thresholds").get("steps");
        assertThat(steps.get(0).get("value").isNull()).as(steps.toString()).isTrue();
        assertThat(steps.get(1).get("value").asDouble()).isEqualTo(500);
        assertThat(dashboard.get("panels")).extracting(p -> p.get("gridPos").get("x").asInt())
                .containsOnly(0, 12);
    }
}
