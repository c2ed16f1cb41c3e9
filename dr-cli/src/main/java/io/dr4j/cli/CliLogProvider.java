package io.dr4j.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.StatusUtil;
import ch.qos.logback.core.util.StatusPrinter;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.Util;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The {@code dr} command's SLF4J binding, named by {@link Main} in the {@code slf4j.provider} system property: logback,
 * configured by {@link LogConfigurator#apply} directly. What logback's own {@code LogbackServiceProvider} does, without
 * its two class-path-wide lookups: SLF4J's search for providers and logback's for {@code Configurator} services
 * (plus {@link LogConfigurator}'s for {@code logback.xml}) each read the central directory of every jar of the class
 * path, ~0.2 s of a call's start for the command's ~200 jars. The command's class path is fixed by its manifest and
 * holds no other provider, configurator or {@code logback.xml}; with a {@code logback.configurationFile} or
 * {@code logback.statusListenerClass} system property logback's own initialisation runs, as before.
 */
public final class CliLogProvider implements SLF4JServiceProvider {
    private final LoggerContext context = new LoggerContext();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final LogbackMDCAdapter mdc = new LogbackMDCAdapter();

    @Override
    public void initialize() {
        context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
        context.setMDCAdapter(mdc);
        if (System.getProperty("logback.configurationFile") != null
                || System.getProperty("logback.statusListenerClass") != null) {
            try {
                new ContextInitializer(context).autoConfig();
            } catch (JoranException e) {
                Util.report("Failed to auto configure default logger context", e);
            }
            if (!StatusUtil.contextHasStatusListener(context)) {
                StatusPrinter.printInCaseOfErrorsOrWarnings(context);
            }
        } else {
            LogConfigurator.apply(context);
        }
        context.start();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return context;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }
}
