/** What deployer plugins implement and register. */
@NullMarked
package io.dr4j.core.deploy.spi;

import org.jspecify.annotations.NullMarked;
