package dev.lanyard.web;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * A parameter whose name ends in {@code []} is no parameter of Lanyard's, in the address or in a form, on a page or on
 * the API: the request goes on without it, as with any unknown parameter. Spring MVC reads {@code scope[]=all} as
 * {@code scope} when {@code scope} is not given (a convention of some JavaScript libraries), which got around the rule
 * that a parameter is given once: {@code ?scope=others&scope[]=all} and {@code ?limit[]=5} on the API
 * ({@link ApiQueryParameters}); on a page, {@code newDeviceEmails=on&newDeviceEmails[]=garbage} passed the check of
 * fields sent more than once ({@link RepeatedFields}) and {@code newDeviceEmails[]=on} alone turned the new device emails
 * on (outside review). No form or operation of Lanyard's has such a name.
 *
 * <p>After {@link UnparsableParameters}, which has read the parameters of every request already: looking at their names
 * costs no parsing, and only a request that has such a name is wrapped.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 31)
class BracketedNames extends HttpFilter {
    private static final String BRACKETS = "[]";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean bracketed = request.getParameterMap().keySet().stream().anyMatch(name -> name.endsWith(BRACKETS));
        chain.doFilter(bracketed ? new Without(request) : request, response);
    }

    /** The request without its parameters named {@code x[]}. */
    private static final class Without extends HttpServletRequestWrapper {
        Without(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getParameter(String name) {
            return name.endsWith(BRACKETS) ? null : super.getParameter(name);
        }

        @Override
        public String[] getParameterValues(String name) {
            return name.endsWith(BRACKETS) ? null : super.getParameterValues(name);
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            Map<String, String[]> kept = new LinkedHashMap<>(super.getParameterMap());
            kept.keySet().removeIf(name -> name.endsWith(BRACKETS));
            return Collections.unmodifiableMap(kept);
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.enumeration(getParameterMap().keySet());
        }
    }
}
