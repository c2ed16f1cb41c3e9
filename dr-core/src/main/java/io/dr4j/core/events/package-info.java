/**
 * The event SPI: what the library reports while it backs up, restores, verifies, expires and archives WAL
 * ({@link io.dr4j.core.events.DrEvent}), to {@link io.dr4j.core.events.DrEventListener}s registered on a repository
 * (metrics, backup status, an application's own hooks). A listener that throws never fails the work.
 */
@NullMarked
package io.dr4j.core.events;

import org.jspecify.annotations.NullMarked;
