package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import dev.lanyard.Lanyard;

/** An empty {@code lanyard.mail.base-url} is an unset one: the public URL, else the default, for mail and the SSF issuer alike. */
class MailBaseUrlTest {
    @TempDir
    Path temp;

    /** Set empty, mail links went to localhost:8080 and the SSF issuer was "" although a public URL was set (outside review AJ). */
    @Test
    void anEmptyBaseUrlIsThePublicUrlForMailLinksAndTheSsfIssuer() throws Exception {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Lanyard.class).run("--server.address=127.0.0.1",
                "--server.port=0", "--spring.datasource.url=jdbc:sqlite:" + temp.resolve("lanyard.db") + "?foreign_keys=true",
                "--lanyard.geo.directory=" + temp.resolve("geo"), "--lanyard.mail.base-url=",
                "--lanyard.web.public-url=https://lanyard.example.com")) {
            assertThat(context.getBean(MailSettings.class).baseUrl()).isEqualTo("https://lanyard.example.com");
            String port = context.getEnvironment().getProperty("local.server.port");
            HttpResponse<String> ssf = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/.well-known/ssf-configuration")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ssf.body()).contains("\"issuer\":\"https://lanyard.example.com\"");
        }
    }

    /**
     * Mail links may go to an address of their own, but the SSF issuer is the OpenID Connect issuer: it was the mail base
     * URL, so a public URL with mail elsewhere gave a relying app two issuers for one server (outside review).
     */
    @Test
    void aBaseUrlOfItsOwnLeavesTheSsfIssuerThePublicUrlAsDiscoveryNamesIt() throws Exception {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Lanyard.class).run("--server.address=127.0.0.1",
                "--server.port=0", "--spring.datasource.url=jdbc:sqlite:" + temp.resolve("lanyard.db") + "?foreign_keys=true",
                "--lanyard.geo.directory=" + temp.resolve("geo"), "--lanyard.mail.base-url=https://mail.lanyard.example.com",
                "--lanyard.web.public-url=https://lanyard.example.com")) {
            assertThat(context.getBean(MailSettings.class).baseUrl()).isEqualTo("https://mail.lanyard.example.com");
            String port = context.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newHttpClient();
            for (String document : new String[] {"/.well-known/ssf-configuration", "/.well-known/openid-configuration"}) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + document)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.body()).as(document).contains("\"issuer\":\"https://lanyard.example.com\"");
            }
        }
    }

    @Test
    void unsetOrBlankItIsThePublicUrlWhenThatIsOneElseTheDefaultAndSetItIsKept() {
        assertThat(resolved(Map.of("lanyard.mail.base-url", " ", "lanyard.web.public-url", "https://a.example"))).isEqualTo("https://a.example");
        assertThat(resolved(Map.of("lanyard.web.public-url", "https://a.example"))).isEqualTo("https://a.example");
        assertThat(resolved(Map.of("lanyard.mail.base-url", ""))).isEqualTo("http://localhost:8080");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> resolved(Map.of("lanyard.web.public-url", "notaurl"))))
                .as("named as the setting given, not as lanyard.mail.base-url").isInstanceOf(dev.lanyard.ops.InvalidSetting.class)
                .hasMessageStartingWith("lanyard.web.public-url: 'notaurl'");
        assertThat(resolved(Map.of("lanyard.mail.base-url", "https://b.example", "lanyard.web.public-url", "https://a.example")))
                .isEqualTo("https://b.example");
    }

    /** Links to localhost:8080 from a server started with --server.port=20780 opened nothing (outside review AO). */
    @Test
    void unsetWithNoPublicUrlItIsWhereTheServerListens() {
        assertThat(resolved(Map.of())).isEqualTo("http://localhost:8080");
        assertThat(resolved(Map.of("server.port", "9090"))).isEqualTo("http://localhost:9090");
        assertThat(resolved(Map.of("server.port", "0"))).as("any free port: not known yet").isEqualTo("http://localhost:8080");
        assertThat(resolved(Map.of("server.address", "127.0.0.1", "server.port", "9090"))).isEqualTo("http://localhost:9090");
        assertThat(resolved(Map.of("server.address", "192.168.1.5", "server.port", "9090"))).isEqualTo("http://192.168.1.5:9090");
        assertThat(resolved(Map.of("server.address", "fd00::5"))).isEqualTo("http://[fd00::5]:8080");
        assertThat(resolved(Map.of("server.address", "::1"))).isEqualTo("http://localhost:8080");
        assertThat(resolved(Map.of("server.address", "0.0.0.0", "server.port", "9090"))).as("every address: no one name")
                .isEqualTo("http://localhost:9090");
        assertThat(MailBaseUrl.onEveryAddress("::")).isTrue();
        assertThat(MailBaseUrl.onEveryAddress("[::]")).isTrue();
        assertThat(MailBaseUrl.onEveryAddress("0.0.0.0")).isTrue();
        assertThat(MailBaseUrl.onEveryAddress("10.0.0.11")).isFalse();
        assertThat(resolved(Map.of("server.port", "9090", "lanyard.web.public-url", "https://a.example"))).isEqualTo("https://a.example");
    }

    /** Served at a path (server.servlet.context-path), Lanyard's pages are under it, and so are the links to them; a base URL given is kept. */
    @Test
    void servedAtAPathTheLinksLeadUnderIt() {
        assertThat(resolved(Map.of("server.servlet.context-path", "/lanyard"))).isEqualTo("http://localhost:8080/lanyard");
        assertThat(resolved(Map.of("server.servlet.context-path", "/lanyard/", "lanyard.web.public-url", "https://a.example/")))
                .isEqualTo("https://a.example/lanyard");
        assertThat(resolved(Map.of("server.servlet.context-path", "/", "lanyard.web.public-url", "https://a.example"))).isEqualTo("https://a.example");
        assertThat(resolved(Map.of("server.servlet.context-path", "/lanyard", "lanyard.mail.base-url", "https://b.example/sso")))
                .isEqualTo("https://b.example/sso");
    }

    private static String resolved(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("given", properties));
        new MailBaseUrl().postProcessEnvironment(environment, null);
        return environment.getProperty("lanyard.mail.base-url");
    }
}
