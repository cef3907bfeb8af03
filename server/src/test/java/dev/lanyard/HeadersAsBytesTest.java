package dev.lanyard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.catalina.connector.Response;
import org.apache.catalina.connector.ResponseFacade;
import org.apache.tomcat.util.buf.MessageBytes;
import org.apache.tomcat.util.http.MimeHeaders;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;

class HeadersAsBytesTest {
    private static final String POLICY = "default-src 'self'; frame-ancestors 'none'; a policy longer than thirty-two bytes";

    private final HeadersAsBytes writer = HeadersAsBytes.defaults().header("Content-Security-Policy", POLICY).build();
    private final org.apache.coyote.Response coyote = new org.apache.coyote.Response();
    private final ResponseFacade facade = tomcatResponse(coyote);

    private static ResponseFacade tomcatResponse(org.apache.coyote.Response coyote) {
        return new ResponseFacade(new Response(coyote));
    }

    @Test
    void tomcatsResponseGetsEveryHeaderAsBytesWithItsValue() {
        writer.writeHeaders(null, facade);

        MimeHeaders headers = coyote.getMimeHeaders();
        assertThat(headers.size()).isEqualTo(7);
        for (int i = 0; i < headers.size(); i++) {
            assertThat(headers.getName(i).getType()).isEqualTo(MessageBytes.T_BYTES);
            assertThat(headers.getValue(i).getType()).isEqualTo(MessageBytes.T_BYTES);
        }
        assertThat(headers.getName(6).toString()).isEqualTo("Content-Security-Policy");
        assertThat(headers.getHeader("Content-Security-Policy")).isEqualTo(POLICY);
        assertThat(headers.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(headers.getHeader("X-XSS-Protection")).isEqualTo("0");
        assertThat(headers.getHeader("Cache-Control")).isEqualTo("no-cache, no-store, max-age=0, must-revalidate");
        assertThat(headers.getHeader("Pragma")).isEqualTo("no-cache");
        assertThat(headers.getHeader("Expires")).isEqualTo("0");
        assertThat(headers.getHeader("X-Frame-Options")).isEqualTo("DENY");
        assertThat(facade.getHeader("Content-Security-Policy")).isEqualTo(POLICY);
    }

    @Test
    void springSecuritysFirewallIsLookedThroughAndAnyOtherWrapperIsNot() throws Exception {
        var firewall = new org.springframework.security.web.firewall.StrictHttpFirewall();
        writer.writeHeaders(null, firewall.getFirewalledResponse(facade));
        assertThat(coyote.getMimeHeaders().getValue("X-Frame-Options").getType()).isEqualTo(MessageBytes.T_BYTES);

        coyote.recycle();
        writer.writeHeaders(null, new jakarta.servlet.http.HttpServletResponseWrapper(facade));
        assertThat(coyote.getMimeHeaders().getValue("X-Frame-Options").getType()).isEqualTo(MessageBytes.T_STR);
        assertThat(facade.getHeader("X-Frame-Options")).isEqualTo("DENY");
    }

    @Test
    void aHeaderAlreadySetIsLeftAndTheCacheHeadersAreLeftTogether() {
        facade.setHeader("cache-control", "no-store");
        facade.setHeader("X-Frame-Options", "SAMEORIGIN");

        writer.writeHeaders(null, facade);

        assertThat(facade.getHeaders("Cache-Control")).containsExactly("no-store");
        assertThat(facade.containsHeader("Pragma")).isFalse();
        assertThat(facade.containsHeader("Expires")).isFalse();
        assertThat(facade.getHeaders("X-Frame-Options")).containsExactly("SAMEORIGIN");
        assertThat(facade.getHeader("Content-Security-Policy")).isEqualTo(POLICY);
    }

    @Test
    void theValuesSurviveTomcatWritingTheNextAnswersLengthIntoTheBufferItReuses() {
        for (int answer = 0; answer < 3; answer++) {
            writer.writeHeaders(null, facade);
            assertThat(coyote.getMimeHeaders().getHeader("Content-Security-Policy")).isEqualTo(POLICY);
            // The next answer reuses each header's field and buffer: Tomcat writes Content-Length into it in place.
            coyote.recycle();
            MimeHeaders headers = coyote.getMimeHeaders();
            for (int i = 0; i < 7; i++) headers.addValue("X-Other-" + i).setLong(1234567890123456789L);
            coyote.recycle();
        }
        writer.writeHeaders(null, facade);

        assertThat(coyote.getMimeHeaders().getHeader("Content-Security-Policy")).isEqualTo(POLICY);
        assertThat(coyote.getMimeHeaders().getHeader("X-Frame-Options")).isEqualTo("DENY");
    }

    @Test
    void anyOtherResponseGetsTheSameHeadersThroughTheServletApi() {
        MockHttpServletResponse response = new MockHttpServletResponse();
        response.setHeader("Pragma", "no-cache");

        writer.writeHeaders(null, response);

        assertThat(response.getHeaderNames()).containsExactlyInAnyOrder("Pragma", "X-Content-Type-Options", "X-XSS-Protection",
                "X-Frame-Options", "Content-Security-Policy");
        assertThat(response.getHeader("Content-Security-Policy")).isEqualTo(POLICY);
    }

    @Test
    void aValueTomcatWouldHaveToEncodeIsRefusedWhenBuilt() {
        assertThatThrownBy(() -> HeadersAsBytes.defaults().header("X-Name", "caf\u00e9").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeadersAsBytes.defaults().header("X-Name", "a\r\nSet-Cookie: b").build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
