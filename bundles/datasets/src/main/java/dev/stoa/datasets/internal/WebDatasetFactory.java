package dev.stoa.datasets.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.DatasetFactory;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebDataset tar shards: files sharing a key (the path up to the first dot of the file name) form a sample; an image
 * ({@code jpg}, {@code jpeg}, {@code png}, {@code bmp}, {@code gif}) and a caption ({@code txt}, or {@code json} with
 * {@code caption}/{@code captions}, optional {@code label}; a {@code cls} entry is a label too). The shards are indexed
 * at open (header offsets only, plus the small caption entries), then images are read by offset. Options:
 * {@code shards} (required: a spec or list of specs, see {@link ShardPaths}), {@code on_error}, {@code test_fraction}.
 */
@Component(
        service = DatasetFactory.class,
        property = {"stoa.id=" + WebDatasetFactory.ID, "stoa.kind=dataset", "stoa.version=1.0.0"})
public final class WebDatasetFactory extends FileDatasetFactory {

    static final String ID = "webdataset";
    static final String SHARDS = "shards";

    private static final Logger LOG = LoggerFactory.getLogger(WebDatasetFactory.class);
    private static final List<String> IMAGE_EXTENSIONS = List.of("jpg", "jpeg", "png", "bmp", "gif");

    @Activate
    public WebDatasetFactory(BundleContext context) {
        super(Installation.home(context));
    }

    /** Outside OSGi: relative paths resolve against {@code home}. */
    WebDatasetFactory(Path home) {
        super(home);
    }

    @Override
    public Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(SHARDS, null);
        return RecordDataset.Builder.commonDefaults(d);
    }

    @Override
    public Dataset open(Map<String, ?> options) {
        DatasetOptions o = new DatasetOptions(ID, defaults(), options);
        List<String> specs = o.strings(SHARDS);
        if (specs.isEmpty()) {
            throw o.bad(
                    SHARDS,
                    o.raw(SHARDS),
                    "a shard file, folder, glob or brace pattern such as "
                            + "data/shards/train-{000000..000009}.tar, or a list of them");
        }
        LinkedHashSet<Path> shards = new LinkedHashSet<>();
        for (String spec : specs) {
            try {
                for (String expanded : ShardPaths.expandBraces(spec)) {
                    shards.addAll(ShardPaths.resolve(home.resolve(expanded).toString()));
                }
            } catch (IllegalArgumentException | IOException e) {
                throw o.bad(SHARDS, spec, "existing tar files (" + e.getMessage() + ")");
            }
        }
        if (shards.isEmpty()) {
            throw o.bad(SHARDS, specs, "specs that match at least one .tar file");
        }
        RecordDataset.Builder builder = new RecordDataset.Builder(ID, o);
        List<FileChannel> channels = new ArrayList<>();
        Closeable closeAll = () -> {
            for (FileChannel c : channels) {
                c.close();
            }
        };
        int uncaptioned = 0;
        int imageless = 0;
        try {
            for (Path shard : shards) {
                FileChannel channel = FileChannel.open(shard, StandardOpenOption.READ);
                channels.add(channel);
                TarIndex index = TarIndex.read(channel);
                if (index.problem() != null) {
                    LOG.warn(
                            "dataset '{}': shard {}: {}; using the {} entries before it",
                            ID,
                            shard,
                            index.problem(),
                            index.entries().size());
                }
                int[] left = addSamples(builder, shard, channel, index);
                uncaptioned += left[0];
                imageless += left[1];
            }
        } catch (IOException | RuntimeException e) {
            try {
                closeAll.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof StoaException se) {
                throw se;
            }
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "dataset '" + ID + "': shard cannot be read (" + e + "); check the files named by '" + SHARDS + "'",
                    e);
        }
        builder.fact("shards", shards.size());
        builder.fact("uncaptioned", uncaptioned);
        builder.fact("without_image", imageless);
        return builder.build(closeAll);
    }

    /** @return {samples left out for having no caption, samples left out for having no image} */
    private static int[] addSamples(RecordDataset.Builder builder, Path shard, FileChannel channel, TarIndex index)
            throws IOException {
        Map<String, Map<String, TarIndex.Entry>> samples = new LinkedHashMap<>();
        for (TarIndex.Entry e : index.entries()) {
            int slash = e.name().lastIndexOf('/');
            int dot = e.name().indexOf('.', slash + 1);
            if (dot <= slash + 1) {
                continue; // no extension, or a dot file: not part of a sample
            }
            samples.computeIfAbsent(e.name().substring(0, dot), k -> new LinkedHashMap<>())
                    .put(e.name().substring(dot + 1).toLowerCase(Locale.ROOT), e);
        }
        int uncaptioned = 0;
        int imageless = 0;
        String shardName = shard.getFileName().toString();
        for (Map.Entry<String, Map<String, TarIndex.Entry>> s : samples.entrySet()) {
            String key = s.getKey();
            Map<String, TarIndex.Entry> files = s.getValue();
            TarIndex.Entry image = IMAGE_EXTENSIONS.stream()
                    .map(files::get)
                    .filter(Objects::nonNull)
                    .findFirst()
                    .orElse(null);
            List<String> captions = new ArrayList<>();
            String label = null;
            String where = shard + ":" + key;
            if (files.containsKey("txt")) {
                String text = new String(TarIndex.bytes(channel, files.get("txt")), StandardCharsets.UTF_8).strip();
                if (!text.isEmpty()) {
                    captions.add(text);
                }
            }
            if (files.containsKey("json")) {
                Object json;
                try {
                    json = JsonValues.parse(
                            new String(TarIndex.bytes(channel, files.get("json")), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new StoaException(
                            FailureCode.BAD_CONFIG,
                            where + ".json is not JSON (" + e.getMessage() + "); fix the shard",
                            e);
                }
                if (json instanceof Map<?, ?> m) {
                    try {
                        if (captions.isEmpty()) {
                            captions.addAll(JsonValues.captions(m));
                        }
                        label = JsonValues.text(m, "label");
                    } catch (IllegalArgumentException e) {
                        throw new StoaException(FailureCode.BAD_CONFIG, where + ".json: " + e.getMessage(), e);
                    }
                }
            }
            if (label == null && files.containsKey("cls")) {
                label = new String(TarIndex.bytes(channel, files.get("cls")), StandardCharsets.UTF_8).strip();
            }
            if (image == null) {
                imageless++;
                continue;
            }
            if (captions.isEmpty()) {
                uncaptioned++;
                continue;
            }
            TarIndex.Entry entry = image;
            builder.add(
                    new ImageRecord(
                            key,
                            shard + ":" + entry.name(),
                            () -> TarIndex.bytes(channel, entry),
                            captions,
                            label,
                            Map.of("shard", shardName, "key", key)),
                    null);
        }
        if (uncaptioned + imageless > 0) {
            LOG.warn(
                    "dataset '{}': shard {}: left out {} sample(s) without a caption and {} without an image",
                    ID,
                    shard,
                    uncaptioned,
                    imageless);
        }
        return new int[] {uncaptioned, imageless};
    }
}
