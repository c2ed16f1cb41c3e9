package io.dr4j.storage.s3;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;

import io.dr4j.core.config.Secret;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** An embedded s3proxy on 127.0.0.1 and a free port, with a transient (in-memory) or file-system blob store. */
final class S3ProxyServer implements AutoCloseable {
    static final String ACCESS_KEY = "dr4j-access";
    static final String SECRET_KEY = "dr4j-secret-not-real";

    private final S3Proxy proxy;
    private final URI endpoint;
    private final S3Client admin;

    private S3ProxyServer(String provider, Properties props) throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(BlobStores.create(provider, props))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .stopTimeout(500)
                .build();
        proxy.start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.sleep(5);
        }
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        admin = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                .httpClientBuilder(Apache5HttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    /** In-memory store (s3proxy's jimfs-backed {@code transient} provider). */
    static S3ProxyServer startTransient() throws Exception {
        return new S3ProxyServer("transient", new Properties());
    }

    /** File-system store under {@code dir}: for large objects that must not sit in the test's heap. */
    static S3ProxyServer startFilesystem(Path dir) throws Exception {
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", dir.toString());
        return new S3ProxyServer("filesystem", p);
    }

    URI endpoint() {
        return endpoint;
    }

    /** A raw SDK client for setting up buckets and inspecting multipart uploads. */
    S3Client admin() {
        return admin;
    }

    void createBucket(String bucket) {
        admin.createBucket(b -> b.bucket(bucket));
    }

    /** A builder pointed at this server with valid credentials. */
    S3BackupTargetBuilder target(String bucket, String prefix) {
        return S3BackupTarget.builder().location(URI.create("s3://" + bucket + "/" + prefix))
                .endpoint(endpoint).pathStyle(true).region("us-east-1")
                .credentials(ACCESS_KEY, Secret.of(SECRET_KEY), null)
                .partSize(S3Settings.MIN_PART_SIZE).concurrency(3).maxAttempts(2);
    }

    @Override
    public void close() throws Exception {
        admin.close();
        proxy.stop();
    }
}
