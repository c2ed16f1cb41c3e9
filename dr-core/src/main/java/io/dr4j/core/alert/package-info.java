/** The Notifier SPI, alerts, routing and the built-in channels. */
@NullMarked
package io.dr4j.core.alert;

import org.jspecify.annotations.NullMarked;
