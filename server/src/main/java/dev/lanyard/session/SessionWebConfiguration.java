package dev.lanyard.session;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Offers the {@link SessionFilter} to the security filter chain, and only there. */
@Configuration(proxyBeanMethods = false)
class SessionWebConfiguration {

    @Bean
    SessionFilter sessionFilter(Sessions sessions, SessionCookie cookie, dev.lanyard.geo.ClientAddresses addresses) {
        return new SessionFilter(sessions, cookie, addresses);
    }

    /** Keeps Boot from also running the filter outside the security chain. */
    @Bean
    FilterRegistrationBean<SessionFilter> sessionFilterRegistration(SessionFilter filter) {
        var registration = new FilterRegistrationBean<>(filter);
        registration.setEnabled(false);
        return registration;
    }
}
