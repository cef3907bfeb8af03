package dev.lanyard.web;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.test.web.support.WebTestUtils;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.test.context.junit.jupiter.SpringExtension;
import org.springframework.web.context.WebApplicationContext;

/**
 * Puts the application's own CSRF token repository back before each test. Spring Security's
 * {@code csrf()} request post-processor swaps the shared context's repository for a session-based
 * test one for good, which would make real-HTTP tests in the same context order-dependent.
 */
class RealCsrfTokens implements BeforeEachCallback {

    @Override
    public void beforeEach(ExtensionContext extension) {
        if (!(SpringExtension.getApplicationContext(extension) instanceof WebApplicationContext web)) return;
        MockHttpServletRequest request = new MockHttpServletRequest(web.getServletContext());
        request.setAttribute(WebApplicationContext.ROOT_WEB_APPLICATION_CONTEXT_ATTRIBUTE, web);
        WebTestUtils.setCsrfTokenRepository(request, web.getBean(CsrfTokenRepository.class));
    }
}
