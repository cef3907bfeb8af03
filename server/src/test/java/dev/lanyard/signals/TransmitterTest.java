package dev.lanyard.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.account.TeamId;
import dev.lanyard.apps.Issuers;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/**
 * The issuer the transmitter names is the OpenID Connect issuer, so that a receiver is told of one issuer for Lanyard
 * (outside review): in its documents the one discovery names for the same request; in a stream's SETs, which are written
 * where no request of the receiver is, the one the stream was configured at.
 */
class TransmitterTest {
    private static final SignalSettings DEFAULTS = new SignalSettings(null, null, null, null, null, null, null, null);
    private static final String MAIL = "http://localhost:8080";
    private static final String LOOPBACK = "http://127.0.0.1:9000";

    /** {@code configured}: the OpenID Connect issuer set; {@code ofRequest}: what {@link Issuers#of} says of any request. */
    private static Transmitter transmitter(SignalSettings settings, Optional<String> configured, Optional<String> ofRequest) {
        Issuers issuers = mock(Issuers.class);
        when(issuers.configured()).thenReturn(configured);
        when(issuers.of(any())).thenReturn(configured.or(() -> ofRequest));
        return new Transmitter(null, settings, issuers, MAIL + "/");
    }

    private static Stream configuredAt(Optional<String> issuer) {
        return new Stream("s", "app", new TeamId("team"), new Stream.Config("", Set.of(), Stream.POLL, Optional.empty(), "iss_sub", issuer),
                Optional.empty(), Stream.Status.ENABLED, "", Instant.EPOCH, Instant.EPOCH, Optional.empty(), Optional.empty());
    }

    @Test
    void withoutAConfiguredIssuerAStreamsSetsNameTheIssuerItWasConfiguredAt() {
        Transmitter transmitter = transmitter(DEFAULTS, Optional.empty(), Optional.of(LOOPBACK));

        assertThat(transmitter.issuer(new MockHttpServletRequest())).isEqualTo(LOOPBACK);
        assertThat(transmitter.reachedAt(new MockHttpServletRequest())).hasValue(LOOPBACK);
        assertThat(transmitter.issuer(configuredAt(Optional.of(LOOPBACK)))).as("whatever thread writes it").isEqualTo(LOOPBACK);
        assertThat(transmitter.issuer(configuredAt(Optional.empty()))).as("a stream from before: the mail base URL, as then")
                .isEqualTo(MAIL);
        assertThat(transmitter.issuer()).as("neither request nor stream").isEqualTo(MAIL);
    }

    @Test
    void aHostNamingAnotherServerIsNeverNamedNorKept() {
        Transmitter transmitter = transmitter(DEFAULTS, Optional.empty(), Optional.empty());

        assertThat(transmitter.issuer(new MockHttpServletRequest())).isEqualTo(MAIL);
        assertThat(transmitter.reachedAt(new MockHttpServletRequest())).isEmpty();
    }

    @Test
    void aConfiguredIssuerIsNamedEverywhereAndTheSignalsIssuerSettingBeforeIt() {
        Transmitter configured = transmitter(DEFAULTS, Optional.of("https://lanyard.example.com"), Optional.of(LOOPBACK));
        assertThat(configured.issuer(new MockHttpServletRequest())).isEqualTo("https://lanyard.example.com");
        assertThat(configured.issuer(configuredAt(Optional.of(LOOPBACK)))).as("set since the stream was configured")
                .isEqualTo("https://lanyard.example.com");
        assertThat(configured.issuer()).isEqualTo("https://lanyard.example.com");

        SignalSettings own = new SignalSettings(URI.create("https://signals.example.com/"), null, null, null, null, null, null, null);
        Transmitter set = transmitter(own, Optional.of("https://lanyard.example.com"), Optional.of(LOOPBACK));
        assertThat(set.issuer(new MockHttpServletRequest())).isEqualTo("https://signals.example.com");
        assertThat(set.issuer(configuredAt(Optional.of(LOOPBACK)))).isEqualTo("https://signals.example.com");
        assertThat(set.issuer()).isEqualTo("https://signals.example.com");
    }
}
