/** Google Cloud Storage as a backup target, through the google-cloud-storage client. */
@NullMarked
package io.dr4j.storage.gcs;

import org.jspecify.annotations.NullMarked;
