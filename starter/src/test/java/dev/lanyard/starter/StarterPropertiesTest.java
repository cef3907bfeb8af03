package dev.lanyard.starter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import tools.jackson.databind.json.JsonMapper;

/** The starter's properties as an IDE shows them (their defaults are the ones applied), and an app that forgot lanyard.url. */
@ExtendWith(OutputCaptureExtension.class)
class StarterPropertiesTest {
    final WebApplicationContextRunner app = new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(
            LanyardAutoConfiguration.class, LanyardUrlMissing.class, SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class));

    @Test
    @SuppressWarnings("unchecked")
    void everyDefaultTheIdeShowsIsTheOneApplied() throws Exception {
        Map<String, Object> metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            metadata = JsonMapper.builder().build().readValue(in, Map.class);
        }
        LanyardProperties bound = new Binder(List.of(new MapConfigurationPropertySource(Map.of("lanyard.url", "http://127.0.0.1:1",
                "lanyard.client-id", "app", "lanyard.client-secret", "secret"))), null, ApplicationConversionService.getSharedInstance())
                .bind("lanyard", LanyardProperties.class).get();
        LanyardProperties.Signals signals = bound.signals();
        Map<String, Object> applied = Map.of("lanyard.clock-skew", bound.clockSkew(), "lanyard.scopes", bound.scopes(),
                "lanyard.signals.delivery", signals.delivery(), "lanyard.signals.push-path", signals.pushPath(),
                "lanyard.signals.backchannel-logout-path", signals.backchannelLogoutPath(),
                "lanyard.signals.poll-interval", signals.pollInterval(), "lanyard.signals.ended-retention", signals.endedRetention(),
                "lanyard.signals.ended-capacity", signals.endedCapacity(), "lanyard.signals.max-events", signals.maxEvents(),
                "lanyard.signals.check-interval", signals.checkInterval());

        List<Map<String, Object>> properties = (List<Map<String, Object>>) metadata.get("properties");
        for (Map.Entry<String, Object> expected : applied.entrySet()) {
            Map<String, Object> property = properties.stream().filter(p -> expected.getKey().equals(p.get("name"))).findFirst().orElseThrow();
            Object shown = property.get("defaultValue");
            assertThat(shown).as(expected.getKey() + " has a default in the metadata").isNotNull();
            Object value = expected.getValue();
            Object converted = value instanceof List<?> ? shown
                    : ApplicationConversionService.getSharedInstance().convert(shown.toString(), value.getClass());
            assertThat(converted).as(expected.getKey()).isEqualTo(value);
        }
        assertThat(signals.pollInterval()).isEqualTo(Duration.ofSeconds(2));
    }

    /** An instance's name becomes part of its stream's description, so it is kept short and plain, and the start says so. */
    @Test
    void anInstanceNameThatIsNotPlainStopsTheStartNamingTheProperty() {
        app.withPropertyValues("lanyard.url=http://127.0.0.1:1", "lanyard.client-id=app", "lanyard.client-secret=secret",
                "lanyard.signals.delivery=none", "lanyard.signals.instance=pod 0 (old)").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("lanyard.signals.instance");
        });
        app.withPropertyValues("lanyard.url=http://127.0.0.1:1", "lanyard.client-id=app", "lanyard.client-secret=secret",
                "lanyard.signals.delivery=none", "lanyard.signals.instance=app-0.web.svc:8081").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(LanyardProperties.class).signals().instanceName()).hasValue("app-0.web.svc:8081");
        });
    }

    @Test
    void otherLanyardPropertiesWithoutItsUrlStopTheStartNamingIt() {
        app.withPropertyValues("lanyard.client-id=app", "lanyard.client-secret=s3cr3t-value").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("lanyard.url is not set")
                    .hasMessageContaining("lanyard.client-id").hasMessageNotContaining("s3cr3t-value");
        });
    }

    @Test
    void noLanyardPropertiesAtAllStartsAndSaysTheAppIsNotProtectedByLanyard(CapturedOutput output) {
        app.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(LanyardEndpoints.class);
        });
        assertThat(output.getOut()).contains("lanyard.url is not set");
    }

    /** Kubernetes gives every pod LANYARD_PORT, LANYARD_SERVICE_HOST and the like for a service named lanyard: none is the starter's. */
    @Test
    void lanyardPropertiesThatAreNotTheStartersDoNotStopTheStart(CapturedOutput output) {
        app.withPropertyValues("lanyard.port=tcp://10.0.0.7:8080", "lanyard.service.host=10.0.0.7").run(context -> assertThat(context).hasNotFailed());
        assertThat(output.getOut()).contains("lanyard.url is not set");
        app.withPropertyValues("lanyard.signals.delivery=poll").run(context -> assertThat(context).hasFailed());
    }

    @Test
    void withItsUrlTheStarterIsOnAndSaysNothingOfIt(CapturedOutput output) {
        app.withPropertyValues("lanyard.url=http://127.0.0.1:1", "lanyard.client-id=app", "lanyard.client-secret=secret",
                "lanyard.signals.delivery=none").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(LanyardEndpoints.class).doesNotHaveBean(LanyardUrlMissing.class);
        });
        assertThat(output.getOut()).doesNotContain("lanyard.url is not set");
    }

    /** A sign-in Lanyard refused for the scopes asked names lanyard.scopes in the log (an admin may have unticked email). */
    @Test
    void aSignInRefusedForItsScopesNamesTheProperty() {
        LanyardProperties properties = new LanyardProperties(java.net.URI.create("http://127.0.0.1:1"), "app", "secret", null, null, null, null);
        var refused = new org.springframework.security.oauth2.core.OAuth2AuthenticationException(
                new org.springframework.security.oauth2.core.OAuth2Error("invalid_scope"));

        assertThat(LanyardConfigurer.hint(refused, properties)).contains("lanyard.scopes openid profile email").contains("email");
        assertThat(LanyardConfigurer.hint(new RuntimeException("x"), properties)).contains("lanyard.client-secret");
    }

    /** The advice when Lanyard names another issuer: a lanyard.url with a path is Lanyard's origin and the path it is served at. */
    @Test
    void theAdviceToStartLanyardNamingTheUrlSplitsOffAPath() {
        LanyardProperties atAPath = new LanyardProperties(java.net.URI.create("https://example.com/lanyard/"), "app", "secret", null, null, null, null);
        assertThat(new LanyardEndpoints(atAPath).namingThisUrl())
                .isEqualTo("--lanyard.web.public-url=https://example.com --server.servlet.context-path=/lanyard");
        LanyardProperties atTheRoot = new LanyardProperties(java.net.URI.create("http://127.0.0.1:8080"), "app", "secret", null, null, null, null);
        assertThat(new LanyardEndpoints(atTheRoot).namingThisUrl()).isEqualTo("--lanyard.web.public-url=http://127.0.0.1:8080");
    }
}
