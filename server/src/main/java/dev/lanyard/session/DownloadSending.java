package dev.lanyard.session;

import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Lets a handler return a {@link Download}: Spring MVC hands it the request and response, and it sends itself. Asked
 * before Spring's own handlers, since a {@code @RestController}'s would otherwise write it as JSON.
 */
@Configuration(proxyBeanMethods = false)
class DownloadSending {

    @Bean
    static BeanPostProcessor downloadsSendThemselves() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof RequestMappingHandlerAdapter adapter && adapter.getReturnValueHandlers() != null) {
                    List<HandlerMethodReturnValueHandler> handlers = new ArrayList<>(List.of(new Handler()));
                    handlers.addAll(adapter.getReturnValueHandlers());
                    adapter.setReturnValueHandlers(handlers);
                }
                return bean;
            }
        };
    }

    private static final class Handler implements HandlerMethodReturnValueHandler {
        @Override
        public boolean supportsReturnType(MethodParameter returnType) {
            return Download.class.isAssignableFrom(returnType.getParameterType());
        }

        @Override
        public void handleReturnValue(Object returned, MethodParameter returnType, ModelAndViewContainer mav, NativeWebRequest request)
                throws Exception {
            mav.setRequestHandled(true);
            if (returned instanceof Download download) {
                download.send(request.getNativeRequest(HttpServletRequest.class), request.getNativeResponse(HttpServletResponse.class));
            }
        }
    }
}
