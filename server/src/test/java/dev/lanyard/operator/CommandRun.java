package dev.lanyard.operator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.core.env.Environment;

/** One run of {@code reset-link} in-process: its exit status and what it printed. */
record CommandRun(int status, String out, String err) {
    private static final Pattern LINK = Pattern.compile("^http://localhost:8080/login/reset/([A-Za-z0-9_-]{43})$");

    /** {@code reset-link} with {@code arguments}, on {@code clock}, as the operator runs it with nothing but {@code arguments}. */
    static CommandRun resetLink(Clock clock, List<String> arguments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ResetLinkCommand.run(arguments, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8), clock, Map.of());
        return new CommandRun(status, out.toString(UTF_8), err.toString(UTF_8));
    }

    /** {@code reset-link} with {@code arguments} and a test server's database and mail server settings, from its {@code environment}. */
    static CommandRun resetLink(Environment environment, Clock clock, String... arguments) {
        List<String> all = new ArrayList<>(List.of(arguments));
        for (String setting : List.of("spring.datasource.url", "spring.datasource.username", "spring.datasource.password",
                "spring.mail.host", "spring.mail.port")) {
            String value = environment.getProperty(setting);
            if (value != null) all.add("--" + setting + "=" + value);
        }
        return resetLink(clock, all);
    }

    /** The token of the one line printed, which must be the link and nothing else. */
    String token() {
        Matcher link = LINK.matcher(out.strip());
        assertThat(link.matches()).as("the link alone on standard output: " + out + err).isTrue();
        return link.group(1);
    }
}
