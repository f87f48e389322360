package dev.stoa.protocol.v2.internal;

import dev.stoa.api.runtime.ServiceDirectory;
import dev.stoa.gateway.api.HttpRoutes;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * The Open Inference Protocol v2 REST front on a plain class path: the same routes ({@link RestFront#routes}) and
 * {@link ModelCatalog} as {@link RestFront}, over a directory given here, with no OSGi service registry (so a model is
 * what the directory's types say: an encoder is one {@code BYTES} input and an {@code FP32} embedding, as the
 * sentence encoders of extensions/onnxruntime are, whose dimension the metadata then gives as -1) and no model
 * repository. A public test fixture, shared through this module's test-jar (itests/benchmarks mounts it with the
 * gateway's {@code HttpFront}).
 */
public final class V2Fronts {

    private V2Fronts() {}

    /**
     * @param directory the exported services, as the bus's exporter lists them
     * @return the front, mounted at {@code /v2}, with the defaults of {@code etc/dev.stoa.v2.cfg}
     */
    public static HttpRoutes of(ServiceDirectory directory) {
        ModelCatalog catalog = new ModelCatalog(null, () -> directory, () -> null);
        V2Config config = new V2Config() {
            @Override
            public long callTimeoutMs() {
                return 60_000;
            }

            @Override
            public long maxBodyBytes() {
                return 64L * 1024 * 1024;
            }

            @Override
            public boolean grpcEnabled() {
                return false;
            }

            @Override
            public String grpcHost() {
                return "127.0.0.1";
            }

            @Override
            public int grpcPort() {
                return 8001;
            }

            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return V2Config.class;
            }
        };
        return new HttpRoutes() {
            @Override
            public String basePath() {
                return RestFront.BASE_PATH;
            }

            @Override
            public Router router(Vertx vertx) {
                return RestFront.routes(vertx, catalog, () -> true, () -> null, config, "test");
            }
        };
    }
}
