package dev.lanyard.ops;

/**
 * A component that checks a setting as it is made, from the {@code Environment} alone (no database, nothing that
 * waits for the migration), so that {@link NewerSchema} can make it before the schema is migrated: a bad value then
 * stops the start with the database as it was (outside QA: a newer build started with a typo migrated first).
 * Lanyard's {@code @ConfigurationProperties} records are checked the same way without it.
 */
public interface CheckedBeforeMigration {
}
