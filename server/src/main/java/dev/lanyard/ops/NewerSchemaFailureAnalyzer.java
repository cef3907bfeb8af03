package dev.lanyard.ops;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns {@link NewerSchema.Newer} into a short start-up report saying what to do. */
final class NewerSchemaFailureAnalyzer extends AbstractFailureAnalyzer<NewerSchema.Newer> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, NewerSchema.Newer cause) {
        return new FailureAnalysis(cause.getMessage() + ".",
                "Start the Lanyard build that migrated this database (schema " + cause.schema() + ") or a newer one. To go back to this"
                        + " build, restore a backup of the database taken before the upgrade: Lanyard does not migrate a schema down.", cause);
    }
}
