package io.dr4j.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.UnknownHostException;

import io.dr4j.core.storage.AccessDeniedException;
import io.dr4j.core.storage.InsufficientStorageException;
import io.dr4j.core.storage.StorageException;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Answers of AWS S3 that s3proxy cannot produce (regions, Object Lock, quotas), translated into clear errors. */
class S3ErrorsTest {
    static final S3Location LOC = new S3Location("swe-platform-backups", "postgresql-backups");

    static S3Exception s3(int status, String code, String message, String... headers) {
        SdkHttpResponse.Builder http = SdkHttpResponse.builder().statusCode(status);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            http.putHeader(headers[i], headers[i + 1]);
        }
        return (S3Exception) S3Exception.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message)
                        .sdkHttpResponse(http.build()).build()).build();
    }

    static StorageException translate(SdkException e) {
        return S3Errors.translate("write", "wal/1", LOC, "AWS S3 region us-east-1", "s3:PutObject", e);
    }

    @Test
    @DisplayName("a bucket in another region names that region and the setting to change")
    void wrongRegion() {
        assertThat(translate(s3(301, "PermanentRedirect", "The bucket you are attempting to access must be addressed "
                + "using the specified endpoint.", "x-amz-bucket-region", "eu-west-1")))
                .hasMessageContaining("'swe-platform-backups' is not in the region the client uses")
                .hasMessageContaining("it is in eu-west-1")
                .hasMessageContaining("dr.storage.s3.region=eu-west-1");
        assertThat(translate(s3(400, "AuthorizationHeaderMalformed", "the region 'us-east-1' is wrong; expecting "
                + "'eu-central-1'"))).hasMessageContaining("dr.storage.s3.region");
    }

    @Test
    @DisplayName("a missing bucket is named")
    void missingBucket() {
        assertThat(translate(s3(404, "NoSuchBucket", "The specified bucket does not exist")))
                .hasMessageContaining("S3 bucket 'swe-platform-backups' does not exist")
                .hasMessageContaining("s3://swe-platform-backups/postgresql-backups/wal/1");
    }

    @Test
    @DisplayName("access denied names the IAM action and the resource")
    void accessDenied() {
        assertThat(translate(s3(403, "AccessDenied", "Access Denied"))).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("s3:PutObject")
                .hasMessageContaining("arn:aws:s3:::swe-platform-backups/postgresql-backups/*");
        assertThat(translate(s3(403, "SignatureDoesNotMatch", "x"))).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("secret access key does not match");
    }

    @Test
    @DisplayName("Object Lock headers on a bucket without Object Lock: nothing written, what to do")
    void lockOnBucketWithoutLock() {
        assertThat(translate(s3(400, "InvalidRequest", "Bucket is missing Object Lock Configuration")))
                .hasMessageContaining("has no Object Lock configuration")
                .hasMessageContaining("Nothing was written")
                .hasMessageContaining("dr.storage.s3.object-lock.mode");
    }

    @Test
    @DisplayName("a full store or exceeded quota is InsufficientStorageException")
    void quota() {
        assertThat(translate(s3(507, "XMinioStorageFull", "Storage backend has reached its minimum free drive "
                + "threshold"))).isInstanceOf(InsufficientStorageException.class);
    }

    @Test
    @DisplayName("an unknown endpoint host names the endpoint and the setting")
    void unknownHost() {
        SdkClientException e = SdkClientException.builder().message("Unable to execute HTTP request")
                .cause(new UnknownHostException("minio.invalid")).build();
        assertThat(translate(e)).hasMessageContaining("Cannot reach the S3 endpoint")
                .hasMessageContaining("dr.storage.s3.endpoint");
    }
}
