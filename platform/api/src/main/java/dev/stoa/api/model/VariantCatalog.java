package dev.stoa.api.model;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The variants of a model family whose ids share a prefix ({@code clip-tiny}, {@code gpt-small}): the ones a bundle
 * ships ({@code variants/<name>.properties}, read by {@link ShippedVariants}) and, for a trained version, the variant
 * file the trainer wrote beside its weights. It answers what every such {@link ModelProvider} asks: which ids it
 * handles, which it ships, and which variant a {@link ModelSource} opens.
 *
 * @param <V> the variant type
 */
public final class VariantCatalog<V> {

    /** The file a trainer writes beside a version's weights: the variant it was trained as. */
    public static final String VARIANT_FILE = "variant.properties";

    private final String family;
    private final String prefix;
    private final ShippedVariants.Parser<V> parser;
    private final Map<String, V> shipped = new LinkedHashMap<>();

    /**
     * @param family the family's name as messages say it, e.g. {@code clip}; its ids start with {@code <family>-}
     * @param files the bundle's variant files, as {@code bundle.findEntries("variants", "*.properties", false)}
     *     returns them (may be {@code null}: none)
     * @param parser reads one variant from its name (the id without the prefix) and its file
     * @param skipped told the file name and the reason of each shipped file that does not parse
     * @throws IOException if a shipped file cannot be read at all
     */
    public VariantCatalog(
            String family, Enumeration<URL> files, ShippedVariants.Parser<V> parser, BiConsumer<String, String> skipped)
            throws IOException {
        this.family = family;
        this.prefix = family + "-";
        this.parser = parser;
        for (Map.Entry<String, V> e :
                ShippedVariants.readNamed(files, parser, skipped).entrySet()) {
            shipped.put(prefix + e.getKey(), e.getValue());
        }
    }

    /** @return the id prefix, {@code <family>-} */
    public String prefix() {
        return prefix;
    }

    /** For {@link ModelProvider#handles}: every id of the family. */
    public boolean handles(String modelId) {
        return modelId.startsWith(prefix);
    }

    /** For {@link ModelProvider#shipped}: the ids of the shipped variants, in file-name order. */
    public Set<String> shipped() {
        return Collections.unmodifiableSet(shipped.keySet());
    }

    /**
     * @param modelId an id of the family
     * @return the shipped variant of that id, if there is one
     */
    public Optional<V> shippedVariant(String modelId) {
        return Optional.ofNullable(shipped.get(modelId));
    }

    /**
     * The variant a source opens: a trained version's own {@value #VARIANT_FILE}, else the shipped variant of its id.
     *
     * @param source what the repository opens
     * @return the variant
     * @throws IOException if the version's variant file cannot be read
     * @throws StoaException {@code BAD_CONFIG} when there is neither, naming the folder and the fix
     */
    public V variantOf(ModelSource source) throws IOException {
        String id = source.modelId();
        Path file = source.trained() ? source.folder().resolve(VARIANT_FILE) : null;
        if (file != null && Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                return parser.parse(id.substring(prefix.length()), in);
            }
        }
        V variant = shipped.get(id);
        if (variant == null) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    (file == null
                                    ? "'" + id + "' is not"
                                    : file.getParent() + " has no " + VARIANT_FILE + " and '" + id + "' is not")
                            + " a variant of the " + family
                            + " bundle; publish it with the trainer, which writes both");
        }
        return variant;
    }
}
