package dev.lanyard.web;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * A client that asks {@code Expect: 100-continue} before sending its body is told to go on only once Lanyard reads
 * the body, not as soon as the request arrives (Tomcat's default). A body {@link BodyLimit} refuses up front is then
 * never sent: the client gets the 413 in place of the 100. Sent at once, the 100 had a client start a 30 MB upload
 * that the 413 then cut short, and some clients reported the broken upload instead of the 413.
 */
@Component
class ContinueOnRead implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> {

    @Override
    public void customize(ConfigurableTomcatWebServerFactory factory) {
        factory.addConnectorCustomizers(connector -> connector.setProperty("continueResponseTiming", "onRead"));
    }
}
