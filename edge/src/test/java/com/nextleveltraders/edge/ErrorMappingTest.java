package com.nextleveltraders.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpStatus;
import com.nextleveltraders.cache.CacheUnavailableException;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

final class ErrorMappingTest {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(3);
    private static final ErrorMapping PLAIN = new ErrorMapping(RETRY_AFTER, ErrorMapping.DomainProblems.NONE);

    record Order(String symbol, BigDecimal quantity) {
    }

    @Test
    void anUnknownFieldIsA400NamingTheField() throws IOException {
        JsonNode body = body(PLAIN.toResponse(parseFailure("{\"symbol\":\"AAPL\",\"quantity\":1,\"price\":2}")), 400);
        assertThat(body.get("type").asText()).isEqualTo("https://nextleveltraders.com/problems/unknown-field");
        assertThat(body.get("errors").get(0).get("field").asText()).isEqualTo("price");
    }

    @Test
    void aNumberWhereTextIsDueIsA400NamingTheField() throws IOException {
        JsonNode body = body(PLAIN.toResponse(parseFailure("{\"symbol\":123,\"quantity\":1}")), 400);
        assertThat(body.get("type").asText()).endsWith("/invalid-type");
        assertThat(body.get("errors").get(0).get("field").asText()).isEqualTo("symbol");
    }

    @Test
    void aDuplicateKeyIsMalformedJson() throws IOException {
        JsonNode body = body(PLAIN.toResponse(parseFailure("{\"symbol\":\"A\",\"symbol\":\"B\"}")), 400);
        assertThat(body.get("type").asText()).endsWith("/malformed-json");
    }

    @Test
    void anHttpProblemKeepsItsStatusTypeAndFields() throws IOException {
        HttpProblem problem = new HttpProblem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                "the body must be application/json", List.of(new FieldProblem("content-type", "must be JSON")));
        JsonNode body = body(PLAIN.toResponse(new CompletionException(problem)), 415);
        assertThat(body.get("type").asText()).endsWith("/unsupported-media-type");
        assertThat(body.get("detail").asText()).isEqualTo("the body must be application/json");
        assertThat(body.get("errors").get(0).get("field").asText()).isEqualTo("content-type");
    }

    @Test
    void anUnreachableRedisIsA503WithRetryAfter() throws IOException {
        AggregatedHttpResponse response = PLAIN.toResponse(new CacheUnavailableException("no answer", null));
        body(response, 503);
        assertThat(response.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("3");
    }

    @Test
    void theServersOwnFailuresAreMappedBeforeTheGenericOnes() throws IOException {
        ErrorMapping mapping = new ErrorMapping(RETRY_AFTER, (cause, retryAfter) -> cause instanceof IllegalStateException
                ? Optional.of(Problems.of(HttpStatus.CONFLICT, "domain-conflict", cause.getMessage(), List.of()))
                : Optional.empty());
        assertThat(body(mapping.toResponse(new IllegalStateException("taken")), 409).get("type").asText())
                .endsWith("/domain-conflict");
        body(mapping.toResponse(new CacheUnavailableException("no answer", null)), 503);
    }

    @Test
    void aDefectIsA500ThatTellsTheClientNothingOfIt() throws IOException {
        AggregatedHttpResponse response = PLAIN.toResponse(new NullPointerException("secret internals"));
        JsonNode body = body(response, 500);
        assertThat(body.get("type").asText()).endsWith("/internal-error");
        assertThat(response.contentUtf8()).doesNotContain("secret internals");
    }

    private static Throwable parseFailure(String json) {
        Throwable failure = catchThrowable(() -> Json.MAPPER.readValue(json, Order.class));
        assertThat(failure).as("parsing %s", json).isNotNull();
        return failure;
    }

    /** Checks what every problem shares, and returns its body. */
    private static JsonNode body(AggregatedHttpResponse response, int status) throws IOException {
        assertThat(response.status().code()).isEqualTo(status);
        assertThat(response.contentType().toString()).startsWith("application/problem+json");
        assertThat(response.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("no-store");
        JsonNode body = Json.MAPPER.readTree(response.contentUtf8());
        assertThat(body.get("status").asInt()).isEqualTo(status);
        return body;
    }
}
