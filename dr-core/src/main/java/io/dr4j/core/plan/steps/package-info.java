/** Ready steps for recovery plans: restore, clean-backup search, deploy, rollback, Terraform, and the SPIs (traffic switch, isolation, service control) plans plug into. */
@NullMarked
package io.dr4j.core.plan.steps;

import org.jspecify.annotations.NullMarked;
