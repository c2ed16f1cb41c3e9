package io.dr4j.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.Secret;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real HTTP receivers on 127.0.0.1 check the exact bytes each channel sends. */
class ChannelPayloadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50), 2.0);
    private static final Instant AT = Instant.parse("2026-11-26T02:00:00Z");
    private static final Alert ALERT = new Alert(Severity.CRITICAL, "Newest backup is too old",
            "Newest backup 20261124T020000Z-full is 48.0 h old (limit 24 h)", "backup-monitor",
            "dr4j:db-prod:backup-age", false, Map.of("check", "backup-age", "system", "db-prod"), AT);

    private HttpReceiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = new HttpReceiver(200);
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void slackPayloadIsExactAndUrlNeverShown() throws Exception {
        Secret url = Secret.of(receiver.uri("/services/T000/B000/XXXXSECRETXXXX").toString());
        SlackNotifier slack = SlackNotifier.builder().webhookUrl(url).label("#ops").retry(FAST).build();
        slack.notify(ALERT);
        slack.notify(ALERT.resolve("Newest backup is 1 h old"));

        assertThat(receiver.requests).hasSize(2);
        HttpReceiver.Request r = receiver.requests.get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/services/T000/B000/XXXXSECRETXXXX");
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.bodyText()).isEqualTo("{\"text\":\"[CRITICAL] Newest backup is too old\",\"attachments\":[{"
                + "\"color\":\"#d00000\",\"title\":\"Newest backup is too old\",\"text\":\"Newest backup "
                + "20261124T020000Z-full is 48.0 h old (limit 24 h)\",\"fields\":[{\"title\":\"check\",\"value\":"
                + "\"backup-age\",\"short\":true},{\"title\":\"system\",\"value\":\"db-prod\",\"short\":true}],"
                + "\"footer\":\"dr4j backup-monitor\",\"ts\":1795658400}]}");
        JsonNode resolved = JSON.readTree(receiver.requests.get(1).body());
        assertThat(resolved.get("text").asText()).isEqualTo("[RESOLVED] Newest backup is too old");
        assertThat(resolved.at("/attachments/0/color").asText()).isEqualTo("#2eb886");
        assertThat(slack.name()).isEqualTo("slack:#ops").doesNotContain("SECRET");
        assertThat(slack.toString()).doesNotContain("SECRET");
    }

    @Test
    void pagerDutyTriggersAndResolvesWithTheDedupKey() throws Exception {
        PagerDutyNotifier pd = PagerDutyNotifier.builder().routingKey(Secret.of("R0UTINGKEY0123456789"))
                .endpoint(receiver.uri("/v2/enqueue")).label("dr").retry(FAST).build();
        receiver.thenAnswer(202, 202);
        pd.notify(ALERT);
        pd.notify(ALERT.resolve("ok again"));

        assertThat(receiver.requests).hasSize(2);
        assertThat(receiver.requests.get(0).path()).isEqualTo("/v2/enqueue");
        assertThat(receiver.requests.get(0).bodyText()).isEqualTo("{\"routing_key\":\"R0UTINGKEY0123456789\","
                + "\"event_action\":\"trigger\",\"dedup_key\":\"dr4j:db-prod:backup-age\",\"payload\":{\"summary\":"
                + "\"Newest backup is too old: Newest backup 20261124T020000Z-full is 48.0 h old (limit 24 h)\","
                + "\"source\":\"backup-monitor\",\"severity\":\"critical\",\"timestamp\":\"2026-11-26T02:00:00Z\","
                + "\"custom_details\":{\"message\":\"Newest backup 20261124T020000Z-full is 48.0 h old (limit 24 h)\","
                + "\"check\":\"backup-age\",\"system\":\"db-prod\"}},\"client\":\"dr4j\"}");
        assertThat(receiver.requests.get(1).bodyText()).isEqualTo("{\"routing_key\":\"R0UTINGKEY0123456789\","
                + "\"event_action\":\"resolve\",\"dedup_key\":\"dr4j:db-prod:backup-age\"}");
        assertThat(pd.name()).isEqualTo("pagerduty:dr").doesNotContain("R0UTING");
    }

    @Test
    void pagerDutyBadRequestIsNotRetriedAndNeverShowsTheKey() {
        PagerDutyNotifier pd = PagerDutyNotifier.builder().routingKey(Secret.of("R0UTINGKEY0123456789"))
                .endpoint(receiver.uri("/v2/enqueue")).retry(FAST).build();
        receiver.thenAnswer(400);
        assertThatThrownBy(() -> pd.notify(ALERT)).isInstanceOf(NotificationException.class)
                .hasMessageContaining("pagerduty:default refused").hasMessageContaining("HTTP 400")
                .satisfies(e -> assertThat(e.toString()).doesNotContain("R0UTING"));
        assertThat(receiver.requests).hasSize(1);
    }

    @Test
    void webhookIsSignedSoTheReceiverCanVerifyIt() throws Exception {
        Secret secret = Secret.of("s3cr3t-shared-with-receiver");
        WebhookNotifier hook = WebhookNotifier.builder().url(Secret.of(receiver.uri("/hook?token=abc").toString()))
                .hmacSecret(secret).label("ops").retry(FAST).build();
        long before = Instant.now().getEpochSecond();
        hook.notify(ALERT);

        HttpReceiver.Request r = receiver.requests.get(0);
        assertThat(r.bodyText()).isEqualTo("{\"version\":1,\"severity\":\"CRITICAL\",\"title\":\"Newest backup is too "
                + "old\",\"message\":\"Newest backup 20261124T020000Z-full is 48.0 h old (limit 24 h)\",\"source\":"
                + "\"backup-monitor\",\"dedupKey\":\"dr4j:db-prod:backup-age\",\"resolved\":false,\"fields\":{\"check\":"
                + "\"backup-age\",\"system\":\"db-prod\"},\"at\":\"2026-11-26T02:00:00Z\"}");
        String ts = r.header("X-Dr4j-Timestamp");
        assertThat(Long.parseLong(ts)).isBetween(before, Instant.now().getEpochSecond());
        // verify exactly as documented, independently of the sender's code
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("s3cr3t-shared-with-receiver".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal((ts + "." + r.bodyText()).getBytes(StandardCharsets.UTF_8));
        String sig = r.header("X-Dr4j-Signature");
        assertThat(sig).startsWith("v1=");
        assertThat(MessageDigest.isEqual(HexFormat.of().parseHex(sig.substring(3)), expected)).isTrue();
        // a tampered body does not verify
        byte[] tampered = mac.doFinal((ts + "." + r.bodyText().replace("CRITICAL", "INFO"))
                .getBytes(StandardCharsets.UTF_8));
        assertThat(MessageDigest.isEqual(HexFormat.of().parseHex(sig.substring(3)), tampered)).isFalse();
        assertThat(hook.name()).isEqualTo("webhook:ops");
    }

    @Test
    void smsGatewayGetsRecipientsTextAndBearerToken() throws Exception {
        SmsNotifier sms = SmsNotifier.builder().gatewayUrl(Secret.of(receiver.uri("/sms").toString()))
                .token(Secret.of("gw-token-123")).recipients(List.of("+4915112345678", " +15551234567 "))
                .retry(FAST).build();
        sms.notify(ALERT);
        HttpReceiver.Request r = receiver.requests.get(0);
        assertThat(r.header("Authorization")).isEqualTo("Bearer gw-token-123");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("to").toString()).isEqualTo("[\"+4915112345678\",\"+15551234567\"]");
        assertThat(body.get("text").asText()).hasSizeLessThanOrEqualTo(160)
                .startsWith("[CRITICAL] Newest backup is too old: Newest backup");
        assertThat(sms.toString()).doesNotContain("gw-token").doesNotContain("/sms");
    }

    @Test
    void transientFailuresAreRetriedWithBackoff() {
        receiver.thenAnswer(503, 429);
        SlackNotifier slack = SlackNotifier.builder().webhookUrl(Secret.of(receiver.uri("/x").toString()))
                .retry(FAST).build();
        slack.notify(ALERT);
        assertThat(receiver.requests).hasSize(3);
    }

    @Test
    void revokedWebhookFailsAtOnceWithAHintAndNoUrl() {
        receiver.thenAnswer(404);
        SlackNotifier slack = SlackNotifier.builder()
                .webhookUrl(Secret.of(receiver.uri("/services/T/B/REVOKEDSECRET").toString())).retry(FAST).build();
        assertThatThrownBy(() -> slack.notify(ALERT)).isInstanceOf(NotificationException.class)
                .hasMessageContaining("HTTP 404").hasMessageContaining("check the configured URL")
                .satisfies(e -> assertThat(e.toString()).doesNotContain("REVOKEDSECRET"));
        assertThat(receiver.requests).hasSize(1);
    }

    @Test
    void unreachableEndpointIsRetriedThenReportedWithoutTheUrl() {
        int port = receiver.uri("/").getPort();
        receiver.close(); // nothing listens there any more
        SlackNotifier slack = SlackNotifier.builder()
                .webhookUrl(Secret.of("http://127.0.0.1:" + port + "/services/T/B/UNREACHABLESECRET")).retry(FAST)
                .build();
        assertThatThrownBy(() -> slack.notify(ALERT)).isInstanceOf(NotificationException.class)
                .hasMessageContaining("after 3 tries").hasMessageContaining("127.0.0.1:" + port)
                .satisfies(e -> {
                    assertThat(e.toString()).doesNotContain("UNREACHABLESECRET");
                    assertThat(String.valueOf(e.getCause())).doesNotContain("UNREACHABLESECRET");
                });
    }

    @Test
    void missingCredentialsAreConfigurationErrors() {
        assertThatThrownBy(() -> SlackNotifier.builder().build()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("dr.alert.slack.webhook-url");
        assertThatThrownBy(() -> PagerDutyNotifier.builder().build()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("dr.alert.pagerduty.routing-key");
        assertThatThrownBy(() -> WebhookNotifier.builder().url(Secret.of("http://127.0.0.1/x")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("dr.alert.webhook.hmac-secret");
        assertThatThrownBy(() -> SmsNotifier.builder().gatewayUrl(Secret.of("http://127.0.0.1/x")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("dr.alert.sms.to");
        assertThatThrownBy(() -> SlackNotifier.builder().webhookUrl(Secret.of("not a url with SECRET")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageNotContaining("SECRET");
    }

    @Test
    void sharedSettingsReachEveryHttpChannelInAnyOrder() throws Exception {
        // a listener that accepts connections (backlog) but never answers: only the request timeout ends a try
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + silent.getLocalPort() + "/SILENTSECRET";
            Duration timeout = Duration.ofMillis(300);
            HttpClient client = HttpClient.newHttpClient();
            List<Notifier> channels = List.of(
                    SlackNotifier.builder().label("a").timeout(timeout).retry(RetryPolicy.none()).httpClient(client)
                            .webhookUrl(Secret.of(url)).build(),
                    PagerDutyNotifier.builder().label("b").timeout(timeout).retry(RetryPolicy.none())
                            .endpoint(URI.create(url)).routingKey(Secret.of("R0UTINGKEY")).build(),
                    WebhookNotifier.builder().label("c").timeout(timeout).retry(RetryPolicy.none())
                            .url(Secret.of(url)).hmacSecret(Secret.of("hmac")).build(),
                    SmsNotifier.builder().label("d").timeout(timeout).retry(RetryPolicy.none())
                            .gatewayUrl(Secret.of(url)).recipients(List.of("+4915112345678")).build());
            assertThat(channels).extracting(Notifier::name)
                    .containsExactly("slack:a", "pagerduty:b", "webhook:c", "sms:d");
            for (Notifier n : channels) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> n.notify(ALERT)).isInstanceOf(NotificationException.class)
                        .hasMessageContaining("after 1 tr").hasMessageContaining("timed out")
                        .satisfies(e -> assertThat(e.toString()).doesNotContain("SILENTSECRET"));
                // the default timeout is 10 s: returning well before proves the channel used the configured one
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as(n.name()).isLessThan(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void emptySecretsAreRefusedWithTheKeyToSet() {
        assertThatThrownBy(() -> PagerDutyNotifier.builder().routingKey(Secret.of("")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("routing key is empty");
        assertThatThrownBy(() -> WebhookNotifier.builder().label("ops").url(Secret.of("http://127.0.0.1/x"))
                .hmacSecret(Secret.of("")).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("webhook channel ops is empty");
    }
}
