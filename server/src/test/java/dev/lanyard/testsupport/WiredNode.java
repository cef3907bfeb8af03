package dev.lanyard.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.lanyard.account.OtherNodes;

/**
 * One node's side of a wire between two, in place of the PostgreSQL channel ({@code session.NodeNews}): what one node
 * tells, the other hears at once, unless it is not {@link #hearing}. Each node carries news of one name only, and a
 * tell of another name fails the test.
 */
public final class WiredNode implements OtherNodes {
    /** What this node told, in order. */
    public final List<String> told = new ArrayList<>();
    /** Whether this node hears what the other tells; a test turns it off to cut the wire one way. */
    public boolean hearing = true;

    private final String name;
    private Consumer<String> listener;
    private WiredNode peer;

    private WiredNode(String name) {
        this.name = name;
    }

    /** Two nodes wired to each other, carrying news of {@code name}. */
    public static WiredNode[] pair(String name) {
        WiredNode a = new WiredNode(name);
        WiredNode b = new WiredNode(name);
        a.peer = b;
        b.peer = a;
        return new WiredNode[] {a, b};
    }

    @Override
    public void tell(String name, String message) {
        assertThat(name).isEqualTo(this.name);
        told.add(message);
        if (peer.hearing) peer.listener.accept(message);
    }

    @Override
    public void listen(String name, Consumer<String> listener) {
        this.listener = listener;
    }

    @Override
    public boolean hearing() {
        return hearing;
    }
}
