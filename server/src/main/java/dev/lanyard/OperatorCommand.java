package dev.lanyard;

/**
 * A command for whoever runs the server, run from the jar instead of the server: {@code java -jar lanyard.jar <name> …}.
 * Listed in {@code META-INF/spring.factories}, so that {@link Lanyard#main} finds it without depending on its module.
 */
public interface OperatorCommand {

    /** The first argument that runs it: {@code reset-link}. */
    String name();

    /** Runs it with the arguments that follow its name; answers the process's exit status (0 when done). */
    int run(String[] arguments);
}
