package com.nextleveltraders.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class SessionTokenTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    @Test
    void theBearerTokenComesFirst() {
        RequestHeaders headers = RequestHeaders.builder(HttpMethod.GET, "/api/portfolio")
                .add("authorization", "Bearer bearer-token").add("cookie", "nlt_session=" + TOKEN).build();
        assertThat(SessionToken.of(headers)).contains(new SessionToken("bearer-token", false));
    }

    @Test
    void withoutABearerTokenTheCookieIsRead() {
        RequestHeaders headers = RequestHeaders.builder(HttpMethod.GET, "/api/portfolio")
                .add("authorization", "Basic dXNlcjpwYXNz").add("cookie", "nlt_session=" + TOKEN).build();
        assertThat(SessionToken.of(headers)).contains(new SessionToken(TOKEN, true));
    }

    @Test
    void theCookieIsFoundAmongOthersAndAcrossSeveralHeaders() {
        assertThat(SessionToken.cookie(List.of("theme=dark; nlt_session=" + TOKEN + "; lang=en"))).contains(TOKEN);
        assertThat(SessionToken.cookie(List.of("theme=dark;nlt_session=" + TOKEN))).contains(TOKEN);
        assertThat(SessionToken.cookie(List.of("theme=dark", "  nlt_session = " + TOKEN + " "))).contains(TOKEN);
        assertThat(SessionToken.cookie(List.of("nlt_session=\"" + TOKEN + "\""))).contains(TOKEN);
        // The same value twice (a client repeating itself) is still one session.
        assertThat(SessionToken.cookie(List.of("nlt_session=" + TOKEN, "nlt_session=" + TOKEN))).contains(TOKEN);
    }

    @Test
    void anythingElseIsNoToken() {
        for (List<String> headers : List.of(List.<String>of(), List.of(""), List.of(";;;"), List.of("nlt_session"),
                List.of("nlt_session="), List.of("nlt_session=\"\""), List.of("nlt_session=;"),
                List.of("xnlt_session=" + TOKEN), List.of("nlt_session_old=" + TOKEN), List.of("NLT_SESSION=" + TOKEN),
                List.of("nlt_session=" + "a".repeat(129)), List.of("nlt_session=" + "a".repeat(100_000)),
                List.of("nlt_session=" + TOKEN + "; nlt_session=other"),
                List.of("nlt_session=" + TOKEN, "nlt_session=other"))) {
            assertThat(SessionToken.cookie(headers)).as(headers.toString().substring(0,
                    Math.min(80, headers.toString().length()))).isEqualTo(Optional.empty());
        }
    }

    @Test
    void itsTextNeverShowsTheToken() {
        assertThat(new SessionToken(TOKEN, true).toString()).doesNotContain(TOKEN);
    }

    @Test
    void originsAreComparedWithoutCaseAndDefaultPorts() {
        assertThat(SameOriginCookieWrites.normalised("HTTPS://Example.COM:443")).contains("https://example.com");
        assertThat(SameOriginCookieWrites.normalised("http://127.0.0.1:80")).contains("http://127.0.0.1");
        assertThat(SameOriginCookieWrites.normalised("http://127.0.0.1:8080")).contains("http://127.0.0.1:8080");
        for (String notAnOrigin : List.of("null", "", "file://", "https://", "https://a.example/path",
                "https://user@a.example", "ftp://a.example", "https://a.example, https://b.example")) {
            assertThat(SameOriginCookieWrites.normalised(notAnOrigin)).as(notAnOrigin).isEmpty();
        }
    }

    @Test
    void theOwnOriginIsTheForwardedOneWhenThereIsOne() {
        RequestHeaders direct = RequestHeaders.builder(HttpMethod.POST, "/api/orders").authority("127.0.0.1:8080")
                .build();
        assertThat(SameOriginCookieWrites.ownOrigin(direct, false)).contains("http://127.0.0.1:8080");
        RequestHeaders forwarded = direct.toBuilder().add("x-forwarded-proto", "https")
                .add("x-forwarded-host", "trade.example:443").build();
        assertThat(SameOriginCookieWrites.ownOrigin(forwarded, false)).contains("https://trade.example");
    }
}
