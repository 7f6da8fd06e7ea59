package io.multiverse9.config;

/** What connections that are not acknowledged may do (SPEC 3). */
public record Perms(boolean openMetadata, boolean openInteractions) {
}
