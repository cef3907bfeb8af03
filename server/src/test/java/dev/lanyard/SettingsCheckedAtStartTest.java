package dev.lanyard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * Every Lanyard setting refuses a value out of its range when it is bound, at start-up, with Boot's short "failed to
 * bind" report naming it (outside QA: some started and misbehaved later, others stopped the start behind a long stack
 * trace). Each settings record is bound alone, as the application binds it, and the failure analysed as Boot analyses
 * it; {@link SettingsCheckedAtStartTest#theWholeApplicationReportsABadIssuerInAFewLines} starts the application once.
 */
class SettingsCheckedAtStartTest {
    @TempDir
    static Path temp;

    static Stream<Arguments> refused() throws Exception {
        Path inTheWay = Files.writeString(temp.resolve("a-file"), "not a directory");
        return Stream.of(
                // 1. Negative, the purge's cut-off lay in the future and every ended session went.
                bad("lanyard.session.history-retention", "-1d"), bad("lanyard.session.history-retention", "0s"),
                // 2.
                bad("lanyard.factors.challenge-ttl", "-5m"), bad("lanyard.factors.challenge-ttl", "0s"),
                bad("lanyard.factors.max-code-failures", "0"), bad("lanyard.factors.max-code-failures", "-1"),
                // 3.
                bad("lanyard.downloads.directory", inTheWay.resolve("downloads").toString()),
                bad("lanyard.downloads.directory", inTheWay.toString()),
                // 4.
                bad("lanyard.session.cookie-name", "my session;x"), bad("lanyard.session.cookie-name", "a=b"),
                bad("lanyard.session.cookie-name", "séance"), bad("lanyard.session.cookie-name", "__Host-lanyard"),
                bad("lanyard.session.cookie-name", "__secure-lanyard"),
                // 5. The scheduler's intervals.
                bad("lanyard.session.flush-interval", "0s"), bad("lanyard.session.flush-interval", "-5s"),
                bad("lanyard.session.sweep-interval", "0s"), bad("lanyard.session.sweep-interval", "-1m"),
                bad("lanyard.mail.retry-interval", "0s"), bad("lanyard.mail.retry-interval", "-30s"),
                bad("lanyard.signals.retry-interval", "0s"), bad("lanyard.signals.retry-interval", "-5s"),
                bad("lanyard.apps.signing-key-check", "0s"),
                // 6. Those that stopped the start behind a stack trace, and the named city database.
                bad("lanyard.factors.seed-key", "not-base64!!"),
                bad("lanyard.factors.seed-key", Base64.getEncoder().encodeToString(new byte[16])),
                bad("lanyard.web.trusted-proxies", "not-an-ip"), bad("lanyard.web.trusted-proxies", "10.0.0.1,10.0.0.0/33"),
                bad("spring.security.oauth2.authorizationserver.issuer", "not a url"),
                bad("spring.security.oauth2.authorizationserver.issuer", "https://lanyard.example.com/?a=b"),
                bad("spring.security.oauth2.authorizationserver.issuer", "ftp://lanyard.example.com"),
                bad("lanyard.apps.signing-key-lifetime", "1h"), bad("lanyard.apps.signing-key-lifetime", "2h"),
                bad("lanyard.geo.city-database", temp.resolve("missing.mmdb").toString()),
                bad("lanyard.geo.city-database", temp.toString()),
                // 7. Once silently replaced by their defaults, or accepted.
                bad("lanyard.session.cache-size", "0"), bad("lanyard.session.cache-size", "-1"),
                bad("lanyard.session.sweep-batch", "-1"), bad("lanyard.session.active-window", "-1m"),
                bad("lanyard.session.cache-refresh", "0s"),
                bad("lanyard.live.per-session", "0"), bad("lanyard.live.per-session", "-1"),
                bad("lanyard.live.per-account", "0"), bad("lanyard.live.per-account", "-1"),
                bad("lanyard.live.max-streams", "-1"), bad("lanyard.live.heartbeat", "0s"),
                bad("lanyard.live.timeout", "-1m"), bad("lanyard.live.backoff", "-1s"),
                bad("lanyard.mail.max-attempts", "0"), bad("lanyard.mail.max-attempts", "-1"),
                bad("lanyard.mail.invitations-per-day", "0"), bad("lanyard.mail.invitations-per-day", "-1"),
                bad("lanyard.mail.first-retry", "0s"), bad("lanyard.mail.max-retry-delay", "-1h"),
                bad("lanyard.signals.max-attempts", "0"), bad("lanyard.signals.max-attempts", "-1"),
                bad("lanyard.signals.max-waiting-polls", "-1"), bad("lanyard.signals.push-timeout", "-1s"),
                bad("lanyard.signals.push-timeout", "0s"), bad("lanyard.signals.poll-wait", "-1s"),
                bad("lanyard.signals.first-retry", "0s"), bad("lanyard.signals.max-retry-delay", "0s"),
                // As before.
                bad("lanyard.privacy.ip-retention", "1h"), bad("lanyard.session.history-retention", "soon"),
                // 8. Addresses accepted as any text, which broke mail links, the sender and the SSF configuration (outside QA).
                bad("lanyard.mail.base-url", "notaurl"), bad("lanyard.mail.base-url", "https://lanyard.example.com/?x=1"),
                bad("lanyard.mail.from", "not-an-email"), bad("lanyard.mail.from", "a@example.com, b@example.com"),
                bad("lanyard.signals.issuer", "not"), bad("lanyard.signals.issuer", "ftp://lanyard.example.com"),
                // 9. Accepted (NaN made every move impossible travel), or refused behind a raw exception or a long trace (outside review AJ).
                bad("lanyard.risk.max-travel-kmh", "NaN"), bad("lanyard.risk.max-travel-kmh", "Infinity"),
                bad("lanyard.risk.min-travel-km", "NaN"), bad("lanyard.passkeys.origins", "ht^tp://x"),
                bad("lanyard.ops.metrics-token", "too-short"),
                bad("spring.security.oauth2.authorizationserver.issuer", ""));
    }

    private static Arguments bad(String property, String value) {
        return Arguments.of(property, value);
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("refused")
    void aValueOutOfRangeStopsTheStartWithAReportNamingTheSetting(String property, String value) {
        Class<?> settings = settingsOf(property);
        assertThatThrownBy(() -> bind(settings, Map.of(property, value)))
                .isInstanceOfSatisfying(BindException.class, failure -> {
                    FailureAnalysis analysis = analyze(failure);
                    assertThat(analysis.getDescription()).contains(property);
                    assertThat(analysis.getDescription().lines().count()).as(analysis.getDescription()).isLessThan(10);
                    assertThat(asLogged(analysis.getDescription())).as("the log's redaction leaves it whole")
                            .isEqualTo(analysis.getDescription());
                });
    }

    /**
     * {@code text} as the log writes it, through its redaction (web.RedactedText): "must be a cookie name token: letters…"
     * was logged "must be a cookie name token: [redacted]", hiding the rule it explained (outside review).
     */
    private static String asLogged(String text) {
        try {
            java.lang.reflect.Method redact = Class.forName("dev.lanyard.web.RedactedText").getDeclaredMethod("redact", String.class);
            redact.setAccessible(true);
            return (String) redact.invoke(null, text);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every lanyard.* duration, written as a bare number, was read as milliseconds and started (outside review AJ). */
    @Test
    void aDurationWithoutAUnitIsRefusedNamingTheSettingAndZeroOrAUnitIsNot() {
        List<String> durations = new java.util.ArrayList<>();
        for (Class<?> settings : lanyardSettings()) {
            String prefix = settings.getAnnotation(ConfigurationProperties.class).value();
            for (var component : settings.getRecordComponents()) {
                if (component.getType() != java.time.Duration.class) continue;
                String property = prefix + "." + component.getName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
                durations.add(property);
                Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() ->
                        dev.lanyard.ops.DurationUnits.require(settings, environment(property, "90")));
                FailureAnalysis analysis = analyze(new org.springframework.beans.factory.BeanCreationException("flyway", "Failed", refused));
                assertThat(analysis.getDescription()).as(property).startsWith(property + ": '90' has no unit");
                assertThat(analysis.getAction()).contains("90d");
                for (String fine : List.of("0", "90d", "5s", "PT5M", "-1m"))
                    dev.lanyard.ops.DurationUnits.require(settings, environment(property, fine));
            }
        }
        assertThat(durations).contains("lanyard.session.history-retention", "lanyard.session.active-window",
                "lanyard.factors.challenge-ttl", "lanyard.signals.retry-interval", "lanyard.mail.retry-interval", "lanyard.risk.alert-link-lifetime");
    }

    private static List<Class<?>> lanyardSettings() {
        List<Class<?>> all = new java.util.ArrayList<>();
        for (String name : List.of("session.SessionSettings", "session.LiveSettings", "factors.FactorSettings", "account.MailSettings",
                "signals.SignalSettings", "geo.PrivacySettings", "apps.AppSettings", "audit.AuditSettings", "risk.RiskSettings")) {
            try {
                all.add(Class.forName("dev.lanyard." + name));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return all;
    }

    private static org.springframework.core.env.Environment environment(String property, String value) {
        var environment = new org.springframework.core.env.StandardEnvironment();
        environment.getPropertySources().addFirst(new org.springframework.core.env.MapPropertySource("test", Map.of(property, value)));
        return environment;
    }

    @Test
    void unsetEachKeepsItsDefault() throws Exception {
        Object session = bind(settingsOf("lanyard.session.x"), Map.of());
        assertThat(session).hasToString("SessionSettings[cookieName=lanyard_session, flushInterval=PT5S, activeWindow=PT5M, "
                + "cacheSize=100000, cacheRefresh=PT1M, sweepInterval=PT1M, sweepBatch=0, historyRetention=PT2160H]");
        assertThat(bind(settingsOf("lanyard.factors.x"), Map.of())).hasToString("FactorSettings[seedKey=, challengeTtl=PT5M, maxCodeFailures=5]");
        assertThat(bind(settingsOf("lanyard.mail.x"), Map.of())).hasToString("MailSettings[from=lanyard@localhost, "
                + "baseUrl=http://localhost:8080, retryInterval=PT30S, firstRetry=PT30S, maxRetryDelay=PT1H, maxAttempts=20, invitationsPerDay=100]");
        assertThat(bind(settingsOf("lanyard.signals.x"), Map.of()).toString()).startsWith("SignalSettings[issuer=null, retryInterval=PT5S, "
                + "firstRetry=PT2S, maxRetryDelay=PT1H, maxAttempts=20, pushTimeout=PT10S, pollWait=PT20S, maxWaitingPolls=");
        assertThat(bind(settingsOf("lanyard.live.x"), Map.of()).toString()).startsWith("LiveSettings[perSession=3, perAccount=20, maxStreams=")
                .endsWith("heartbeat=PT15S, timeout=PT30M, backoff=PT5M]");
        assertThat(bind(settingsOf("lanyard.apps.x"), Map.of())).hasToString("AppSettings[signingKeyLifetime=PT2160H, signingKeyCheck=PT1H]");
        assertThat(bind(settingsOf("lanyard.downloads.x"), Map.of()).toString())
                .contains(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize().toString());
        assertThat(bind(settingsOf("lanyard.geo.x"), Map.of()).toString()).contains("cityDatabase=]");
        assertThat(bind(settingsOf("spring.security.oauth2.authorizationserver.x"), Map.of())).hasToString("IssuerSetting[issuer=null]");
    }

    @Test
    void theDocumentedSpecialValuesAndGoodOnesAreAccepted() throws Exception {
        Path city = Files.writeString(temp.resolve("city.mmdb"), "an operator's file");
        Path downloads = temp.resolve("downloads/nested");
        assertThat(bind(settingsOf("lanyard.session.x"), Map.of("lanyard.session.sweep-batch", "0", "lanyard.session.active-window", "0s",
                "lanyard.session.cookie-name", "my-session.v2_!#$%&'*+^`|~", "lanyard.session.history-retention", "1d")).toString())
                .contains("sweepBatch=0", "activeWindow=PT0S", "cookieName=my-session.v2_!#$%&'*+^`|~");
        assertThat(bind(settingsOf("lanyard.session.x"), Map.of("lanyard.session.cookie-name", " "))).hasToString(
                bind(settingsOf("lanyard.session.x"), Map.of()).toString());
        assertThat(bind(settingsOf("lanyard.live.x"), Map.of("lanyard.live.max-streams", "0", "lanyard.live.backoff", "0s")).toString())
                .doesNotContain("maxStreams=0,").contains("backoff=PT0S");
        assertThat(bind(settingsOf("lanyard.live.x"), Map.of("lanyard.live.max-streams", "7")).toString()).contains("maxStreams=7,");
        assertThat(bind(settingsOf("lanyard.signals.x"), Map.of("lanyard.signals.max-waiting-polls", "0", "lanyard.signals.poll-wait", "0s")).toString())
                .doesNotContain("maxWaitingPolls=0]").contains("pollWait=PT0S");
        assertThat(bind(settingsOf("lanyard.factors.x"), Map.of("lanyard.factors.seed-key", Base64.getEncoder().encodeToString(new byte[32]),
                "lanyard.factors.max-code-failures", "1"))).isNotNull();
        assertThat(bind(settingsOf("lanyard.web.x"), Map.of("lanyard.web.trusted-proxies", "10.0.0.10, 10.0.0.0/8,::1,fd00::/8"))).isNotNull();
        assertThat(bind(settingsOf("lanyard.geo.x"), Map.of("lanyard.geo.city-database", city.toString()))).isNotNull();
        assertThat(bind(settingsOf("lanyard.downloads.x"), Map.of("lanyard.downloads.directory", downloads.toString()))).isNotNull();
        assertThat(downloads).as("made, as ./data is for SQLite").isDirectory();
        assertThat(bind(settingsOf("lanyard.apps.x"), Map.of("lanyard.apps.signing-key-lifetime", "3h"))).isNotNull();
        for (String issuer : List.of("https://lanyard.example.com", "http://localhost:8080/", "https://example.com/lanyard")) {
            assertThat(bind(settingsOf("spring.security.oauth2.authorizationserver.x"),
                    Map.of("spring.security.oauth2.authorizationserver.issuer", issuer))).isNotNull();
        }
    }

    /** Settings checked where they are read, not where they are bound, get the same short report (outside QA). */
    @Test
    void aSettingCheckedWhereItIsReadIsReportedInAFewLinesToo() {
        Throwable flag = org.assertj.core.api.Assertions.catchThrowable(() ->
                dev.lanyard.ops.InvalidSetting.flag("lanyard.session.device-binding", "maybe", true));
        FailureAnalysis analysis = analyze(new org.springframework.beans.factory.BeanCreationException("deviceBindings",
                "Failed to instantiate", flag));
        assertThat(analysis.getDescription()).isEqualTo("lanyard.session.device-binding: 'maybe' is not true or false.");
        assertThat(analysis.getAction()).isEqualTo("Set lanyard.session.device-binding to true or false, or leave it unset (true).");
        assertThat(dev.lanyard.ops.InvalidSetting.flag("x", " FALSE ", true)).isFalse();
        assertThat(dev.lanyard.ops.InvalidSetting.flag("x", null, true)).isTrue();

        Throwable networks = org.assertj.core.api.Assertions.catchThrowable(() ->
                new dev.lanyard.apps.ReceiverAddresses(List.of("bogus"), "https://lanyard.example.com"));
        assertThat(analyze(networks).getDescription()).startsWith("lanyard.signals.private-networks: ");
    }

    @Test
    void mailAndIssuerAddressesInTheirUsualFormsAreAccepted() {
        assertThat(bind(settingsOf("lanyard.mail.x"), Map.of("lanyard.mail.from", "Lanyard <lanyard@example.com>",
                "lanyard.mail.base-url", "https://example.com/lanyard/")).toString())
                .contains("from=Lanyard <lanyard@example.com>", "baseUrl=https://example.com/lanyard,");
        assertThat(bind(settingsOf("lanyard.signals.x"), Map.of("lanyard.signals.issuer", "https://lanyard.example.com"))).isNotNull();
    }

    /**
     * The whole application, started with an issuer Spring Authorization Server refuses: Boot's report names it in a
     * few lines, where before a 100-line stack trace ended in "issuer must be a valid URL".
     */
    @Test
    void theWholeApplicationReportsABadIssuerInAFewLines() {
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> new org.springframework.boot.builder.SpringApplicationBuilder(Lanyard.class)
                .run("--server.address=127.0.0.1", "--server.port=0",
                        "--spring.datasource.url=jdbc:sqlite:" + temp.resolve("app/lanyard.db") + "?foreign_keys=true",
                        "--lanyard.geo.directory=" + temp.resolve("geo"),
                        "--spring.security.oauth2.authorizationserver.issuer=not a url"));
        assertThat(failure).isNotNull();
        FailureAnalysis analysis = analyze(failure);
        assertThat(analysis.getDescription()).contains("spring.security.oauth2.authorizationserver.issuer must be an http or https URL");
        assertThat(analysis.getAction()).contains("Update your application's configuration");
    }

    /**
     * server.port out of 0–65535 (outside review): 70000 migrated the database, then failed in Tomcat's connector behind a
     * 37-frame trace ending "port out of range", and -1 logged "Started Lanyard" listening nowhere. Refused as the settings
     * are read, before the database is opened, in the short report naming it.
     */
    @ParameterizedTest(name = "server.port={0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"70000", "65536", "-1", "8080x", "0x1F90", "80.5", "20551,99999"})
    void aServerPortThatIsNoPortStopsTheStartBeforeTheDatabaseWithAReportNamingIt(String port) {
        Path database = temp.resolve("port-" + Math.abs(port.hashCode()) + "/lanyard.db");
        Throwable failure = startWith(database, "--server.port=" + port);
        assertThat(failure).isInstanceOf(dev.lanyard.ops.InvalidSetting.class);
        FailureAnalysis analysis = analyze(failure);
        assertThat(analysis.getDescription()).isEqualTo("server.port: '" + port + "' is not a port: a whole number from 0 to 65535.");
        assertThat(analysis.getAction()).isEqualTo("Set server.port to a port from 1 to 65535, or 0 for any free one (unset, it is 8080).");
        assertThat(database.getParent()).as("the database was not touched").doesNotExist();
    }

    /** A port from 0 to 65535 (or none) passes: the start goes on to the next check, which a bad public URL then fails. */
    @ParameterizedTest(name = "server.port=''{0}''")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"0", "1", "65535", " 8080 ", ""})
    void aServerPortFromZeroTo65535IsAccepted(String port) {
        Throwable failure = startWith(temp.resolve("port-ok/lanyard.db"), "--server.port=" + port, "--lanyard.web.public-url=notaurl");
        assertThat(analyze(failure).getDescription()).startsWith("lanyard.web.public-url: ");
    }

    /**
     * A value refused as a settings record is bound, or as a component that checks one is made, stops the start before
     * Tomcat and the connection pool: the report came after a 1.2 KB "Error starting Tomcat context" line and Tomcat's
     * warnings of the pool's threads, and the database file was opened (outside review).
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"--lanyard.session.sweep-interval=0s", "--lanyard.live.per-session=0",
            "--lanyard.session.device-binding=maybe", "--lanyard.sign-up.confirm-email=true"})
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void aSettingRefusedAsItIsBoundStopsTheStartBeforeTheWebServerAndThePool(String setting,
                                                                            org.springframework.boot.test.system.CapturedOutput output) {
        Path database = temp.resolve("early-" + Math.abs(setting.hashCode()) + "/lanyard.db");
        Throwable failure = startWith(database, "--server.port=0", setting);
        assertThat(analyze(failure).getDescription()).contains(setting.substring(2, setting.indexOf('=')));
        assertThat(database.getParent()).as("the pool never opened the database").doesNotExist();
        assertThat(output.getAll()).doesNotContain("Tomcat initialized").doesNotContain("Error starting Tomcat context")
                .doesNotContain("HikariPool");
    }

    /**
     * A passkey relying party id outside the public URL's host started, and no passkey could ever be registered (outside
     * review): the start stops before the web server and the pool, naming both settings.
     */
    @Test
    void aPasskeyRelyingPartyOutsideThePublicUrlStopsTheStartNamingBothSettings() {
        Path database = temp.resolve("rp-id/lanyard.db");
        Throwable failure = startWith(database, "--server.port=0", "--lanyard.passkeys.rp-id=other.example",
                "--lanyard.web.public-url=https://lanyard.example.com");
        FailureAnalysis analysis = analyze(failure);
        assertThat(analysis.getDescription()).startsWith("lanyard.passkeys.rp-id: 'other.example' is neither the host of"
                + " lanyard.web.public-url (https://lanyard.example.com)");
        assertThat(analysis.getAction()).contains("lanyard.passkeys.rp-id", "lanyard.web.public-url");
        assertThat(database.getParent()).as("the pool never opened the database").doesNotExist();
    }

    /** The report of a refused cookie name says the rule, through the log as an operator reads it (outside review). */
    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void aRefusedCookieNameIsLoggedWithTheRuleItBreaks(org.springframework.boot.test.system.CapturedOutput output) {
        Throwable failure = startWith(temp.resolve("cookie/lanyard.db"), "--server.port=0", "--lanyard.session.cookie-name=bad name");

        assertThat(failure).isNotNull();
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START", "lanyard.session.cookie-name must be",
                "letters, digits and !#$%&'*+-.^_`|~ only").doesNotContain("[redacted]");
    }

    private static Throwable startWith(Path database, String... settings) {
        List<String> arguments = new java.util.ArrayList<>(List.of("--server.address=127.0.0.1",
                "--spring.datasource.url=jdbc:sqlite:" + database + "?foreign_keys=true", "--lanyard.geo.directory=" + temp.resolve("geo")));
        arguments.addAll(List.of(settings));
        return org.assertj.core.api.Assertions.catchThrowable(() -> new org.springframework.boot.builder.SpringApplicationBuilder(Lanyard.class)
                .run(arguments.toArray(String[]::new)));
    }

    /** The settings record bound under {@code property}'s prefix, as {@code @ConfigurationPropertiesScan} finds it. */
    private static Class<?> settingsOf(String property) {
        for (String name : List.of("session.SessionSettings", "session.LiveSettings", "session.DownloadSettings", "factors.FactorSettings",
                "account.MailSettings", "signals.SignalSettings", "geo.ProxySettings", "geo.GeoSettings", "geo.PrivacySettings",
                "apps.AppSettings", "apps.IssuerSetting", "risk.RiskSettings", "passkeys.PasskeySettings", "ops.OpsSettings")) {
            try {
                Class<?> type = Class.forName("dev.lanyard." + name);
                String prefix = type.getAnnotation(ConfigurationProperties.class).value();
                if (property.startsWith(prefix + ".")) return type;
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalArgumentException("no settings record for " + property);
    }

    private static Object bind(Class<?> type, Map<String, String> properties) {
        String prefix = type.getAnnotation(ConfigurationProperties.class).value();
        return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate(prefix, Bindable.of(type));
    }

    /** Analyzes as Spring Boot does at start-up, through the analyzers registered in spring.factories. */
    private static FailureAnalysis analyze(Throwable failure) {
        return SpringFactoriesLoader.forDefaultResourceLocation(SettingsCheckedAtStartTest.class.getClassLoader())
                // Analyzers that need a bean factory cannot be made here; Boot's bind failures need none.
                .load(FailureAnalyzer.class, SpringFactoriesLoader.FailureHandler.handleMessage((message, unmade) -> { })).stream().map(analyzer -> analyzer.analyze(failure)).filter(Objects::nonNull).findFirst()
                .orElseThrow(() -> new AssertionError("no analyzer explains " + failure));
    }
}
