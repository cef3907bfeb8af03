package dev.lanyard.starter;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What an app tells the starter: where Lanyard is and the app's OAuth client there. The three
 * properties {@code lanyard.url}, {@code lanyard.client-id} and {@code lanyard.client-secret} are
 * enough; everything else has a default.
 *
 * @param url          Lanyard's issuer URL (its discovery document is at {@code url + /.well-known/openid-configuration})
 * @param clientId     the app's OAuth client id at Lanyard
 * @param clientSecret the app's client secret (never logged)
 * @param scopes       scopes asked for at sign-in: at most what the app's registration at Lanyard allows (Lanyard refuses
 *                     the sign-in with invalid_scope otherwise); without email, the app gets no email claim
 * @param audiences    the {@code aud} values an access token sent to this app's API must carry one of (default: the client id)
 * @param clockSkew    tolerance for {@code iat}/{@code exp} checks between Lanyard's clock and the app's
 * @param signals      how ended sessions reach the app
 */
@ConfigurationProperties("lanyard")
public record LanyardProperties(URI url, String clientId, String clientSecret,
                                @DefaultValue({"openid", "profile", "email"}) List<String> scopes,
                                List<String> audiences,
                                @DefaultValue("60s") Duration clockSkew,
                                @DefaultValue Signals signals) {

    public LanyardProperties {
        if (url == null) throw new IllegalArgumentException("lanyard.url is required: Lanyard's address, such as https://lanyard.example.com");
        if (clientId == null || clientId.isBlank()) throw new IllegalArgumentException("lanyard.client-id is required");
        if (clientSecret == null || clientSecret.isBlank()) throw new IllegalArgumentException("lanyard.client-secret is required");
        String text = url.toString();
        if (text.endsWith("/")) url = URI.create(text.substring(0, text.length() - 1));
        scopes = scopes == null || scopes.isEmpty() ? List.of("openid", "profile", "email") : List.copyOf(scopes);
        audiences = audiences == null || audiences.isEmpty() ? List.of(clientId) : List.copyOf(audiences);
        if (clockSkew == null || clockSkew.isNegative()) clockSkew = Duration.ofSeconds(60);
        if (signals == null) signals = new Signals(null, null, null, null, null, null, 0, 0, null, null);
    }

    /** The issuer Lanyard is expected to name in every token: {@link #url()} without a trailing slash. */
    public String issuer() {
        return url.toString();
    }

    @Override
    public String toString() {
        return "LanyardProperties[url=" + url + ", clientId=" + clientId + ", clientSecret=(hidden), signals=" + signals + "]";
    }

    /** How the app learns of ended Lanyard sessions. */
    public enum Delivery {
        /** Lanyard POSTs each SET to the app (RFC 8935): the fastest; Lanyard must reach the app. */
        PUSH,
        /** The app polls Lanyard (RFC 8936): for apps Lanyard can't reach. */
        POLL,
        /** No Shared Signals stream; back-channel logout only. */
        NONE
    }

    /**
     * @param delivery           push, poll or none
     * @param pushPath           where the starter receives pushed SETs
     * @param receiverUrl        the push endpoint's absolute URL as Lanyard reaches it (default: this app on 127.0.0.1 and its port)
     * @param backchannelLogoutPath where the starter receives OpenID Connect back-channel logout tokens
     * @param pollInterval       poll delivery: the pause after a failed poll, and after an empty answer that came at once (a
     *                           poll is a long poll, which Lanyard holds until a SET is queued, so no pause otherwise)
     * @param endedRetention     how long an ended session is remembered: the longest session lifetime Lanyard allows
     * @param endedCapacity      the most ended sessions (and people signed out everywhere) remembered at once
     * @param maxEvents          the most SETs asked for in one poll
     * @param checkInterval      how often a push stream is looked for at Lanyard, and set up again if it is gone
     * @param instance           this instance's own name when the app runs as several instances (each keeps its ended
     *                           sessions in memory, so each needs every SET): each name has a stream of its own at Lanyard.
     *                           Unset, the app has one stream, which one instance alone may use. Stable across restarts
     *                           (a pod's StatefulSet name, a host name), up to 64 letters, digits, '.', '_', ':' or '-'
     */
    public record Signals(@DefaultValue("push") Delivery delivery, @DefaultValue("/lanyard/ssf/events") String pushPath,
                          URI receiverUrl, @DefaultValue("/lanyard/backchannel-logout") String backchannelLogoutPath,
                          @DefaultValue("2s") Duration pollInterval, @DefaultValue("365d") Duration endedRetention,
                          @DefaultValue("100000") long endedCapacity, @DefaultValue("100") int maxEvents,
                          @DefaultValue("1m") Duration checkInterval, String instance) {
        /** What {@code lanyard.signals.instance} may be. */
        private static final java.util.regex.Pattern INSTANCE = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,64}");

        public Signals {
            if (instance != null && instance.isBlank()) instance = null;
            if (instance != null && !INSTANCE.matcher(instance).matches())
                throw new IllegalArgumentException("lanyard.signals.instance must be up to 64 letters, digits, '.', '_', ':' or '-' "
                        + "(a stable name of this instance, such as its host name)");
            if (delivery == null) delivery = Delivery.PUSH;
            if (pushPath == null || pushPath.isBlank()) pushPath = "/lanyard/ssf/events";
            if (backchannelLogoutPath == null || backchannelLogoutPath.isBlank()) backchannelLogoutPath = "/lanyard/backchannel-logout";
            if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) pollInterval = Duration.ofSeconds(2);
            // Lanyard's longest session: a remembered session of up to 365 days (TeamPolicy.MAX_DAYS).
            if (endedRetention == null || endedRetention.isNegative() || endedRetention.isZero()) endedRetention = Duration.ofDays(365);
            if (endedCapacity <= 0) endedCapacity = 100_000;
            if (maxEvents <= 0) maxEvents = 100;
            if (checkInterval == null || checkInterval.isNegative() || checkInterval.isZero()) checkInterval = Duration.ofMinutes(1);
        }

        public Optional<URI> receiver() {
            return Optional.ofNullable(receiverUrl);
        }

        /** This instance's name ({@code lanyard.signals.instance}), when the app runs as several. */
        public Optional<String> instanceName() {
            return Optional.ofNullable(instance);
        }
    }
}
