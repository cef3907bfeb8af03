/**
 * A secret carried from the POST that makes it to the one page that shows it (a new API key's secret, new
 * recovery codes), so that the POST can answer with a redirect and a reload makes nothing new.
 */
@ApplicationModule(displayName = "Secret handover", allowedDependencies = {"session", "geo"})
package dev.lanyard.handover;

import org.springframework.modulith.ApplicationModule;
