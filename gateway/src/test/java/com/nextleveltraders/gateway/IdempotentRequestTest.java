package com.nextleveltraders.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import org.junit.jupiter.api.Test;

/** Which requests the gateway may send twice after a connection broke mid-request. */
class IdempotentRequestTest {

    private static AggregatedHttpRequest request(HttpMethod method, String body) {
        return AggregatedHttpRequest.of(RequestHeaders.of(method, "/api/orders"), HttpData.ofUtf8(body));
    }

    @Test
    void readsAndOrdersWithAClientOrderIdMayBeRepeated() {
        assertThat(ProxyService.idempotent(request(HttpMethod.GET, ""))).isTrue();
        assertThat(ProxyService.idempotent(request(HttpMethod.HEAD, ""))).isTrue();
        assertThat(ProxyService.idempotent(request(HttpMethod.POST,
                "{\"symbol\":\"AAPL\",\"clientOrderId\":\"abc-1\"}"))).isTrue();
    }

    @Test
    void everythingElseIsSentOnce() {
        assertThat(ProxyService.idempotent(request(HttpMethod.POST, "{\"symbol\":\"AAPL\"}"))).isFalse();
        assertThat(ProxyService.idempotent(request(HttpMethod.POST, "{\"clientOrderId\":\"  \"}"))).isFalse();
        assertThat(ProxyService.idempotent(request(HttpMethod.POST, "{\"clientOrderId\":42}"))).isFalse();
        assertThat(ProxyService.idempotent(request(HttpMethod.POST, "{\"clientOrderId\":"))).isFalse();
        assertThat(ProxyService.idempotent(request(HttpMethod.POST, "[\"clientOrderId\"]"))).isFalse();
        assertThat(ProxyService.idempotent(request(HttpMethod.POST, ""))).isFalse();
        assertThat(ProxyService.idempotent(request(HttpMethod.DELETE, ""))).isFalse();
        assertThat(ProxyService.idempotent(request(HttpMethod.PUT, "{\"clientOrderId\":\"abc\"}"))).isFalse();
    }
}
