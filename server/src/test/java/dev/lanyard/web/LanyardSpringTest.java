package dev.lanyard.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.lanyard.Lanyard;
import dev.lanyard.testsupport.MutableClock;
import dev.lanyard.testsupport.SqliteDatabase;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.boot.webmvc.test.autoconfigure.MockMvcBuilderCustomizer;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.web.context.WebApplicationContext;

/**
 * The whole application on a real server port and through MockMvc, with a fresh database and a
 * {@link MutableClock} the test moves. Every class with the same {@link #database()} shares one
 * cached context (and so one database): tests make accounts of their own and never assume an
 * empty table. Activity is flushed, and expired sessions swept, only when a test calls for it.
 * Every MockMvc exchange under {@code /api/} is checked against the served OpenAPI document
 * ({@link OpenApiContract}); a mismatch fails the test that made the request.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest(classes = {Lanyard.class, LanyardSpringTest.MovingClock.class, LanyardSpringTest.ApiContract.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"lanyard.session.flush-interval=1h", "lanyard.session.sweep-interval=1h", "server.address=127.0.0.1"})
@AutoConfigureMockMvc
@ContextConfiguration(inheritInitializers = false)
@org.junit.jupiter.api.extension.ExtendWith(RealCsrfTokens.class)
public @interface LanyardSpringTest {

    /** Gives the context its database: {@link SqliteDatabase} or {@code PostgresDatabase}. */
    @AliasFor(annotation = ContextConfiguration.class, attribute = "initializers")
    Class<? extends ApplicationContextInitializer<?>>[] database() default SqliteDatabase.class;

    /** Replaces the system clock; the app's own {@code clock} bean stays but is not chosen. */
    @TestConfiguration(proxyBeanMethods = false)
    class MovingClock {
        @Bean
        @Primary
        MutableClock movingClock() {
            return new MutableClock();
        }
    }

    /** Checks every MockMvc request and response under {@code /api/} against the served OpenAPI document. */
    @TestConfiguration(proxyBeanMethods = false)
    class ApiContract {
        @Bean
        OpenApiContract openApiContract(WebApplicationContext context) {
            return new OpenApiContract(context);
        }

        @Bean
        MockMvcBuilderCustomizer openApiContractCheck(OpenApiContract contract) {
            return builder -> builder.alwaysDo(contract);
        }
    }
}
