package dev.stoa.onnxruntime.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.data.Embedding;
import dev.stoa.api.data.Text;
import dev.stoa.api.service.TextEncoder;
import dev.stoa.djl.DjlRuntime;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One {@link TextEncoder} per factory configuration {@value TextEncoderConfig#FACTORY_PID}: the model loads (and
 * warms up) when the configuration appears, is replaced when it changes, and is closed, with its native memory,
 * when the configuration or the bundle goes. The configuration's {@code stoa.id} becomes the service property, so
 * the bus exports the encoder at {@code stoa.encoder.<id>}.
 *
 * <p>Immediate, so the model loads and warms up when its configuration arrives rather than on the first lookup, a
 * failure to load leaves no half-registered service, and the model stays loaded while no one holds the service.
 *
 * <p>Waits for {@link DjlRuntime} with ONNX Runtime loaded: the tokenizer's and ONNX Runtime's native libraries are
 * then in place, and are found through DJL's class loader.
 */
@Component(
        immediate = true,
        configurationPid = TextEncoderConfig.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {TextEncoder.class, StoaService.class},
        property = ServiceProperties.KIND + "=encoder")
@Designate(ocd = TextEncoderConfig.class, factory = true)
public final class OnnxTextEncoderComponent implements TextEncoder {

    /** DJL with ONNX Runtime loaded; a field, not a constructor parameter, for the reason {@link #activate} gives. */
    @Reference(target = "(" + DjlRuntime.ENGINES + "=OnnxRuntime)")
    DjlRuntime djl;

    private OnnxSentenceEncoder encoder;

    /**
     * Loads the configured model.
     *
     * <p>An activate method rather than an activation constructor: Felix SCR (2.2) records a failure that
     * {@code GET /v1/bundles} can show only when an activate method throws; a throwing constructor is only logged.
     *
     * @param context this bundle's context, for {@code stoa.home}
     * @param config the model's configuration
     * @param properties the same, untyped, for the file it came from
     * @throws Exception when the model cannot be loaded; the message names the setting or file at fault
     */
    @Activate
    void activate(BundleContext context, TextEncoderConfig config, Map<String, Object> properties) throws Exception {
        try {
            String id = ServiceProperties.requireValidId(config.stoa_id());
            if (config.folder() == null || config.folder().isBlank()) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "'folder' is missing; set it to a model folder such" + " as models/all-minilm-l6-v2");
            }
            Path folder = ConfigurationFiles.resolve(context.getProperty("stoa.home"), config.folder());
            OnnxSentenceEncoder.Options options = new OnnxSentenceEncoder.Options(
                    config.pooling(),
                    parseBoolean(config.normalize()),
                    config.maxTokens(),
                    config.maxBatch(),
                    config.maxChars(),
                    new SessionSettings(
                            config.intraOpThreads(),
                            config.interOpThreads(),
                            config.optimization(),
                            config.spinning()));
            this.encoder =
                    djl.withEngineClassLoader(() -> OnnxSentenceEncoder.load(id, ModelFolder.read(folder), options));
        } catch (StoaException e) {
            // SCR logs only that activation failed: say which configuration, so the user knows what to fix
            throw new StoaException(
                    e.code(), ConfigurationFiles.source("sentence encoder", properties) + ": " + e.getMessage(), e);
        }
    }

    @Deactivate
    void deactivate() {
        encoder.close();
    }

    private static Boolean parseBoolean(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default ->
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "'normalize' is '" + value
                                + "'; use true, false, or leave it empty for the model folder's choice");
        };
    }

    @Override
    public int dimension() {
        return encoder.dimension();
    }

    @Override
    public int maxTokens() {
        return encoder.maxTokens();
    }

    @Override
    public Embedding call(Text input) {
        return encoder.call(input);
    }

    @Override
    public List<Embedding> encodeBatch(List<Text> texts) {
        return encoder.encodeBatch(texts);
    }

    @Override
    public void validate(Text input) {
        encoder.validate(input);
    }

    @Override
    public int maxBatchSize() {
        return encoder.maxBatchSize();
    }
}
