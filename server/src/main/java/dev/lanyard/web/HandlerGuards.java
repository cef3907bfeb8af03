package dev.lanyard.web;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import dev.lanyard.session.Download;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refusals made once the handler is known and before it runs, so that a refused request changes nothing.
 * <ul>
 * <li>An API request whose {@code Accept} allows none of the types its operation answers is answered 406
 * problem+json. Spring MVC found that out only when it came to write the handler's answer, after the handler had run:
 * an API key was made and mailed about, a session started or others ended, and the client was told 406 without the
 * secret or the session. The types are those the OpenAPI document gives the operation's success (its
 * {@code @ApiResponse} content: {@code text/csv} or {@code application/json} for the audit export), else
 * {@code application/json}, and {@code application/problem+json} for every failure. No {@code Accept}, an empty one,
 * and any range that takes one of them with a quality above 0 ({@code *}{@code /*}, {@code application/*}) pass.</li>
 * <li>{@code HEAD} of a download ({@link Download}, pages and API) is answered 405 with {@code Allow: GET}. A download
 * is an export written in full before its first byte, and a member's data export is recorded in their activity: a
 * safe method must do neither. Its length is known only once it is written, so there is no honest {@code HEAD} short
 * of the work itself.</li>
 * <li>A page's field that its handler reads as one value, given more than once, is refused naming it
 * ({@link RepeatedFields}): Spring MVC joined the values with a comma and the handler stored them.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class HandlerGuards implements WebMvcConfigurer {
    private final JsonMapper json;
    private final Map<Method, List<MediaType>> answered = new ConcurrentHashMap<>();
    private final RepeatedFields repeated = new RepeatedFields();

    HandlerGuards(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new Guard());
    }

    /**
     * What the operation answers on success, as its OpenAPI annotations say (else {@code application/json}), and
     * {@code application/problem+json}, last.
     */
    static List<MediaType> answered(Method method) {
        List<MediaType> types = new ArrayList<>();
        for (ApiResponse response : method.getAnnotationsByType(ApiResponse.class)) {
            if (!response.responseCode().startsWith("2")) continue;
            for (Content content : response.content()) {
                if (!content.mediaType().isEmpty()) types.add(MediaType.parseMediaType(content.mediaType()));
            }
        }
        if (types.isEmpty()) types.add(MediaType.APPLICATION_JSON);
        types.add(MediaType.APPLICATION_PROBLEM_JSON);
        return List.copyOf(types.stream().distinct().toList());
    }

    /** Whether {@code Accept} is absent, empty, or has a range with a quality above 0 that takes one of {@code types}. */
    static boolean accepts(HttpServletRequest request, List<MediaType> types) {
        if (request.getHeader(HttpHeaders.ACCEPT) == null) return true; // most API clients: nothing to parse
        List<MediaType> ranges;
        try {
            ranges = MediaType.parseMediaTypes(Collections.list(request.getHeaders(HttpHeaders.ACCEPT)));
        } catch (InvalidMediaTypeException e) {
            return false;
        }
        return ranges.isEmpty() || ranges.stream().anyMatch(range -> range.getQualityValue() > 0
                && types.stream().anyMatch(range::isCompatibleWith));
    }

    private final class Guard implements HandlerInterceptor {
        @Override
        public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws IOException {
            if (!(handler instanceof HandlerMethod method)) return true;
            // Thrown, so that the page's advice answers it as it answers any refusal of its input.
            repeated.repeated(method, request).ifPresent(field -> {
                throw new RepeatedFields.Refused(field);
            });
            boolean api = Problems.isApi(request);
            if ("HEAD".equals(request.getMethod()) && Download.class.isAssignableFrom(method.getMethod().getReturnType())) {
                response.setHeader(HttpHeaders.ALLOW, "GET");
                if (api) {
                    Problems.write(request, response, json, Problems.of(HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed",
                            "A download is only sent in full: use GET."));
                } else {
                    response.sendError(HttpStatus.METHOD_NOT_ALLOWED.value());
                }
                return false;
            }
            // OPTIONS answers with headers only, whatever is accepted.
            if (!api || "OPTIONS".equals(request.getMethod())) return true;
            List<MediaType> types = answered.computeIfAbsent(method.getMethod(), HandlerGuards::answered);
            if (accepts(request, types)) return true;
            String success = types.stream().limit(types.size() - 1).map(MediaType::toString).collect(Collectors.joining(" or "));
            Problems.write(request, response, json, Problems.of(HttpStatus.NOT_ACCEPTABLE, "not-acceptable",
                    "The answer is " + success + " (a problem: application/problem+json), which the Accept header does not "
                            + "allow. Nothing was done."));
            return false;
        }
    }
}
