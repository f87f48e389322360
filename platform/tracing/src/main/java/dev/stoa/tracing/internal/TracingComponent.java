package dev.stoa.tracing.internal;

import dev.stoa.api.tracing.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URI;
import java.time.Duration;
import java.util.Hashtable;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns tracing on while {@code endpoint=} of {@code etc/dev.stoa.tracing.cfg} names an OTLP collector: builds the
 * OpenTelemetry SDK (a parent-based ratio sampler, a batching processor, the OTLP HTTP/protobuf exporter on the
 * JDK's HttpClient) and registers {@link Tracing} for the bus and the pipeline engine. With no endpoint nothing is
 * registered, so no span is ever created. A changed file re-creates the component: the old SDK flushes and stops.
 */
@Component(
        immediate = true,
        configurationPid = "dev.stoa.tracing",
        service = {})
@Designate(ocd = TracingComponent.Config.class)
public final class TracingComponent {

    private static final Logger LOG = LoggerFactory.getLogger(TracingComponent.class);
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

    /** etc/dev.stoa.tracing.cfg */
    @ObjectClassDefinition(name = "Stoa tracing", description = "OpenTelemetry spans of service calls and stages")
    public @interface Config {

        @AttributeDefinition(
                description = "the OTLP/HTTP collector, e.g. http://127.0.0.1:4318 (/v1/traces is added when the"
                        + " URL has no path); empty: tracing off")
        String endpoint() default "";

        @AttributeDefinition(description = "service.name of every span's resource")
        String serviceName() default "stoa";

        @AttributeDefinition(
                description =
                        "share of new traces recorded, 0 to 1; a call with a traceparent follows its sampled flag")
        double sampleRatio() default 1.0;

        @AttributeDefinition(description = "extra request headers for the collector, name=value,name=value")
        String headers() default "";

        @AttributeDefinition(description = "export timeout in milliseconds")
        long timeoutMs() default 10_000;
    }

    private final SdkTracerProvider provider;
    private final ServiceRegistration<Tracing> registration;

    @Activate
    public TracingComponent(BundleContext context, Config config) {
        String endpoint = config.endpoint().trim();
        if (endpoint.isEmpty()) {
            LOG.info("Tracing is off; set endpoint= in etc/dev.stoa.tracing.cfg to export spans over OTLP");
            provider = null;
            registration = null;
            return;
        }
        String url = tracesUrl(endpoint);
        provider = provider(exporterBuilder(url, config).build(), config);
        registration = context.registerService(Tracing.class, new OtelTracing(provider), new Hashtable<>());
        LOG.info(
                "Tracing on: spans of every service call and pipeline stage go to {} (sampled {})",
                url,
                config.sampleRatio());
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
        }
        if (provider != null) {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    /**
     * @param exporter where finished spans go
     * @return a tracer provider that batches spans to the exporter, with Stoa's resource and sampler
     */
    static SdkTracerProvider provider(io.opentelemetry.sdk.trace.export.SpanExporter exporter, Config config) {
        double ratio = config.sampleRatio();
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("sampleRatio in etc/dev.stoa.tracing.cfg is " + ratio
                    + "; set a number from 0 (no new trace) to 1 (every call)");
        }
        return SdkTracerProvider.builder()
                .setResource(
                        Resource.getDefault().merge(Resource.create(Attributes.of(SERVICE_NAME, config.serviceName()))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(ratio)))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                .build();
    }

    static OtlpHttpSpanExporterBuilder exporterBuilder(String url, Config config) {
        OtlpHttpSpanExporterBuilder b = OtlpHttpSpanExporter.builder()
                .setEndpoint(url)
                .setTimeout(Duration.ofMillis(config.timeoutMs()))
                // the sender (JDK HttpClient) is found with ServiceLoader: on this bundle's class loader, which
                // holds the inlined jars and their META-INF/services entries
                .setServiceClassLoader(TracingComponent.class.getClassLoader());
        for (String pair : config.headers().split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                b.addHeader(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            } else if (!pair.isBlank()) {
                throw new IllegalArgumentException("headers in etc/dev.stoa.tracing.cfg has '" + pair.trim()
                        + "'; write name=value pairs separated by commas");
            }
        }
        return b;
    }

    /** @return the endpoint with {@code /v1/traces} added when it has no path, as OTLP/HTTP collectors serve it */
    static String tracesUrl(String endpoint) {
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("endpoint in etc/dev.stoa.tracing.cfg is '" + endpoint
                    + "', not a URL; set e.g. http://127.0.0.1:4318");
        }
        if (uri.getScheme() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("endpoint in etc/dev.stoa.tracing.cfg is '" + endpoint
                    + "'; set an http:// or https:// URL such as http://127.0.0.1:4318");
        }
        String path = uri.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return endpoint.replaceAll("/$", "") + "/v1/traces";
        }
        return endpoint;
    }
}
