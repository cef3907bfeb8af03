package dev.lanyard.account;

import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Warns at start when Lanyard listens on every address but the links in its mail name {@code localhost}: the README's
 * way to sign in from a phone ({@code --server.address=0.0.0.0}) mailed links that opened the phone's own localhost
 * (outside review AO). No one name of the machine is known here, so the operator is asked for it.
 */
@Component
class MailLinkHost {
    MailLinkHost(Environment environment) {
        String address = environment.getProperty("server.address", "").strip();
        String base = environment.getProperty(MailBaseUrl.PROPERTY, "");
        if (MailBaseUrl.onEveryAddress(address) && base.startsWith("http://localhost:")) {
            LoggerFactory.getLogger(MailLinkHost.class).warn("Lanyard listens on every address ({}), but links in mail (and the "
                    + "Shared Signals issuer) start with {}, which other devices cannot open: set lanyard.web.public-url to the "
                    + "address people use, like http://<this machine's address>:{}", address, base,
                    base.substring(base.lastIndexOf(':') + 1));
        }
    }
}
