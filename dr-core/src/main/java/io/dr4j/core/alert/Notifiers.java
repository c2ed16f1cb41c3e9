package io.dr4j.core.alert;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.dr4j.core.ConfigurationException;
import io.dr4j.core.config.ProviderConfig;
import io.dr4j.core.config.Secret;

/**
 * Builds the alert channels from configuration ({@code dr.alert.*}, see {@code docs/operations.md}). A channel is
 * enabled when any of its keys is set; then every required key must be set too, and all problems are reported at
 * once in one {@link ConfigurationException} (secret values are never echoed).
 *
 * <pre>{@code
 * AsyncNotifier alerts = Notifiers.fromConfig(config);   // router of the configured channels, asynchronous
 * }</pre>
 */
public final class Notifiers {
    private static final String[] SLACK = {"webhook-url", "label", "min-severity"};
    private static final String[] PAGERDUTY = {"routing-key", "endpoint", "label", "min-severity"};
    private static final String[] WEBHOOK = {"url", "hmac-secret", "label", "min-severity"};
    private static final String[] EMAIL = {"smtp-host", "smtp-port", "username", "password", "from", "to",
            "starttls", "security", "truststore", "truststore-password", "verify-hostname", "min-severity"};
    private static final String[] SMS = {"webhook-url", "token", "to", "max-length", "label", "min-severity"};

    private Notifiers() {
    }

    /**
     * The router of every configured channel, wrapped in an {@link AsyncNotifier} (queue {@code dr.alert.queue-capacity},
     * default 1000) so callers never block.
     *
     * @param config the root configuration (keys {@code dr.alert.*})
     */
    public static AsyncNotifier fromConfig(ProviderConfig config) {
        ProviderConfig alert = config.namespace().equals("dr.alert") ? config : config.scope("dr.alert");
        return AsyncNotifier.wrap(router(alert), alert.getInt("queue-capacity", 1000));
    }

    /** The synchronous router of the configured channels ({@code alert} is the {@code dr.alert} view). */
    public static AlertRouter router(ProviderConfig alert) {
        List<String> problems = new ArrayList<>();
        RetryPolicy retry = new RetryPolicy(alert.getInt("retry.attempts", 3),
                alert.getDuration("retry.backoff", RetryPolicy.DEFAULT.initialBackoff()),
                alert.getDuration("retry.max-backoff", RetryPolicy.DEFAULT.maxBackoff()), 2.0);
        AlertRouter.Builder b = AlertRouter.builder()
                .dedupWindow(alert.getDuration("dedup-window", java.time.Duration.ofHours(1)))
                .rateLimit(alert.getInt("rate-limit", 30), alert.getDuration("rate-limit-window",
                        java.time.Duration.ofHours(1)));
        int channels = 0;

        ProviderConfig c = alert.scope("slack");
        if (enabled(c, SLACK)) {
            channels++;
            Optional<Secret> url = need(c, "webhook-url", problems);
            Severity min = severity(c, Severity.WARNING, problems);
            if (url.isPresent()) {
                b.route(SlackNotifier.builder().webhookUrl(url.get()).label(c.get("label", "default")).retry(retry)
                        .build(), min);
            }
        }
        c = alert.scope("pagerduty");
        if (enabled(c, PAGERDUTY)) {
            channels++;
            Optional<Secret> key = need(c, "routing-key", problems);
            Severity min = severity(c, Severity.CRITICAL, problems);
            if (key.isPresent()) {
                PagerDutyNotifier.Builder pd = PagerDutyNotifier.builder().routingKey(key.get())
                        .label(c.get("label", "default")).retry(retry);
                c.get("endpoint").ifPresent(e -> pd.endpoint(URI.create(e)));
                b.route(pd.build(), min);
            }
        }
        c = alert.scope("webhook");
        if (enabled(c, WEBHOOK)) {
            channels++;
            Optional<Secret> url = need(c, "url", problems);
            Optional<Secret> hmac = need(c, "hmac-secret", problems);
            Severity min = severity(c, Severity.WARNING, problems);
            if (url.isPresent() && hmac.isPresent()) {
                b.route(WebhookNotifier.builder().url(url.get()).hmacSecret(hmac.get()).label(c.get("label", "default"))
                        .retry(retry).build(), min);
            }
        }
        ProviderConfig ec = alert.scope("email");
        if (enabled(ec, EMAIL)) {
            channels++;
            Severity min = severity(ec, Severity.ERROR, problems);
            List<String> missing = new ArrayList<>();
            for (String k : List.of("smtp-host", "from", "to")) {
                if (ec.get(k).isEmpty()) {
                    missing.add(k);
                }
            }
            if (ec.get("username").isPresent() && ec.get("password").isEmpty()) {
                missing.add("password");
            }
            missing.forEach(k -> problems.add(ec.namespace() + "." + k + " is required for e-mail alerts; set it or "
                    + ProviderConfig.keyToEnv(ec.namespace() + "." + k)));
            if (missing.isEmpty()) {
                requireMailLibrary();
                EmailNotifier.Security security = ec.get("security").map(EmailNotifier.Security::parse)
                        .orElse(ec.getBoolean("starttls", true) ? EmailNotifier.Security.STARTTLS
                                : EmailNotifier.Security.NONE);
                EmailNotifier.Builder eb = EmailNotifier.builder().smtpHost(ec.require("smtp-host")).security(security)
                        .smtpPort(ec.getInt("smtp-port", security.defaultPort()))
                        .verifyHostname(ec.getBoolean("verify-hostname", true))
                        .from(ec.require("from")).to(split(ec.require("to"))).retry(retry);
                ec.get("username").ifPresent(u -> eb.credentials(u, ec.secret("password").orElseThrow()));
                ec.get("truststore").ifPresent(t -> eb.trustStore(java.nio.file.Path.of(t),
                        ec.secret("truststore-password").orElse(null)));
                try {
                    b.route(eb.build(), min);
                } catch (ConfigurationException e) {
                    problems.addAll(e.problems());
                }
            }
        }
        c = alert.scope("sms");
        if (enabled(c, SMS)) {
            channels++;
            Optional<Secret> url = need(c, "webhook-url", problems);
            Severity min = severity(c, Severity.CRITICAL, problems);
            if (c.get("to").isEmpty()) {
                problems.add(c.namespace() + ".to is required for SMS alerts: phone numbers, comma-separated");
            }
            if (url.isPresent() && c.get("to").isPresent()) {
                SmsNotifier.Builder sb = SmsNotifier.builder().gatewayUrl(url.get()).recipients(split(c.require("to")))
                        .maxLength(c.getInt("max-length", 160)).label(c.get("label", "default")).retry(retry);
                c.secret("token").ifPresent(sb::token);
                b.route(sb.build(), min);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems, null);
        }
        if (channels == 0) {
            org.slf4j.LoggerFactory.getLogger(Notifiers.class).info("No alert channel configured (dr.alert.*): "
                    + "alerts are only logged");
            b.route(new LogNotifier(), Severity.INFO);
        }
        return b.build();
    }

    private static boolean enabled(ProviderConfig c, String[] keys) {
        if (c.get("enabled").isPresent()) {
            return c.getBoolean("enabled", false);
        }
        return Arrays.stream(keys).anyMatch(k -> c.get(k).isPresent());
    }

    private static Optional<Secret> need(ProviderConfig c, String key, List<String> problems) {
        Optional<Secret> s = c.secret(key);
        if (s.isEmpty()) {
            problems.add(c.namespace() + "." + key + " is required for this alert channel; set it or "
                    + ProviderConfig.keyToEnv(c.namespace() + "." + key));
        }
        return s;
    }

    private static Severity severity(ProviderConfig c, Severity def, List<String> problems) {
        Optional<String> v = c.get("min-severity");
        if (v.isEmpty()) {
            return def;
        }
        try {
            return Severity.valueOf(v.get().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add(c.namespace() + ".min-severity must be one of INFO, WARNING, ERROR, CRITICAL, was '"
                    + v.get() + "'");
            return def;
        }
    }

    private static List<String> split(String csv) {
        return Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static void requireMailLibrary() {
        try {
            Class.forName("jakarta.mail.Session", false, Notifiers.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ConfigurationException("E-mail alerts need the Jakarta Mail implementation: add "
                    + "org.eclipse.angus:angus-mail to your dependencies (an optional dependency of dr-core)", e);
        }
    }

    /** Only logs alerts: the fallback when no channel is configured. */
    static final class LogNotifier implements Notifier {
        private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LogNotifier.class);

        @Override
        public String name() {
            return "log";
        }

        @Override
        public void notify(Alert alert) {
            log.warn("[{}{}] {}: {}", alert.resolved() ? "RESOLVED " : "", alert.severity(), alert.title(),
                    alert.message());
        }
    }
}
