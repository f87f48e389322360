package dev.stoa.llm.openai.internal;

import dev.stoa.api.ServiceProperties;
import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.generation.Generation;
import dev.stoa.api.generation.GenerationRequest;
import dev.stoa.api.generation.TextGenerator;
import dev.stoa.api.generation.TokenListener;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link TextGenerator} per factory configuration {@value OpenAiConfig#FACTORY_PID}
 * ({@code etc/dev.stoa.llm.openai-<name>.cfg}); its {@code stoa.id} becomes the service property, so the bus exports
 * it at {@code stoa.model.<id>}. A changed file replaces the service; a removed one removes it. Nothing is sent to
 * the server until the first call.
 */
@Component(
        configurationPid = OpenAiConfig.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {TextGenerator.class, StoaService.class},
        property = ServiceProperties.KIND + "=model")
@Designate(ocd = OpenAiConfig.class, factory = true)
public final class OpenAiComponent implements TextGenerator {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiComponent.class);
    private static final String FILEINSTALL_FILENAME = "felix.fileinstall.filename";

    private final OpenAiGenerator generator;

    /**
     * @param config the model's configuration
     * @param properties the same, untyped, for the file it came from
     */
    @Activate
    public OpenAiComponent(OpenAiConfig config, Map<String, Object> properties) {
        Object file = properties.get(FILEINSTALL_FILENAME);
        String source = file != null ? String.valueOf(file) : String.valueOf(properties.get("service.pid"));
        try {
            String id = ServiceProperties.requireValidId(config.stoa_id());
            generator = new OpenAiGenerator(EndpointSettings.from(id, config, System::getenv));
        } catch (StoaException e) {
            // SCR logs only that activation failed: say which configuration, so the user knows what to fix
            throw new StoaException(e.code(), source + ": " + e.getMessage(), e);
        }
        LOG.info("{}: serving {}", source, generator);
    }

    @Override
    public Generation generate(GenerationRequest request, TokenListener listener) {
        return generator.generate(request, listener);
    }
}
