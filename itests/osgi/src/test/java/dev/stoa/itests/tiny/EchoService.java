package dev.stoa.itests.tiny;

import dev.stoa.api.StoaService;
import dev.stoa.api.data.Text;
import org.osgi.framework.FrameworkUtil;

/**
 * Test service packed into throwaway bundles: answers {@code "<bundle version>:<input>"} after a short pause, so that
 * calls overlap a hot swap and each answer says which bundle version served it.
 */
public final class EchoService implements StoaService<Text, Text> {

    private final String version =
            FrameworkUtil.getBundle(EchoService.class).getVersion().toString();

    @Override
    public Class<Text> inputType() {
        return Text.class;
    }

    @Override
    public Class<Text> outputType() {
        return Text.class;
    }

    @Override
    public Text call(Text input) {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Text(version + ":" + input.value());
    }
}
