package dev.lanyard.ops;

import java.util.concurrent.CompletableFuture;

/**
 * Something a component builds on its own thread once the application is ready, such as the user-agent rules or the ISP
 * table. {@link HeapGivenBack} waits for every one before it gives back the heap their building grew.
 */
public interface BackgroundLoad {

    /** Completes, normally or exceptionally, when the load has finished; it may not have started yet. */
    CompletableFuture<?> loaded();
}
