/** A {@link io.dr4j.core.schedule.LeaderLock} on Kubernetes Leases (coordination.k8s.io/v1). */
@NullMarked
package io.dr4j.deploy.k8s.lock;

import org.jspecify.annotations.NullMarked;
