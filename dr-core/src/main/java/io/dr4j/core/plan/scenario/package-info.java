/** The five scenarios of the DR plan as ready recovery plans, and the runbooks rendered from them. */
@NullMarked
package io.dr4j.core.plan.scenario;

import org.jspecify.annotations.NullMarked;
