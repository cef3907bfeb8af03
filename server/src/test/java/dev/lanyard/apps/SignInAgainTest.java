package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/** The authorize request a member comes back to after signing in: as made, less what the sign-in answered. */
class SignInAgainTest {
    private static String back(String query) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/oauth2/authorize");
        request.setQueryString(query);
        return SignInAgain.back(request);
    }

    @Test
    void theComebackLeavesOutMaxAgeAndTheLoginPromptAndKeepsEverythingElseAsItCame() {
        assertThat(back("client_id=a&max_age=0&prompt=login&state=x%2By&scope=openid+email"))
                .isEqualTo("/oauth2/authorize?client_id=a&state=x%2By&scope=openid+email");
        assertThat(back("prompt=login+consent&client_id=a")).isEqualTo("/oauth2/authorize?prompt=consent&client_id=a");
        assertThat(back(null)).isEqualTo("/oauth2/authorize");
    }

    @Test
    void aMalformedEncodingIsKeptForTheEndpointToAnswer() {
        assertThat(back("client_id=%zz&max_age=5&st%ate=1")).isEqualTo("/oauth2/authorize?client_id=%zz&st%ate=1");
    }
}
