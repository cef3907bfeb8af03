package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class NodeNewsTest {

    @Test
    void manyMessagesGoInAsFewNotificationsAsFitUnderPostgresLimitInTheOrderTold() {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 500; i++) items.add("login-throttle:f" + "%043d".formatted(i) + "." + "b".repeat(43));

        List<String> payloads = NodeNews.payloads(items);

        assertThat(payloads).hasSizeGreaterThan(1).allSatisfy(p -> {
            assertThat(p).startsWith("news:login-throttle:");
            assertThat(p.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(NodeNews.MAX_PAYLOAD);
        });
        List<String> heard = payloads.stream()
                .flatMap(p -> List.of(p.substring("news:login-throttle:".length()).split(",")).stream()).toList();
        assertThat(heard).containsExactlyElementsOf(items.stream().map(i -> i.substring("login-throttle:".length())).toList());
    }

    @Test
    void newsOfSeveralNamesGoesInNotificationsOfTheirOwn() {
        List<String> payloads = NodeNews.payloads(List.of("one:a", "two:b", "one:c"));

        assertThat(payloads).containsExactly("news:one:a,c", "news:two:b");
    }
}
