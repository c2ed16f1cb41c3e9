/** Amazon S3 and S3-compatible stores (MinIO, Ceph RGW, R2, Wasabi) as a backup target, through the AWS SDK v2. */
@NullMarked
package io.dr4j.storage.s3;

import org.jspecify.annotations.NullMarked;
