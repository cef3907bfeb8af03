package dev.lanyard.account;

import dev.lanyard.ops.CheckedBeforeMigration;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * {@code lanyard.sign-up.confirm-email=true} without a mail server stops the start before the migration (outside QA:
 * it was found only when {@link SignUps} was made, after it). A mail server is what Spring Boot makes a mail sender
 * for: {@code spring.mail.host} or {@code spring.mail.jndi-name}; {@link SignUps} checks the sender itself.
 */
@Component
class ConfirmEmailNeedsMail implements CheckedBeforeMigration {

    ConfirmEmailNeedsMail(Environment environment) {
        boolean confirm = dev.lanyard.ops.InvalidSetting.flag("lanyard.sign-up.confirm-email",
                environment.getProperty("lanyard.sign-up.confirm-email"), false);
        boolean mailServer = !environment.getProperty("spring.mail.host", "").isBlank()
                || !environment.getProperty("spring.mail.jndi-name", "").isBlank();
        if (confirm && !mailServer) throw SignUps.needsMailServer();
    }
}
