/**
 * The contract test kit: abstract JUnit 5 tests every plugin extends with its own implementation
 * ({@link io.dr4j.tck.BackupTargetContractTest}, {@link io.dr4j.tck.ProviderRegistrationContractTest},
 * {@link io.dr4j.tck.DeployerContractTest}).
 */
@NullMarked
package io.dr4j.tck;

import org.jspecify.annotations.NullMarked;
