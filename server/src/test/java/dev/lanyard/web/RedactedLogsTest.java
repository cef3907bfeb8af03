package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.web.servlet.DispatcherServlet;

@LanyardSpringTest
@ExtendWith(OutputCaptureExtension.class)
class RedactedLogsTest {
    private static final String DEBUG_LOGGER = "org.springframework.security.web.FilterChainProxy";

    @Autowired
    private LoggingSystem logging;

    @Autowired
    private DispatcherServlet dispatcher;

    @LocalServerPort
    private int port;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void springsDebugLinesLoseLinkTokensAndTokenParameters(CapturedOutput output) throws Exception {
        logging.setLogLevel(DEBUG_LOGGER, LogLevel.DEBUG);
        try {
            get("/invite/inv1teT0ken_-x");
            get("/login/reset/r3setT0ken");
            get("/connect/logout?id_token_hint=eyJhbGci.eyJzdWIi.c2lnbmF0&post_logout_redirect_uri=http://127.0.0.1/out");
        } finally {
            logging.setLogLevel(DEBUG_LOGGER, null);
        }

        assertThat(output.getAll())
                .contains("Securing GET /invite/[redacted]", "Securing GET /login/reset/[redacted]",
                        "Securing GET /connect/logout?id_token_hint=[redacted]&post_logout_redirect_uri=http://127.0.0.1/out")
                .doesNotContain("inv1teT0ken", "r3setT0ken", "eyJhbGci");
    }

    @Test
    void secretParametersAreRedactedWhereverTheyStand() {
        assertThat(RedactedText.redact("Redirecting to http://app/cb?code=AbC-123_x&state=s1"))
                .isEqualTo("Redirecting to http://app/cb?code=[redacted]&state=s1");
        assertThat(RedactedText.redact("POST /oauth2/token, parameters={token=abc, client_secret=s3, refresh_token=r, code_verifier=v}"))
                .isEqualTo("POST /oauth2/token, parameters={token=[redacted], client_secret=[redacted], refresh_token=[redacted], code_verifier=[redacted]}");
        assertThat(RedactedText.redact("GET /not-me/abc/all")).isEqualTo("GET /not-me/[redacted]/all");
    }

    @Test
    void namesEndingInPasswordSecretOrTokenAreSecretsAndOthersStayAsTheyWere() {
        assertThat(RedactedText.redact("PasswordRequest[currentPassword=Tangerine-47, newPassword=marble, signOutOthers=true]"))
                .isEqualTo("PasswordRequest[currentPassword=[redacted], newPassword=[redacted], signOutOthers=true]");
        assertThat(RedactedText.redact("CreatedJson[secret=lyk_abc, key=k] SecondFactorNeeded[challenge=chl_x]"))
                .isEqualTo("CreatedJson[secret=[redacted], key=k] SecondFactorNeeded[challenge=[redacted]]");
        String line = "GET /oauth2/authorize?code_challenge=xyz&response_code=1&state=s&tokens_left=3";

        assertThat(RedactedText.redact(line)).isSameAs(line);
        String headers = "GET \"/api/v1/sessions\", parameters={}, headers={Host:[127.0.0.1:8080], Accept:[*/*], Content-Length:[74]}";
        assertThat(RedactedText.redact(headers)).isSameAs(headers);
        String migration = "Migrating schema \"main\" to version \"30 - bearer sessions\"";
        assertThat(RedactedText.redact(migration)).as("a word after bearer in prose").isSameAs(migration);
        assertThat(RedactedText.redact("Bearer sessions-Xy9_kd3Lq0"))
                .as("a token that starts with one of those words").isEqualTo("Bearer [redacted]");
        assertThat(RedactedText.redact("GET \"/api/v1/sessions/current?authorization=Bearer%20H7UJZ9b4Qu3S&x=Bearer+H7UJZ9b4Qu3S\""))
                .as("in a query string (outside review AN)")
                .isEqualTo("GET \"/api/v1/sessions/current?authorization=Bearer%20[redacted]&x=Bearer+[redacted]\"");
        String filter = "Invoking BearerTokenAuthenticationFilter (19/30)";
        assertThat(RedactedText.redact(filter)).isSameAs(filter);
        assertThat(RedactedText.redact(null)).isNull();
    }

    @Test
    void withAllOfSpringsWebLoggingAtDebugNoBodyIsPrinted(CapturedOutput output) throws Exception {
        logging.setLogLevel("org.springframework.web", LogLevel.DEBUG);
        try {
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/login"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"nobody@example.com\",\"password\":\"velvet otter paints calmly\"}"))
                    .build(), HttpResponse.BodyHandlers.discarding());
        } finally {
            logging.setLogLevel("org.springframework.web", null);
        }

        assertThat(output.getAll()).contains("POST \"/api/v1/login\"").doesNotContain("otter", "velvet");
    }

    @Test
    void anAppenderBehindTheRedactionGetsTheRedactedMessageAndEverythingElseAsLogged() {
        LoggerContext context = new LoggerContext();
        ListAppender<ILoggingEvent> list = listed(context);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);

        RedactedLogs.redactAppenders(context);
        RedactedLogs.redactAppenders(context);
        context.getLogger("some.logger").info("Opened {} for {}", "/invite/t0ken", "ada");
        context.getLogger("some.logger").info("nothing secret");

        assertThat(root.getAppender("LIST")).isInstanceOf(RedactedLogs.Redacting.class);
        assertThat(list.list).hasSize(2);
        ILoggingEvent redacted = list.list.get(0);
        assertThat(redacted.getFormattedMessage()).isEqualTo("Opened /invite/[redacted] for ada");
        assertThat(redacted.getMessage()).doesNotContain("t0ken");
        assertThat(redacted.getArgumentArray()).isNull();
        assertThat(redacted.getLoggerName()).isEqualTo("some.logger");
        assertThat(list.list.get(1).getFormattedMessage()).isEqualTo("nothing secret");
        context.stop();
        assertThat(list.isStarted()).isFalse();
    }

    /**
     * A library's exception may carry a request's URL in its message, and its stack trace is logged at ERROR whatever the
     * levels: the messages of the exception, its causes and its suppressed ones are redacted, as plain text, as the
     * throwable a structured format's stack trace printer prints, and in the MDC. An event without secrets is passed on as it came.
     */
    @Test
    void exceptionMessagesAndTheMdcAreRedactedWithEverythingElseAsLogged() throws Exception {
        LoggerContext context = new LoggerContext();
        ListAppender<ILoggingEvent> list = listed(context);
        RedactedLogs.redactAppenders(context);

        IllegalStateException thrown = new IllegalStateException("Redirect to https://app.example/cb?code=c0de&state=s1 failed",
                new IllegalArgumentException("while reading /login/reset/t0ken"));
        thrown.addSuppressed(new java.io.IOException("refresh_token=r3fresh"));
        org.slf4j.MDC.put("request", "/invite/t0ken?x=1");
        try {
            context.getLogger("some.logger").error("Request failed", thrown);
        } finally {
            org.slf4j.MDC.remove("request");
        }
        IllegalStateException harmless = new IllegalStateException("nothing secret");
        context.getLogger("some.logger").error("Request failed", harmless);

        ILoggingEvent redacted = list.list.get(0);
        String text = ch.qos.logback.classic.spi.ThrowableProxyUtil.asString(redacted.getThrowableProxy());
        assertThat(text).doesNotContain("c0de", "t0ken", "r3fresh")
                .startsWith("java.lang.IllegalStateException: Redirect to https://app.example/cb?code=[redacted]&state=s1 failed")
                .contains("Caused by: java.lang.IllegalArgumentException: while reading /login/reset/[redacted]",
                        "Suppressed: java.io.IOException: refresh_token=[redacted]",
                        "at dev.lanyard.web.RedactedLogsTest.exceptionMessagesAndTheMdcAreRedactedWithEverythingElseAsLogged");
        assertThat(redacted.getThrowableProxy().getClassName()).isEqualTo("java.lang.IllegalStateException");
        assertThat(redacted.getThrowableProxy().getMessage()).isEqualTo("Redirect to https://app.example/cb?code=[redacted]&state=s1 failed");
        StringBuilder printed = new StringBuilder();
        org.springframework.boot.logging.StandardStackTracePrinter.rootLast()
                .printStackTrace(((ch.qos.logback.classic.spi.ThrowableProxy) redacted.getThrowableProxy()).getThrowable(), printed);
        assertThat(printed.toString()).doesNotContain("c0de", "t0ken", "r3fresh")
                .startsWith("java.lang.IllegalStateException: Redirect to https://app.example/cb?code=[redacted]&state=s1 failed");
        assertThat(redacted.getMDCPropertyMap()).containsExactly(java.util.Map.entry("request", "/invite/[redacted]?x=1"));
        assertThat(redacted.getFormattedMessage()).isEqualTo("Request failed");
        assertThat(list.list.get(1).getThrowableProxy()).isInstanceOfSatisfying(ch.qos.logback.classic.spi.ThrowableProxy.class,
                proxy -> assertThat(proxy.getThrowable()).isSameAs(harmless));
        context.stop();
    }

    /**
     * Lines as {@code DispatcherServlet} (with {@code spring.mvc.log-request-details}), Tomcat's input buffer and cookie
     * parser, the JDK's and Apache's HTTP clients print them: credentials in headers, cookies and JSON bodies, in each
     * shape.
     */
    @Test
    void headersCookiesAndJsonBodiesAreRedactedInEveryShapeTheyArePrinted() {
        assertThat(RedactedText.redact("GET \"/api/v1/sessions\", parameters={}, headers={Host:[127.0.0.1:20620], "
                + "Authorization:[Bearer H7UJZ9b4Qu3S_HVsA], Cookie:[lanyard_session=una90yrY-GgeOdsY5eMkk; theme=dark], Accept:[*/*]} in DispatcherServlet"))
                .isEqualTo("GET \"/api/v1/sessions\", parameters={}, headers={Host:[127.0.0.1:20620], "
                        + "Authorization:[redacted], Cookie:[redacted], Accept:[*/*]} in DispatcherServlet");
        assertThat(RedactedText.redact("POST \"/login\", parameters={_csrf:[qr65zFsC-8idV_Ig], email:[ada@example.com], password:[Pw-form velvet] 7713]}"))
                .isEqualTo("POST \"/login\", parameters={_csrf:[redacted], email:[ada@example.com], password:[redacted]}");
        assertThat(RedactedText.redact("Completed 201 CREATED, headers={Pragma:[no-cache], Set-Cookie:[lanyard_session=una90yrY; Path=/; HttpOnly], Vary:[Origin]}"))
                .isEqualTo("Completed 201 CREATED, headers={Pragma:[no-cache], Set-Cookie:[redacted], Vary:[Origin]}");
        assertThat(RedactedText.redact("Received [POST /api/v1/password HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic bGNfVE14UWI5eE==\r\n"
                + "Cookie: lanyard_session=una90yrY\r\nContent-Type: application/json\r\n\r\n"
                + "{\"currentPassword\":\"Pw-velvet \\\"otter\\\"\",\"newPassword\" : \"marble\",\"signOutOthers\":false,"
                + "\"delivery\":{\"authorization_header\":\"Bearer pushAuthS3cret\"}}]"))
                .isEqualTo("Received [POST /api/v1/password HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: [redacted]\r\n"
                        + "Cookie: [redacted]\r\nContent-Type: application/json\r\n\r\n"
                        + "{\"currentPassword\":\"[redacted]\",\"newPassword\" : \"[redacted]\",\"signOutOthers\":false,"
                        + "\"delivery\":{\"authorization_header\":\"[redacted]\"}}]");
        assertThat(RedactedText.redact("Cookies: Parsing b[]: lanyard_session=una90yrY; lanyard_reveal_k1=s3al"))
                .isEqualTo("Cookies: [redacted]");
        assertThat(RedactedText.redact("HEADERS: REQUEST HEADERS:\nPOST /ssf HTTP/1.1\nAccept: application/json\nAuthorization: Bearer pushAuthS3cret\n"))
                .isEqualTo("HEADERS: REQUEST HEADERS:\nPOST /ssf HTTP/1.1\nAccept: application/json\nAuthorization: [redacted]\n");
        assertThat(RedactedText.redact("http-outgoing-0 >> \"Proxy-Authorization: Basic cHJveHk6cHc=[\\r][\\n]\""))
                .isEqualTo("http-outgoing-0 >> \"Proxy-Authorization: [redacted]");
        assertThat(RedactedText.redact("headers {authorization=[Bearer eyJhbGci.eyJzdWIi], accept=[*/*]} [Authorization:\"Bearer eyJhbGci\", X-XSRF-TOKEN:\"c5rf\"]"))
                .isEqualTo("headers {authorization=[redacted], accept=[*/*]} [Authorization:\"[redacted]\", X-XSRF-TOKEN:\"[redacted]\"]");
        assertThat(RedactedText.redact("Start processing with input [_csrf=-DH9n78kSA6-4hFfG&email=ada%40example.com&password=Pw-velvet]"))
                .isEqualTo("Start processing with input [_csrf=[redacted]&email=ada%40example.com&password=[redacted]]");
        assertThat(RedactedText.redact("parameter value [Bearer pushAuthS3cretValue], value class [java.lang.String]"))
                .isEqualTo("parameter value [Bearer [redacted]], value class [java.lang.String]");
    }

    /**
     * A name written with JSON escapes or percent-encoding is the name the server reads: Tomcat's raw request and its
     * parameter parser printed {@code "pass\\u0077ord":"…"} and {@code pass%77ord=…} in clear (outside review).
     */
    @Test
    void secretNamesWrittenEscapedAreRedactedAsTheNamesTheyStandFor() {
        assertThat(RedactedText.redact("Received [POST /api/v1/login HTTP/1.1\r\nContent-Type: application/json\r\n\r\n"
                + "{\"email\":\"ivy@example.com\",\"pass\\u0077ord\":\"LEAKJSON3esc\"}]"))
                .isEqualTo("Received [POST /api/v1/login HTTP/1.1\r\nContent-Type: application/json\r\n\r\n"
                        + "{\"email\":\"ivy@example.com\",\"pass\\u0077ord\":\"[redacted]\"}]");
        assertThat(RedactedText.redact("Start processing with input [email=ivy%40example.com&pass%77ord=LEAKFORM2&_csrf=c5rf]"))
                .isEqualTo("Start processing with input [email=ivy%40example.com&pass%77ord=[redacted]&_csrf=[redacted]]");
        assertThat(RedactedText.redact("{\"\\u0050ASSWORD\":\"a\",\"current\\u0050\\u0061ssword\":\"b\"} PASS%57ORD=c %63%6F%64%65=d"))
                .as("either case, several escapes, a name with a prefix")
                .isEqualTo("{\"\\u0050ASSWORD\":\"[redacted]\",\"current\\u0050\\u0061ssword\":\"[redacted]\"} PASS%57ORD=[redacted] "
                        + "%63%6F%64%65=[redacted]");
    }

    /** Every name the redaction takes, as a JSON member and (the parameters') as a form field, each character escaped. */
    @Test
    void everySecretNameIsRedactedWhenEachOfItsCharactersIsEscaped() {
        for (String name : java.util.List.of("code", "code_verifier", "challenge", "id_token_hint", "logout_hint", "_csrf", "password",
                "newPassword", "client_secret", "refresh_token", "X-XSRF-TOKEN", "authorization", "Proxy-Authorization",
                "authorization_header", "cookie", "cookies", "set-cookie", "Set-Cookie2", "x-api-key")) {
            String json = "{\"" + escaped(name, "\\u%04x") + "\":\"s3cretValue\"}";
            assertThat(RedactedText.redact(json)).as(json).isEqualTo("{\"" + escaped(name, "\\u%04x") + "\":\"[redacted]\"}");
        }
        for (String name : java.util.List.of("code", "code_verifier", "challenge", "id_token_hint", "logout_hint", "_csrf", "password",
                "currentPassword", "client_secret", "access_token")) {
            for (String form : java.util.List.of("%%%02x", "%%%02X")) {
                String line = "input [a=1&" + escaped(name, form) + "=s3cretValue&b=2]";
                assertThat(RedactedText.redact(line)).as(line).isEqualTo("input [a=1&" + escaped(name, form) + "=[redacted]&b=2]");
            }
        }
    }

    /** Escapes that spell no secret name leave the line as it was, the same instance. */
    @Test
    void escapedTextThatIsNoSecretNameStaysAsItWas() {
        for (String line : java.util.List.of("GET /search?q=100%25&email=ivy%40example.com", "{\"name\":\"\\u0041da\"}",
                "pass%20word=x co%64e_challenge=y %41code=z x%5Fcsrf=w", "{\"\\u0041code\":\"v\"}", "CPU at 95% for 3 s")) {
            assertThat(RedactedText.redact(line)).as(line).isSameAs(line);
        }
    }

    /** {@code name} with each character written as {@code format} makes it of its code ({@code \\u%04x}, {@code %%%02X}). */
    private static String escaped(String name, String format) {
        StringBuilder written = new StringBuilder();
        for (char c : name.toCharArray()) written.append(String.format(format, (int) c));
        return written.toString();
    }

    /**
     * With {@code spring.mvc.log-request-details} and Spring's and Tomcat's request logging at TRACE, a request's bearer
     * token, session cookie and password (with spaces) are printed nowhere: not in the headers and parameters
     * {@code DispatcherServlet} prints, the raw request Tomcat prints (also of a request Spring Security turns away), its
     * cookie parser's line, nor the handler's arguments.
     */
    @Test
    void withRequestDetailsAndTraceLoggingNoHeaderCookieOrFormPasswordIsPrinted(CapturedOutput output) throws Exception {
        String[] loggers = {"org.springframework.web", "org.apache.coyote.http11.Http11InputBuffer", "org.apache.tomcat.util.http"};
        dispatcher.setEnableLoggingRequestDetails(true);
        for (String logger : loggers) {
            logging.setLogLevel(logger, LogLevel.TRACE);
        }
        try {
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/sessions/current"))
                    .header("Authorization", "Bearer quiltBearer0ken_x9").header("Cookie", "lanyard_session=quiltCookie7value; theme=dark")
                    .GET().build(), HttpResponse.BodyHandlers.discarding());
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/login"))
                    .header("Content-Type", "application/json").header("Cookie", "lanyard_session=quiltCookie7value")
                    .header("X-API-Key", "quiltApiKey4value")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"nobody@example.com\",\"password\":\"quilted heron sings\"}"))
                    .build(), HttpResponse.BodyHandlers.discarding());
            // The names escaped, as the JSON reader and the form parser read them (outside review).
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/login"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"nobody@example.com\",\"pass\\u0077ord\":\"quiltEscJson5\"}"))
                    .build(), HttpResponse.BodyHandlers.discarding());
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "http://127.0.0.1:" + port)
                    .POST(HttpRequest.BodyPublishers.ofString("email=nobody%40example.com&pass%77ord=quiltEscForm6"))
                    .build(), HttpResponse.BodyHandlers.discarding());
        } finally {
            for (String logger : loggers) {
                logging.setLogLevel(logger, null);
            }
            dispatcher.setEnableLoggingRequestDetails(false);
        }

        assertThat(output.getAll()).contains("POST \"/api/v1/login\", parameters={}, headers={", "X-API-Key:[redacted]", "Cookie:[redacted]")
                .doesNotContain("quiltBearer0ken", "quiltCookie7value", "quiltApiKey4value", "heron", "quiltEscJson5", "quiltEscForm6");
        // Tomcat logs through java.util.logging, which reaches Logback only while Spring Boot's bridge is installed: another
        // test's context closing in this JVM uninstalls it (and then Tomcat's lines go nowhere).
        if (org.slf4j.bridge.SLF4JBridgeHandler.isInstalled()) {
            assertThat(output.getAll()).contains("Received [GET /api/v1/sessions/current");
        }
    }

    /**
     * Loggers that print values which no pattern can tell from harmless ones stay at INFO when their packages (or the
     * root) are turned up: the handler's positional arguments (a password with spaces), the values bound to SQL (a
     * stream's push authorization, a private signing key) and PostgreSQL's driver's bind messages.
     */
    @Test
    void loggersThatPrintUnrecognisableSecretsStayQuietWhenTheirPackagesAreTurnedUp() {
        String[] packages = {"org.springframework.web", "org.springframework.jdbc", "org.postgresql"};
        for (String logger : packages) {
            logging.setLogLevel(logger, LogLevel.TRACE);
        }
        try {
            assertThat(LoggerFactory.getLogger("org.springframework.web.method.HandlerMethod").isDebugEnabled()).isFalse();
            assertThat(LoggerFactory.getLogger("org.springframework.jdbc.core.StatementCreatorUtils").isDebugEnabled()).isFalse();
            assertThat(LoggerFactory.getLogger("org.postgresql.core.v3.QueryExecutorImpl").isDebugEnabled()).isFalse();
            assertThat(LoggerFactory.getLogger("org.springframework.jdbc.core.JdbcTemplate").isTraceEnabled()).isTrue();
        } finally {
            for (String logger : packages) {
                logging.setLogLevel(logger, null);
            }
        }
    }

    /**
     * An operator's Logback file may give a logger appenders of its own with additivity off: those are behind the
     * redaction as the root's are, each once (an appender two loggers share gets one redacting stand-in), and running
     * the set-up again wraps nothing twice.
     */
    @Test
    void appendersOfLoggersOtherThanTheRootAreRedactedOnceEach() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        String name = "dev.lanyard.test.operator" + UUID.randomUUID().toString().replace("-", "");
        Logger security = context.getLogger(name + ".security");
        Logger web = context.getLogger(name + ".web");
        ListAppender<ILoggingEvent> list = new ListAppender<>();
        list.setContext(context);
        list.setName("OPERATOR");
        list.start();
        for (Logger logger : new Logger[] {security, web}) {
            logger.setAdditive(false);
            logger.setLevel(Level.DEBUG);
            logger.addAppender(list);
        }
        try {
            startedAgain();
            startedAgain();
            security.debug("Securing GET /invite/{}", "inv1teT0ken");
            web.debug("headers={Authorization:[Bearer qu1ltBearer], Accept:[*/*]}");
            web.debug("nothing {}", "secret here");

            assertThat(security.getAppender("OPERATOR")).isInstanceOf(RedactedLogs.Redacting.class).isSameAs(web.getAppender("OPERATOR"));
            assertThat(list.list).extracting(ILoggingEvent::getFormattedMessage)
                    .containsExactly("Securing GET /invite/[redacted]", "headers={Authorization:[redacted], Accept:[*/*]}", "nothing secret here");
            assertThat(list.list.get(2).getArgumentArray()).containsExactly("secret here");
        } finally {
            for (Logger logger : new Logger[] {security, web}) {
                logger.detachAndStopAllAppenders();
                logger.setLevel(null);
            }
        }
    }

    /** A Logback configuration read after the start (a file's scan, a reload through JMX) has its appenders redacted too. */
    @Test
    void appendersALogbackConfigurationAddsAfterTheStartAreRedacted() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        String name = "dev.lanyard.test.reloaded" + UUID.randomUUID().toString().replace("-", "");
        String xml = """
                <configuration>
                  <appender name="RELOADED" class="dev.lanyard.web.RedactedLogsTest$Recorded"/>
                  <logger name="%s" level="DEBUG" additivity="false"><appender-ref ref="RELOADED"/></logger>
                </configuration>""".formatted(name);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Logger logger = context.getLogger(name);
        try {
            logger.debug("Redirecting to http://app/cb?code=c0de&state=s1");

            assertThat(logger.getAppender("RELOADED")).isInstanceOf(RedactedLogs.Redacting.class);
            assertThat(Recorded.LINES).contains("Redirecting to http://app/cb?code=[redacted]&state=s1").noneMatch(line -> line.contains("c0de"));
        } finally {
            logger.detachAndStopAllAppenders();
            logger.setLevel(null);
        }
    }

    /**
     * An appender that code attaches after the start ({@code addAppender} by a library, an agent, an operator's code),
     * to the root or to a logger without additivity, gets a bearer token and a password redacted from the first line
     * that reaches it, with no configuration read in between; a line without secrets reaches it as logged.
     */
    @Test
    void anAppenderAttachedByCodeAfterTheStartGetsRedactedLines() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        String name = "dev.lanyard.test.agent" + UUID.randomUUID().toString().replace("-", "");
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        Logger quiet = context.getLogger(name + ".quiet");
        ListAppender<ILoggingEvent> atRoot = listNamed(context, "AGENT_ROOT");
        ListAppender<ILoggingEvent> ownOnly = listNamed(context, "AGENT_OWN");
        root.addAppender(atRoot);
        quiet.setAdditive(false);
        quiet.addAppender(ownOnly);
        try {
            LoggerFactory.getLogger(name + ".client$Calls").info("Calling with Authorization: Bearer agentBearer0ken_x9");
            LoggerFactory.getLogger(name).warn("Refused {}", "LoginRequest[email=ada@example.com, password=agentPassw0rd]");
            LoggerFactory.getLogger(name + ".quiet.inner").info("Bearer quietBearer0ken_x9 for {}", "ada");
            LoggerFactory.getLogger(name).info("nothing {}", "secret here");

            assertThat(root.getAppender("AGENT_ROOT")).isInstanceOf(RedactedLogs.Redacting.class);
            assertThat(quiet.getAppender("AGENT_OWN")).isInstanceOf(RedactedLogs.Redacting.class);
            assertThat(atRoot.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("Calling with Authorization: [redacted]",
                    "Refused LoginRequest[email=ada@example.com, password=[redacted]]", "nothing secret here");
            assertThat(atRoot.list.get(0).getLoggerName()).isEqualTo(name + ".client$Calls");
            assertThat(ownOnly.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("Bearer [redacted] for ada");
            assertThat(atRoot.list.get(2).getArgumentArray()).containsExactly("secret here");
        } finally {
            root.detachAppender("AGENT_ROOT");
            quiet.detachAndStopAllAppenders();
            quiet.setAdditive(true);
        }
    }

    /**
     * Logback's reset (before a file is read again) empties the turbo filters; the watch that notices appenders
     * attached by code is back, first, once the configuration is read, so a filter of the operator's that lets a line
     * below its logger's level through (a marker's {@code ACCEPT}) lets it through redacted.
     */
    @Test
    void afterAResetAndAConfigurationTheWatchIsBackAndFirst() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
        RedactedLogs.redactEverywhere(context);
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(new ByteArrayInputStream("""
                <configuration>
                  <turboFilter class="ch.qos.logback.classic.turbo.MarkerFilter"><Marker>LOUD</Marker><OnMatch>ACCEPT</OnMatch></turboFilter>
                  <logger name="some.logger" level="INFO"/>
                </configuration>""".getBytes(StandardCharsets.UTF_8)));
        ListAppender<ILoggingEvent> list = listNamed(context, "LATER");
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(list);
        context.getLogger("some.logger").debug(org.slf4j.MarkerFactory.getMarker("LOUD"), "Authorization: Bearer l0udBearer0ken_x9");
        context.getLogger("some.logger").debug("Authorization: Bearer qu1etBearer0ken_x9");

        assertThat(context.getTurboFilterList()).hasSize(2).first().isInstanceOf(UnredactedAppenderWatch.class);
        assertThat(list.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("Authorization: [redacted]");
        context.stop();
    }

    /**
     * Micrometer's turbo filter (the actuator's {@code logback.events}) only counts lines: with it beside the watch, a
     * check below a logger's level ({@code isTraceEnabled()}, which the framework makes many times a request) makes no
     * line and does not look through the appenders; the first line that is made still reaches a later appender redacted.
     */
    @Test
    void besideMicrometersCountingFilterACheckBelowTheLevelLeavesTheAppendersAlone() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
        RedactedLogs.redactEverywhere(context);
        new io.micrometer.core.instrument.binder.logging.LogbackMetrics(java.util.List.of(), context)
                .bindTo(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        Logger quiet = context.getLogger("some.quiet.logger");
        quiet.setLevel(Level.INFO);
        ListAppender<ILoggingEvent> list = listNamed(context, "LATER");
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(list);

        assertThat(context.getTurboFilterList()).hasSize(2);
        assertThat(quiet.isTraceEnabled()).isFalse();
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("LATER")).isSameAs(list);

        quiet.info("Authorization: Bearer l4terBearer0ken_x9");
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("LATER")).isNotSameAs(list);
        assertThat(list.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("Authorization: [redacted]");
        context.stop();
    }

    /** An appender a Logback file names by class: keeps each line's formatted message. */
    public static final class Recorded extends ch.qos.logback.core.AppenderBase<ILoggingEvent> {
        static final java.util.List<String> LINES = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            LINES.add(event.getFormattedMessage());
        }
    }

    /** What Spring Boot does at each start: the listener runs after logging is set up. */
    private static void startedAgain() {
        new RedactedLogs().onApplicationEvent(new ApplicationEnvironmentPreparedEvent(new DefaultBootstrapContext(),
                new SpringApplication(), new String[0], new StandardEnvironment()));
    }

    /** A list the root logger of {@code context} appends to, named LIST, not yet behind the redaction. */
    private static ListAppender<ILoggingEvent> listed(LoggerContext context) {
        context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
        ListAppender<ILoggingEvent> list = listNamed(context, "LIST");
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(list);
        return list;
    }

    /** A started list appender of {@code context}, attached nowhere yet. */
    private static ListAppender<ILoggingEvent> listNamed(LoggerContext context, String name) {
        ListAppender<ILoggingEvent> list = new ListAppender<>();
        list.setContext(context);
        list.setName(name);
        list.start();
        return list;
    }

    private void get(String path) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(), HttpResponse.BodyHandlers.discarding());
    }
}
