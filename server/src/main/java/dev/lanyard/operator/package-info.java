/**
 * Commands for whoever runs the server, run beside it from the same jar with the same settings:
 * {@code java -jar lanyard.jar reset-link <email>} makes a password reset link to hand over (decision 67, addendum).
 * Each starts a small context of its own (the database, the module services it calls, no web server, no schedules) and
 * leaves the database's schema as it is.
 */
@ApplicationModule(displayName = "Operator commands", allowedDependencies = {"account", "audit", "ops"})
package dev.lanyard.operator;

import org.springframework.modulith.ApplicationModule;
