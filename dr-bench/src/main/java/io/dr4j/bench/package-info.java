/** JMH benchmarks of dr4j's codec layer; run with bench/jmh.sh. */
@NullMarked
package io.dr4j.bench;

import org.jspecify.annotations.NullMarked;
