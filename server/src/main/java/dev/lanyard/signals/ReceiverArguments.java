package dev.lanyard.signals;

import java.util.List;

import dev.lanyard.AuthorizationHeader;
import dev.lanyard.BodyEncoding;
import dev.lanyard.apps.AppClient;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The receiver an SSF request comes from, as the first argument of {@link SsfApi}'s handlers: Spring MVC resolves a
 * handler's arguments in order, so the caller is authenticated ({@link Receivers#authenticate}, 401) before its body
 * is read or a parameter checked. A caller with no token learns nothing of what a request must hold (outside QA: a
 * missing {@code stream_id} or a broken body answered 400 to anyone). A request with two {@code Authorization} headers
 * is refused ({@link AuthorizationHeader}).
 *
 * <p>Then the body is checked as the API's own chain checks a bearer request's ({@link BodyEncoding#unreadable}):
 * compressed, in a charset Java does not know, or of a wildcard or unparsable type, it is {@code 415}. The receivers'
 * chain has no such check, and Spring MVC failed on a wildcard {@code Content-Type} ({@code *}{@code /*},
 * {@code application/*}) with a 500 and a stack trace in the log (outside review).
 */
@Configuration(proxyBeanMethods = false)
class ReceiverArguments implements WebMvcConfigurer, HandlerMethodArgumentResolver {
    private final Receivers receivers;

    ReceiverArguments(Receivers receivers) {
        this.receivers = receivers;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(this);
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == AppClient.class && parameter.getContainingClass() == SsfApi.class;
    }

    @Override
    public AppClient resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
                                     WebDataBinderFactory binders) {
        HttpServletRequest servlet = request.getNativeRequest(HttpServletRequest.class);
        AppClient receiver = receivers.authenticate(AuthorizationHeader.of(servlet));
        BodyEncoding.unreadable(servlet, false).ifPresent(unreadable -> {
            throw unreadable;
        });
        return receiver;
    }
}
