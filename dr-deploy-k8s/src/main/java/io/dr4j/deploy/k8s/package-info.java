/** Kubernetes deployer (fabric8): rollout, health gate, {@code kubectl rollout undo} semantics, health checks. */
@NullMarked
package io.dr4j.deploy.k8s;

import org.jspecify.annotations.NullMarked;
