package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

@LanyardSpringTest
@ExtendWith(OutputCaptureExtension.class)
class RedactedLogsTest {
    private static final String DEBUG_LOGGER = "org.springframework.security.web.FilterChainProxy";

    @Autowired
    private LoggingSystem logging;

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
        assertThat(RedactedLogs.redact("Redirecting to http://app/cb?code=AbC-123_x&state=s1"))
                .isEqualTo("Redirecting to http://app/cb?code=[redacted]&state=s1");
        assertThat(RedactedLogs.redact("POST /oauth2/token, parameters={token=abc, client_secret=s3, refresh_token=r, code_verifier=v}"))
                .isEqualTo("POST /oauth2/token, parameters={token=[redacted], client_secret=[redacted], refresh_token=[redacted], code_verifier=[redacted]}");
        assertThat(RedactedLogs.redact("GET /not-me/abc/all")).isEqualTo("GET /not-me/[redacted]/all");
    }

    @Test
    void namesEndingInPasswordSecretOrTokenAreSecretsAndOthersStayAsTheyWere() {
        assertThat(RedactedLogs.redact("PasswordRequest[currentPassword=Tangerine-47, newPassword=marble, signOutOthers=true]"))
                .isEqualTo("PasswordRequest[currentPassword=[redacted], newPassword=[redacted], signOutOthers=true]");
        assertThat(RedactedLogs.redact("CreatedJson[secret=lyk_abc, key=k] SecondFactorNeeded[challenge=chl_x]"))
                .isEqualTo("CreatedJson[secret=[redacted], key=k] SecondFactorNeeded[challenge=[redacted]]");
        String line = "GET /oauth2/authorize?code_challenge=xyz&response_code=1&state=s&tokens_left=3";

        assertThat(RedactedLogs.redact(line)).isSameAs(line);
        assertThat(RedactedLogs.redact(null)).isNull();
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

        RedactedLogs.redactAppenders(root);
        RedactedLogs.redactAppenders(root);
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
        RedactedLogs.redactAppenders(context.getLogger(Logger.ROOT_LOGGER_NAME));

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

    /** A list the root logger of {@code context} appends to, named LIST, not yet behind the redaction. */
    private static ListAppender<ILoggingEvent> listed(LoggerContext context) {
        context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
        ListAppender<ILoggingEvent> list = new ListAppender<>();
        list.setContext(context);
        list.setName("LIST");
        list.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(list);
        return list;
    }

    private void get(String path) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(), HttpResponse.BodyHandlers.discarding());
    }
}
