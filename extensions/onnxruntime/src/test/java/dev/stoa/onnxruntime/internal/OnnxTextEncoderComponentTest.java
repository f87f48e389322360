package dev.stoa.onnxruntime.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Text;
import dev.stoa.djl.DjlRuntime;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;

/**
 * The component as SCR drives it, outside a framework: configuration in, encoder out, and configuration mistakes
 * reported with the file they are in.
 */
class OnnxTextEncoderComponentTest {

    private static final String FILE = "file:/opt/stoa/etc/dev.stoa.onnxruntime.textencoder-minilm.cfg";

    @Test
    void relativeFolderIsResolvedAgainstTheInstallation() {
        assertThat(ConfigurationFiles.resolve("/opt/stoa", "models/x")).isEqualTo(Path.of("/opt/stoa/models/x"));
        assertThat(ConfigurationFiles.resolve("/opt/stoa", "/data/m")).isEqualTo(Path.of("/data/m"));
    }

    @Test
    void configuredModelIsServedAndClosedOnDeactivation() throws Exception {
        Map<String, Object> properties = properties(TestModels.folder(TestModels.MINILM_Q).toString());
        OnnxTextEncoderComponent component = new OnnxTextEncoderComponent(context(), djl(), config(properties),
                properties);
        assertThat(component.dimension()).isEqualTo(384);
        assertThat(component.call(new Text("hello")).dimension()).isEqualTo(384);
        component.deactivate();
        assertThatThrownBy(() -> component.call(new Text("hello")))
                .isInstanceOfSatisfying(StoaException.class,
                        e -> assertThat(e.code()).isEqualTo(FailureCode.UNAVAILABLE));
    }

    @Test
    void badConfigurationNamesItsFileAndTheSetting() {
        Map<String, Object> missing = properties("models/not-there");
        assertThatThrownBy(() -> new OnnxTextEncoderComponent(context(), djl(), config(missing), missing))
                .isInstanceOfSatisfying(StoaException.class,
                        e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_CONFIG))
                .hasMessageContaining(FILE).hasMessageContaining("not-there").hasMessageContaining("does not exist");
        Map<String, Object> normalize = properties(TestModels.folder(TestModels.MINILM_Q).toString());
        normalize.put("normalize", "yes");
        assertThatThrownBy(() -> new OnnxTextEncoderComponent(context(), djl(), config(normalize), normalize))
                .hasMessageContaining(FILE).hasMessageContaining("'normalize' is 'yes'");
        Map<String, Object> id = properties(TestModels.folder(TestModels.MINILM_Q).toString());
        id.put("stoa.id", "Not An Id");
        assertThatThrownBy(() -> new OnnxTextEncoderComponent(context(), djl(), config(id), id))
                .hasMessageContaining(FILE).hasMessageContaining("stoa.id");
    }

    private static Map<String, Object> properties(String folder) {
        Map<String, Object> p = new HashMap<>();
        p.put("stoa.id", "minilm");
        p.put("folder", folder);
        p.put("felix.fileinstall.filename", FILE);
        return p;
    }

    /** The typed configuration as SCR builds it: a property when set, else the attribute's default. */
    private static TextEncoderConfig config(Map<String, Object> properties) {
        return (TextEncoderConfig) Proxy.newProxyInstance(TextEncoderConfig.class.getClassLoader(),
                new Class<?>[] {TextEncoderConfig.class}, (proxy, method, args) -> {
                    Object value = properties.get(method.getName().replace('_', '.'));
                    return value != null ? value : method.getDefaultValue();
                });
    }

    private static BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getProperty") && "stoa.home".equals(args[0])) {
                        return "/opt/stoa";
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static DjlRuntime djl() {
        return new DjlRuntime() {
            @Override
            public Set<String> engines() {
                return Set.of("OnnxRuntime");
            }

            @Override
            public String defaultEngine() {
                return "OnnxRuntime";
            }

            @Override
            public <T> T withEngineClassLoader(Callable<T> task) throws Exception {
                return task.call(); // outside OSGi the context class loader already sees DJL
            }

            @Override
            public Path cacheDir() {
                return Path.of("target/djl");
            }

            @Override
            public Path engineCacheDir() {
                return Path.of("target/djl/engines");
            }
        };
    }
}
