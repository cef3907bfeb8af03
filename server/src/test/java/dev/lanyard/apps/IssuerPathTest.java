package dev.lanyard.apps;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A configured issuer whose path is not the one Lanyard is served at is warned of at start (decision 81). */
class IssuerPathTest {

    @Test
    void anIssuerAndAServedPathThatAgreeAreNotWarnedOf() {
        assertThat(IssuerPath.warning(null, "")).isEmpty();
        assertThat(IssuerPath.warning(null, "/lanyard")).isEmpty();
        assertThat(IssuerPath.warning("https://lanyard.example.com", "")).isEmpty();
        assertThat(IssuerPath.warning("https://lanyard.example.com/", "")).isEmpty();
        assertThat(IssuerPath.warning("https://example.com/lanyard", "/lanyard")).isEmpty();
        assertThat(IssuerPath.warning("https://example.com/lanyard/", "/lanyard")).isEmpty();
    }

    @Test
    void anIssuerWithAnotherPathIsWarnedOfSayingHowToMakeThemAgree() {
        assertThat(IssuerPath.warning("https://example.com/lanyard", "")).hasValueSatisfying(warning -> assertThat(warning)
                .contains("names the path '/lanyard', but Lanyard is served at ''").endsWith("server.servlet.context-path=/lanyard (decision 81)."));
        assertThat(IssuerPath.warning("https://example.com", "/lanyard")).hasValueSatisfying(warning -> assertThat(warning)
                .endsWith("an issuer ending with /lanyard (decision 81)."));
        assertThat(IssuerPath.warning("https://example.com/sso", "/lanyard")).hasValueSatisfying(warning -> assertThat(warning)
                .endsWith("server.servlet.context-path=/sso (decision 81)."));
    }
}
