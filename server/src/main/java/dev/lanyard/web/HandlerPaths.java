package dev.lanyard.web;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.lanyard.ChecksControlCharacters;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.condition.PathPatternsRequestCondition;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.servlet.resource.ResourceUrlProvider;

/**
 * What Spring MVC's handlers take at a request's path, for the filters and the firewall's refusals, which answer before
 * the dispatcher looks for a handler. Read from the handler mappings once, on first use (they are ready only after the
 * filters are made); used on refused requests only, so no request that passes pays for it.
 */
@Component
class HandlerPaths {
    /** What Spring MVC's resource handler takes at a static file's path, as its own 405 names them. */
    private static final List<String> STATIC_FILE_METHODS = List.of("GET", "HEAD");

    private final ObjectProvider<RequestMappingInfoHandlerMapping> mappings;
    private final ObjectProvider<ResourceUrlProvider> resources;
    private volatile List<Mapped> mapped;

    HandlerPaths(ObjectProvider<RequestMappingInfoHandlerMapping> mappings, ObjectProvider<ResourceUrlProvider> resources) {
        this.mappings = mappings;
        this.resources = resources;
    }

    /** One handler's mapping, and the form fields it checks for control characters itself. */
    private record Mapped(RequestMappingInfo info, Set<String> checkedFields) {
    }

    /**
     * The methods the handlers at the request's path take, as Spring MVC's own 405 names them in its {@code Allow}
     * (no {@code HEAD} or {@code OPTIONS} added), in alphabetical order: {@code GET} and {@code HEAD} for a static
     * file; empty when no handler takes the path.
     */
    Set<String> methods(HttpServletRequest request) {
        return methods(request.getRequestURI(), request.getContextPath());
    }

    /**
     * {@link #methods(HttpServletRequest)} of a path as sent ({@code requestUri}) under Lanyard's own ({@code contextPath}),
     * for a request Tomcat refused before it became one of the application's.
     */
    Set<String> methods(String requestUri, String contextPath) {
        Set<String> methods = new TreeSet<>();
        PathContainer path = path(requestUri, contextPath);
        if (path == null) return methods;
        for (Mapped each : mapped()) {
            if (!at(each.info(), path)) continue;
            Set<RequestMethod> taken = each.info().getMethodsCondition().getMethods();
            if (taken.isEmpty()) methods.addAll(List.of("DELETE", "GET", "PATCH", "POST", "PUT"));
            taken.forEach(m -> methods.add(m.name()));
        }
        if (methods.isEmpty() && staticFile(path)) methods.addAll(STATIC_FILE_METHODS);
        return methods;
    }

    /**
     * Whether a static file ({@code /css/…}, {@code /js/…}) is served at the path: a resource handler of Spring MVC whose
     * pattern takes the path finds a file for it, by the same resolvers and locations (and so the same checks of the
     * path) as when it serves it.
     */
    private boolean staticFile(PathContainer path) {
        ResourceUrlProvider provider = resources.getIfAvailable();
        return provider != null && provider.getForLookupPath(path.value()) != null;
    }

    /**
     * The form fields that the handler of this request (its method and path) checks for control characters itself
     * ({@link ChecksControlCharacters}); none for any other.
     */
    Set<String> controlCheckedFields(HttpServletRequest request) {
        PathContainer path = path(request.getRequestURI(), request.getContextPath());
        if (path == null) return Set.of();
        RequestMethod method = RequestMethod.resolve(request.getMethod());
        for (Mapped each : mapped()) {
            if (!each.checkedFields().isEmpty() && each.info().getMethodsCondition().getMethods().contains(method) && at(each.info(), path)) {
                return each.checkedFields();
            }
        }
        return Set.of();
    }

    private static boolean at(RequestMappingInfo info, PathContainer path) {
        PathPatternsRequestCondition patterns = info.getPathPatternsCondition();
        return patterns != null && patterns.getPatterns().stream().anyMatch(pattern -> pattern.matches(path));
    }

    /** A request's path within the application, as the dispatcher matches it; null when it cannot be read or is not under it. */
    private static PathContainer path(String requestUri, String contextPath) {
        if (requestUri == null) return null;
        try {
            return RequestPath.parse(requestUri, contextPath).pathWithinApplication();
        } catch (IllegalArgumentException unreadable) {
            return null;
        }
    }

    private List<Mapped> mapped() {
        List<Mapped> known = mapped;
        if (known == null) {
            known = mappings.orderedStream().flatMap(mapping -> mapping.getHandlerMethods().entrySet().stream())
                    .map(e -> new Mapped(e.getKey(), checkedFields(e.getValue()))).toList();
            mapped = known;
        }
        return known;
    }

    private static Set<String> checkedFields(HandlerMethod handler) {
        ChecksControlCharacters checks = handler.getMethodAnnotation(ChecksControlCharacters.class);
        return checks == null ? Set.of() : Set.of(checks.value());
    }
}
