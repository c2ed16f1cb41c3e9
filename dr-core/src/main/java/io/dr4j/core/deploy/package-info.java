/** Deployer: deploy a version, keep its history, roll back behind a health gate. */
@NullMarked
package io.dr4j.core.deploy;

import org.jspecify.annotations.NullMarked;
