package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenIntrospection;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.http.converter.OAuth2TokenIntrospectionHttpMessageConverter;
import tools.jackson.databind.json.JsonMapper;

/** Lanyard's introspection answer against the one Spring's message converter writes, byte for byte. */
class IntrospectionResponseTest {
    private final JsonMapper json = JsonMapper.builder().build();

    private MockHttpServletResponse lanyard(OAuth2TokenIntrospection claims) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        new IntrospectionResponse(json).onAuthenticationSuccess(new MockHttpServletRequest(), response,
                new OAuth2TokenIntrospectionAuthenticationToken("token", new TestingAuthenticationToken("client", null), claims));
        return response;
    }

    private MockHttpServletResponse spring(OAuth2TokenIntrospection claims) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        new OAuth2TokenIntrospectionHttpMessageConverter().write(claims, null, new ServletServerHttpResponse(response));
        return response;
    }

    @Test
    void anActiveTokensAnswerIsSpringsByteForByte() throws Exception {
        Instant issued = Instant.parse("2026-12-03T07:00:00.123456Z");
        OAuth2TokenIntrospection active = OAuth2TokenIntrospection.builder(true)
                .subject("acc_1").audiences(a -> a.addAll(List.of("cli_1", "cli_2"))).notBefore(issued).scopes(s -> s.addAll(List.of("openid", "email")))
                .issuer("http://127.0.0.1:8080").expiresAt(issued.plusSeconds(300)).issuedAt(issued).id("jti-1")
                .claim("sid", "ses_1").clientId("cli_1").tokenType("Bearer").username("member@example.test").build();

        MockHttpServletResponse ours = lanyard(active);
        MockHttpServletResponse theirs = spring(active);
        assertThat(ours.getContentAsString()).isEqualTo(theirs.getContentAsString())
                .contains("\"scope\":\"openid email\"", "\"exp\":" + issued.plusSeconds(300).getEpochSecond(), "\"sid\":\"ses_1\"");
        assertThat(ours.getContentType()).isEqualTo(theirs.getContentType()).isEqualTo(MediaType.APPLICATION_JSON_VALUE);
        assertThat(ours.getStatus()).isEqualTo(theirs.getStatus()).isEqualTo(200);
        assertThat(ours.getContentLength()).isEqualTo(ours.getContentAsByteArray().length);
    }

    @Test
    void anInactiveOrScopelessTokensAnswerIsSpringsToo() throws Exception {
        for (OAuth2TokenIntrospection claims : List.of(OAuth2TokenIntrospection.builder().build(),
                OAuth2TokenIntrospection.builder(true).clientId("cli_1").claim("extra", List.of(1, 2)).build(),
                OAuth2TokenIntrospection.builder(true).claim("scope", List.of()).build())) {
            assertThat(lanyard(claims).getContentAsString()).isEqualTo(spring(claims).getContentAsString());
        }
        assertThat(lanyard(OAuth2TokenIntrospection.builder().build()).getContentAsString()).isEqualTo("{\"active\":false}");
    }
}
