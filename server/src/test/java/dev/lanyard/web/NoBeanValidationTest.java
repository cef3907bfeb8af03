package dev.lanyard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.util.ClassUtils;
import org.springframework.validation.Validator;

/** Decision 80: no Bean Validation provider, so nothing in Lanyard may rely on one. */
@LanyardSpringTest
class NoBeanValidationTest {
    @Autowired
    @Qualifier("mvcValidator")
    Validator mvcValidator;

    @Test
    void springMvcValidatesNothingAndLooksForNoProvider() {
        assertThat(mvcValidator.supports(Object.class)).isFalse();
        assertThat(mvcValidator.supports(String.class)).isFalse();
    }

    @Test
    void neitherABeanValidationProviderNorTomcatsWebSocketSupportIsOnTheClassPath() {
        ClassLoader loader = ClassUtils.getDefaultClassLoader();
        assertThat(ClassUtils.isPresent("org.hibernate.validator.HibernateValidator", loader)).isFalse();
        assertThat(ClassUtils.isPresent("org.apache.tomcat.websocket.server.WsSci", loader)).isFalse();
    }

    @Test
    void noLanyardClassUsesABeanValidationAnnotation() throws Exception {
        Path classes = Path.of(NoBeanValidation.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (Stream<Path> files = Files.walk(classes)) {
            assertThat(files.filter(f -> f.toString().endsWith(".class")).filter(NoBeanValidationTest::namesBeanValidation)
                    .map(classes::relativize)).isEmpty();
        }
    }

    private static boolean namesBeanValidation(Path classFile) {
        try {
            return new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1).contains("jakarta/validation/");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
