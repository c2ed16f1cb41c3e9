/** Docker deployer: recreate a service's container with a new image behind a health gate, history on labels. */
@NullMarked
package io.dr4j.deploy.docker;

import org.jspecify.annotations.NullMarked;
