package dev.lanyard.session;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

import dev.lanyard.device.UserAgentParser;
import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.geo.GeoLocator;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.modulith.NamedInterface;
import org.springframework.stereotype.Component;

/**
 * Turns a request into a {@link ClientOrigin}: device from the user agent and client hints, place from the IP.
 * Open to the sign-in module, which starts sessions from requests.
 */
@Component
@NamedInterface("sign-in")
public class ClientOrigins {
    private static final int MAX_USER_AGENT = 512;

    private final UserAgentParser agents;
    private final ClientAddresses addresses;
    private final GeoLocator geo;

    ClientOrigins(UserAgentParser agents, ClientAddresses addresses, GeoLocator geo) {
        this.agents = agents;
        this.addresses = addresses;
        this.geo = geo;
    }

    public ClientOrigin of(HttpServletRequest request) {
        InetAddress ip = addresses.resolve(request);
        Map<String, String> headers = new HashMap<>();
        String userAgent = request.getHeader("User-Agent");
        if (userAgent != null) headers.put("User-Agent", userAgent);
        for (String hint : agents.clientHintHeaders()) {
            String value = request.getHeader(hint);
            if (value != null) headers.put(hint, value);
        }
        String ua = userAgent == null ? "" : userAgent.length() > MAX_USER_AGENT ? userAgent.substring(0, MAX_USER_AGENT) : userAgent;
        return new ClientOrigin(agents.parse(headers), ua, ip.getHostAddress(), geo.locate(ip));
    }
}
