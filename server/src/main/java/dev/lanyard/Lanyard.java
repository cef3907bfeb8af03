package dev.lanyard;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Lanyard: where am I signed in, and can I end it — now?
 *
 * <p>Spring Boot's default in-memory user is left out: nobody signs in with it (every request is
 * authenticated by its Lanyard session), and it would print a generated password to the log.
 */
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
@EnableScheduling
public class Lanyard {

    public static void main(String[] args) {
        SpringApplication.run(Lanyard.class, args);
    }

    /** The one clock of the domain; tests replace it with one they can move. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
