package dev.lanyard.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Lanyard checks its input by hand (each handler's own checks, {@link StrictJson}) and ships no Bean Validation
 * provider (decision 80): Hibernate Validator was built at every start for nothing. Without this, Spring MVC would
 * look for a provider at every start and log that it found none. A handler that declared {@code @Valid} would not
 * be validated, so {@code NoBeanValidationTest} fails the build on any Bean Validation annotation in Lanyard's code.
 */
@Configuration(proxyBeanMethods = false)
class NoBeanValidation implements WebMvcConfigurer {

    private static final Validator NONE = new Validator() {
        @Override
        public boolean supports(Class<?> type) {
            return false;
        }

        @Override
        public void validate(Object target, Errors errors) {
            throw new IllegalStateException("Lanyard ships no Bean Validation provider (decision 80)");
        }
    };

    @Override
    public Validator getValidator() {
        return NONE;
    }
}
