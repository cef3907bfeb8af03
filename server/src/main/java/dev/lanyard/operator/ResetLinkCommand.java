package dev.lanyard.operator;

import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.lanyard.OperatorCommand;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.MailTimes;
import dev.lanyard.account.OperatorResetLinks;
import dev.lanyard.audit.OperatorAudit;
import dev.lanyard.ops.ExistingDatabase;
import dev.lanyard.ops.InvalidSetting;
import dev.lanyard.ops.SettingChecks;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.mail.autoconfigure.MailSenderAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * {@code java -jar lanyard.jar reset-link <email> [--name=value…]}: makes a single-use password reset link for the account
 * with that email and prints it, alone, to standard output, for the operator to hand over outside Lanyard (decision 67,
 * addendum). It takes the server's settings the way the server does (application.yml beside the jar, the environment,
 * {@code --name=value}) and may run while the server runs on the same database; it serves nothing and migrates nothing.
 *
 * <p>Its exit status: 0 with the link printed; 1 when no account has the email, or the database cannot be used as it is
 * (missing, another build's schema, unreachable); 2 for wrong arguments. Each failure is one line on standard error.
 */
public final class ResetLinkCommand implements OperatorCommand {
    static final int DONE = 0;
    static final int FAILED = 1;
    static final int WRONG_ARGUMENTS = 2;
    static final String USAGE = "usage: java -jar lanyard.jar reset-link <email> [--spring.datasource.url=… and the server's other settings]";

    /**
     * Logs quiet unless something is wrong, and no start-up report: a failure is said in one line by {@link #run}. One
     * database connection, not the server's pool kept full. Defaults only (the operator's settings win), and only from the
     * jar: the log levels would hold for the rest of a test's JVM.
     */
    private static final Map<String, Object> DEFAULTS = Map.of("logging.level.root", "warn",
            "logging.level.org.springframework.boot.SpringApplication", "off",
            "logging.level.org.springframework.boot.diagnostics", "off",
            "logging.level.org.springframework.context.annotation.AnnotationConfigApplicationContext", "error",
            "spring.datasource.hikari.minimum-idle", "1");

    @Override
    public String name() {
        return "reset-link";
    }

    /**
     * Runs the command from the jar. Whatever else prints to standard output meanwhile (a log line) goes to standard error
     * instead, so that the link can be piped. Spring Boot's warming up in the background (JSON, validation: what the
     * server needs, this does not) is left out: on a small machine it took as long as the rest.
     */
    @Override
    public int run(String[] arguments) {
        System.setProperty("spring.backgroundpreinitializer.ignore", "true");
        PrintStream out = System.out;
        System.setOut(System.err);
        return run(List.of(arguments), out, System.err, Clock.systemUTC(), DEFAULTS);
    }

    /**
     * Runs the command with the arguments that follow its name: one email, then settings as {@code --name=value}; the
     * {@code defaults} are the settings' lowest layer. The link goes to {@code out}; what it is for and any failure to
     * {@code err}. Answers the exit status.
     */
    static int run(List<String> arguments, PrintStream out, PrintStream err, Clock clock, Map<String, Object> defaults) {
        if (arguments.contains("--help") || arguments.contains("-h")) {
            out.println(USAGE);
            return DONE;
        }
        List<String> emails = arguments.stream().filter(a -> !a.startsWith("-")).toList();
        if (emails.size() != 1 || emails.size() + arguments.stream().filter(a -> a.startsWith("--")).count() != arguments.size()) {
            err.println("reset-link: give one email address and settings as --name=value; " + USAGE);
            return WRONG_ARGUMENTS;
        }
        SpringApplication application = new SpringApplication(Beans.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setDefaultProperties(defaults);
        application.setLogStartupInfo(false);
        application.setRegisterShutdownHook(false);
        application.addInitializers(context -> context.getBeanFactory().registerSingleton("clock", clock));
        application.addListeners(new SettingsChecked(err));
        try (ConfigurableApplicationContext context = application.run(arguments.stream().filter(a -> a.startsWith("--")).toArray(String[]::new))) {
            Optional<OperatorResetLinks.Made> made = context.getBean(OperatorResetLinks.class).make(emails.get(0));
            if (made.isEmpty()) {
                err.println("reset-link: no account has the email " + emails.get(0) + "; nothing was made.");
                return FAILED;
            }
            out.println(made.get().link());
            err.println("reset-link: a password reset link for " + made.get().account().email() + ", usable once until "
                    + MailTimes.utc(made.get().expiresAt()) + ". Hand it over yourself; the member is told that it was made.");
            if (!context.getEnvironment().containsProperty("lanyard.web.public-url") && made.get().link().startsWith("http://localhost:"))
                err.println("reset-link: the link starts with the default " + made.get().link().substring(0, made.get().link().indexOf('/', 7))
                        + "; give the server's lanyard.web.public-url (or its --server.port) for another.");
            return DONE;
        } catch (AccountProblem.InvalidInput invalid) {
            err.println("reset-link: " + invalid.getMessage());
            return WRONG_ARGUMENTS;
        } catch (RuntimeException failure) {
            err.println("reset-link: " + reason(failure));
            return setting(failure) ? WRONG_ARGUMENTS : FAILED;
        }
    }

    /** Whether a setting given was refused (a wrong argument, exit 2), not the database or the account. */
    private static boolean setting(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof org.springframework.boot.context.properties.bind.BindException || t instanceof InvalidSetting) return true;
        }
        return false;
    }

    /** The one line that says why: the database's refusal, or the innermost cause (a setting's own message, a connection's). */
    private static String reason(Throwable failure) {
        Throwable innermost = failure;
        boolean connecting = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ExistingDatabase.Refused) return t.getMessage();
            if (t instanceof InvalidSetting invalid) return invalid.getMessage() + " " + invalid.action();
            connecting |= t instanceof java.sql.SQLException || t instanceof org.springframework.jdbc.CannotGetJdbcConnectionException;
            innermost = t;
        }
        String message = innermost.getMessage() == null ? innermost.getClass().getSimpleName() : innermost.getMessage();
        String line = message.lines().findFirst().orElse(message);
        // "Connection refused" alone does not say whose (outside review AG); the base URL is public-url's when given.
        if (connecting) return "the database cannot be used (check spring.datasource.url and its credentials): " + line;
        return line.contains("lanyard.mail.base-url") ? line + " (lanyard.web.public-url sets it when given)" : line;
    }

    /**
     * The server's checks of Lanyard's settings, made once they are read and before the database is opened: a duration
     * without its unit is refused as the server refuses it, and a key Lanyard does not read is warned of.
     */
    private record SettingsChecked(PrintStream err) implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {
        @Override
        public void onApplicationEvent(ApplicationEnvironmentPreparedEvent prepared) {
            for (String warning : SettingChecks.check(prepared.getEnvironment())) err.println("reset-link: warning: " + warning);
        }
    }

    /** The command's context: the database as it is, the operator's reset links and the audit log; no web server, no schedules. */
    @ImportAutoConfiguration({DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
            TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class,
            MailSenderAutoConfiguration.class})
    @Import({ExistingDatabase.class, OperatorResetLinks.class, OperatorAudit.class})
    static class Beans {
    }
}
