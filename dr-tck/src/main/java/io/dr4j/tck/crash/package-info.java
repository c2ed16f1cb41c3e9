/** Crash tests: run work in a child JVM and SIGKILL it at a chosen moment ({@link io.dr4j.tck.crash.CrashHarness}). */
@NullMarked
package io.dr4j.tck.crash;

import org.jspecify.annotations.NullMarked;
