package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.web.authentication.ClientSecretBasicAuthenticationConverter;

/** {@link ClientSecretBasic} answers every header as Spring's converter does: the same token, null, or error. */
class ClientSecretBasicTest {
    private final ClientSecretBasic ours = new ClientSecretBasic();
    private final ClientSecretBasicAuthenticationConverter spring = new ClientSecretBasicAuthenticationConverter();

    private static String basic(String credentials) {
        return Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void answersEveryHeaderAsSpringDoes() {
        List<String> headers = new ArrayList<>(List.of(
                "Basic " + basic("lc_app:lcs_secret"), "basic " + basic("lc_app:lcs_secret"), "BASIC " + basic("a:b"),
                "Basic " + basic("lc%5Fapp:lcs%3Asecret"), "Basic " + basic("app:se:cret"), "Basic " + basic("app:%zz"),
                "Basic " + basic("app:"), "Basic " + basic(":secret"), "Basic " + basic(" :secret"), "Basic " + basic("app: "),
                "Basic " + basic("nocolon"), "Basic not*base64", "Basic ====", "Basic ", "Basic", "Basic  " + basic("a:b"),
                "Basic\t" + basic("a:b"), "Basic " + basic("a:b") + " ", "Basic " + basic("a:b") + " extra",
                " Basic " + basic("a:b"), "Bearer abc", "Basicx " + basic("a:b"), "", "Digest x", "Basic " + basic("ä:ö")));
        Random random = new Random(13);
        for (int i = 0; i < 2_000; i++) {
            StringBuilder header = new StringBuilder(random.nextBoolean() ? "Basic " : "basic ");
            String alphabet = "ABCabc012+/=: \t%_-.";
            for (int n = random.nextInt(16); n > 0; n--) header.append(alphabet.charAt(random.nextInt(alphabet.length())));
            headers.add(header.toString());
            byte[] credentials = new byte[random.nextInt(12)];
            random.nextBytes(credentials);
            headers.add("Basic " + Base64.getEncoder().encodeToString(credentials));
        }
        for (String header : headers) {
            for (String body : List.of("token=abc", "grant_type=refresh_token&refresh_token=x")) {
                assertThat(answer(ours, header, body)).as("%s with %s", header, body).isEqualTo(answer(spring, header, body));
            }
        }
    }

    @Test
    void aCodeExchangeKeepsItsParametersInTheToken() {
        String header = "Basic " + basic("lc_app:lcs_secret");
        String body = "grant_type=authorization_code&code=c&redirect_uri=http://127.0.0.1/cb&code_verifier=v";
        assertThat(answer(ours, header, body)).isEqualTo(answer(spring, header, body)).contains("code_verifier=v");
    }

    @Test
    void noAuthorizationHeaderIsNoClientAuthentication() {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/oauth2/introspect");
        assertThat(ours.convert(request)).isNull();
    }

    /** What a converter made of the request, as a comparable string. */
    private static String answer(org.springframework.security.web.authentication.AuthenticationConverter converter, String header, String body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/oauth2/introspect");
        request.addHeader("Authorization", header);
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            request.addParameter(kv[0], kv[1]);
        }
        try {
            Authentication authentication = converter.convert(request);
            if (authentication == null) return "null";
            OAuth2ClientAuthenticationToken token = (OAuth2ClientAuthenticationToken) authentication;
            return token.getPrincipal() + " " + token.getCredentials() + " " + token.getClientAuthenticationMethod().getValue()
                    + " " + new java.util.TreeMap<>(token.getAdditionalParameters());
        } catch (OAuth2AuthenticationException e) {
            return "error " + e.getError().getErrorCode();
        }
    }
}
