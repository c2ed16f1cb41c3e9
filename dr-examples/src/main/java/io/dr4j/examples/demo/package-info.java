/** The demo drill: the DR plan's database-corruption scenario end to end on an embedded PostgreSQL. */
@NullMarked
package io.dr4j.examples.demo;

import org.jspecify.annotations.NullMarked;
