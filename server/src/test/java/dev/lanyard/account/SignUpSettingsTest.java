package dev.lanyard.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/** Whether sign-ups confirm emails: by default exactly when mail can be sent (decision 61). */
class SignUpSettingsTest {

    private static Mailer mailer(boolean smtp) {
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        if (smtp) beans.addBean("mailSender", new JavaMailSenderImpl());
        return new Mailer(beans.getBeanProvider(JavaMailSender.class), null, null, null, null, null);
    }

    private static SignUps signUps(boolean smtp, Boolean confirmEmail) {
        return new SignUps(null, null, null, null, null, null, mailer(smtp), null, null, new SignUpSettings(confirmEmail));
    }

    @Test
    void unsetItFollowsTheMailServer() {
        assertThat(signUps(true, null).confirmsEmail()).isTrue();
        assertThat(signUps(false, null).confirmsEmail()).isFalse();
    }

    @Test
    void itCanBeTurnedOffWithAMailServer() {
        assertThat(signUps(true, false).confirmsEmail()).isFalse();
    }

    @Test
    void turnedOnWithoutAMailServerTheStartStopsAndSaysWhy() {
        assertThatThrownBy(() -> signUps(false, true)).isInstanceOf(dev.lanyard.ops.InvalidSetting.class)
                .hasMessage("lanyard.sign-up.confirm-email: true needs a mail server (spring.mail.host): the link that finishes a "
                        + "sign-up is mailed.");
    }
}
