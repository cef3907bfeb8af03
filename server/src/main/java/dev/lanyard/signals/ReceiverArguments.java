package dev.lanyard.signals;

import java.util.List;

import dev.lanyard.AuthorizationHeader;
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
        return receivers.authenticate(AuthorizationHeader.of(request.getNativeRequest(HttpServletRequest.class)));
    }
}
