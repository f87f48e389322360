package dev.stoa.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.tracing.TraceSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Spans leave over OTLP/HTTP as protobuf, sent by the JDK's HttpClient, to the collector the configuration names;
 * a real HTTP server stands in for the collector.
 */
class OtlpExportTest {

    @Test
    void spansReachTheCollectorAsOtlpProtobuf() throws Exception {
        Vertx vertx = Vertx.vertx();
        CompletableFuture<String> contentType = new CompletableFuture<>();
        CompletableFuture<Buffer> body = new CompletableFuture<>();
        CompletableFuture<String> path = new CompletableFuture<>();
        HttpServer collector = vertx.createHttpServer()
                .requestHandler(req -> req.body().onSuccess(b -> {
                    path.complete(req.path());
                    contentType.complete(req.getHeader("content-type"));
                    body.complete(b);
                    req.response()
                            .putHeader("content-type", "application/x-protobuf")
                            .end();
                }))
                .listen(0, "127.0.0.1")
                .await();
        try {
            TracingComponent.Config config = config("http://127.0.0.1:" + collector.actualPort(), "stoa-test");
            String url = TracingComponent.tracesUrl(config.endpoint());
            SdkTracerProvider provider = TracingComponent.provider(
                    TracingComponent.exporterBuilder(url, config).build(), config);
            OtelTracing tracing = new OtelTracing(provider);
            TraceSpan span =
                    tracing.start("encoder all-minilm-l6-v2", null, null).attribute("stoa.service.id", "x");
            span.end();
            provider.forceFlush().join(10, TimeUnit.SECONDS);
            provider.shutdown().join(10, TimeUnit.SECONDS);

            assertThat(path.get(10, TimeUnit.SECONDS)).isEqualTo("/v1/traces");
            assertThat(contentType.get(10, TimeUnit.SECONDS)).isEqualTo("application/x-protobuf");
            String wire = body.get(10, TimeUnit.SECONDS).toString(StandardCharsets.ISO_8859_1);
            assertThat(wire)
                    .contains("encoder all-minilm-l6-v2")
                    .contains("stoa-test")
                    .contains("stoa.service.id");
        } finally {
            vertx.close().await();
        }
    }

    @Test
    void endpointsAreCheckedAndCompleted() {
        assertThat(TracingComponent.tracesUrl("http://collector:4318")).isEqualTo("http://collector:4318/v1/traces");
        assertThat(TracingComponent.tracesUrl("http://collector:4318/")).isEqualTo("http://collector:4318/v1/traces");
        assertThat(TracingComponent.tracesUrl("https://c/otlp/v1/traces")).isEqualTo("https://c/otlp/v1/traces");
        assertThatThrownBy(() -> TracingComponent.tracesUrl("collector:4318"))
                .hasMessageContaining("endpoint in etc/dev.stoa.tracing.cfg")
                .hasMessageContaining("http://127.0.0.1:4318");
        assertThatThrownBy(() -> TracingComponent.provider(null, config("http://c", "s", 1.5, "")))
                .hasMessageContaining("sampleRatio");
        assertThatThrownBy(
                        () -> TracingComponent.exporterBuilder("http://c/v1/traces", config("http://c", "s", 1, "x")))
                .hasMessageContaining("name=value");
    }

    private static TracingComponent.Config config(String endpoint, String name) {
        return config(endpoint, name, 1.0, "");
    }

    private static TracingComponent.Config config(String endpoint, String name, double ratio, String headers) {
        return new TracingComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return TracingComponent.Config.class;
            }

            @Override
            public String endpoint() {
                return endpoint;
            }

            @Override
            public String serviceName() {
                return name;
            }

            @Override
            public double sampleRatio() {
                return ratio;
            }

            @Override
            public String headers() {
                return headers;
            }

            @Override
            public long timeoutMs() {
                return 5_000;
            }
        };
    }
}
