package dev.stoa.examples.shout.internal;

import dev.stoa.api.StoaException;
import dev.stoa.api.StoaService;
import dev.stoa.api.data.Text;
import java.util.Locale;
import org.osgi.service.component.annotations.Component;

/**
 * The smallest Stoa service: answers its input in upper case. Registered with {@code stoa.id=shout}, so the platform
 * exports it on the event bus at {@code stoa.service.shout} and lists it in {@code GET /v1/services}.
 */
@Component(property = {"stoa.id=shout", "stoa.kind=service", "stoa.version=1.0.0"})
public final class Shout implements StoaService<Text, Text> {

    /** Longest input accepted, in characters. */
    static final int MAX_LENGTH = 10_000;

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
        if (input.value().length() > MAX_LENGTH) {
            throw StoaException.badInput(
                    "text", "has " + input.value().length() + " characters; send at most " + MAX_LENGTH);
        }
        return new Text(input.value().toUpperCase(Locale.ROOT));
    }
}
