package dev.lanyard.passkeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import dev.lanyard.ops.InvalidSetting;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** A relying party id that no origin Lanyard is known by at start could use stops the start (outside review). */
class RelyingPartySettingTest {
    private static final String PUBLIC = "https://lanyard.example.com";

    private static void check(String rpId, List<String> origins, String publicUrl) {
        MockEnvironment environment = new MockEnvironment();
        if (publicUrl != null) environment.setProperty("lanyard.web.public-url", publicUrl);
        new RelyingPartySetting(new PasskeySettings(rpId, origins, null), environment);
    }

    @Test
    void anIdThatIsNotThePublicUrlsHostNorADomainItEndsWithIsRefusedNamingBothSettings() {
        assertThatThrownBy(() -> check("other.example", List.of(), PUBLIC)).isInstanceOfSatisfying(InvalidSetting.class, refused -> {
            assertThat(refused.getMessage()).isEqualTo("lanyard.passkeys.rp-id: 'other.example' is neither the host of"
                    + " lanyard.web.public-url (https://lanyard.example.com) nor a domain that host ends with, so browsers would refuse"
                    + " every passkey.");
            assertThat(refused.action()).isEqualTo("Set lanyard.passkeys.rp-id to lanyard.example.com or a registrable domain it ends"
                    + " with, leave it unset (the host of lanyard.web.public-url), or correct lanyard.web.public-url.");
        });
        assertThatThrownBy(() -> check("ample.com", List.of(), "https://example.com")).as("a suffix, but not at a dot")
                .isInstanceOf(InvalidSetting.class);
        assertThatThrownBy(() -> check("lanyard.example.com", List.of(), "https://id.lanyard.example.co"))
                .isInstanceOf(InvalidSetting.class);
    }

    @Test
    void theHostOrADomainItEndsWithIsAccepted() {
        assertThatCode(() -> check("lanyard.example.com", List.of(), PUBLIC)).doesNotThrowAnyException();
        assertThatCode(() -> check("example.com", List.of(), "https://LANYARD.Example.com:8443")).doesNotThrowAnyException();
        assertThatCode(() -> check(null, List.of(), PUBLIC)).as("the public URL's host").doesNotThrowAnyException();
    }

    /** The origins allowed to use passkeys, where they are configured, are the ones the id must cover. */
    @Test
    void configuredOriginsMustEachBeUnderTheId() {
        assertThatCode(() -> check("example.com", List.of("https://a.example.com", "https://example.com:8443"), PUBLIC))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> check("example.com", List.of("https://a.example.com", "https://other.example"), PUBLIC))
                .isInstanceOfSatisfying(InvalidSetting.class, refused -> assertThat(refused.getMessage())
                        .startsWith("lanyard.passkeys.rp-id: 'example.com' is neither the host of https://other.example in"
                                + " lanyard.passkeys.origins"));
        assertThatThrownBy(() -> check("example.com", List.of("https://other.example"), null)).isInstanceOf(InvalidSetting.class);
        assertThatThrownBy(() -> check(null, List.of("https://other.example"), PUBLIC))
                .isInstanceOfSatisfying(InvalidSetting.class, refused -> assertThat(refused.getMessage())
                        .startsWith("lanyard.passkeys.origins: the host of https://other.example in lanyard.passkeys.origins is not"
                                + " lanyard.example.com"));
    }

    /** Without a public URL or configured origins the origin is each request's: nothing to check at start, as before. */
    @Test
    void withoutAPublicUrlOrOriginsAnyIdStarts() {
        assertThatCode(() -> check("other.example", List.of(), null)).doesNotThrowAnyException();
        assertThatCode(() -> check(null, List.of("https://other.example"), null)).doesNotThrowAnyException();
    }
}
