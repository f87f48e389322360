package dev.stoa.datasets.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.data.Image;
import dev.stoa.api.dataset.Dataset;
import dev.stoa.api.dataset.Example;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A split of a file-based dataset: images are read and decoded on {@link #get(int)}. A missing or corrupt image is
 * a skip (counted once per index, logged once with the file and the reason, null returned), or with
 * {@code on_error: fail} a {@link FailureCode#BAD_INPUT} naming the file.
 */
final class RecordSplit implements Dataset.Split {

    private static final Logger LOG = LoggerFactory.getLogger(RecordSplit.class);

    private final String datasetId;
    private final String name;
    private final List<ImageRecord> records;
    private final boolean failOnError;
    private final Set<Integer> skipped = ConcurrentHashMap.newKeySet();

    /**
     * @param datasetId the factory's id, for messages
     * @param name the split's name
     * @param records its examples, in order
     * @param failOnError true: a bad image throws; false: it is skipped
     */
    RecordSplit(String datasetId, String name, List<ImageRecord> records, boolean failOnError) {
        this.datasetId = datasetId;
        this.name = name;
        this.records = List.copyOf(records);
        this.failOnError = failOnError;
    }

    @Override
    public int size() {
        return records.size();
    }

    @Override
    public Example get(int index) {
        if (index < 0 || index >= records.size()) {
            throw new IndexOutOfBoundsException("split '" + name + "' of dataset '" + datasetId + "' has indexes 0 to "
                    + (records.size() - 1) + "; asked for " + index);
        }
        ImageRecord r = records.get(index);
        String reason;
        try {
            Image image = Image.decode(r.bytes().read());
            return new Example(r.id(), image, r.captions(), r.label(), r.attributes());
        } catch (NoSuchFileException e) {
            reason = "is missing";
        } catch (IOException e) {
            reason = "cannot be read (" + e + ")";
        } catch (StoaException e) {
            reason = "cannot be decoded (" + e.getMessage() + ")";
        }
        if (failOnError) {
            throw new StoaException(
                    FailureCode.BAD_INPUT,
                    "dataset '" + datasetId + "': image " + r.file() + " of example '" + r.id() + "' " + reason
                            + "; replace or remove it, or set on_error: skip");
        }
        if (skipped.add(index)) {
            LOG.warn(
                    "dataset '{}' split '{}': skipping example '{}': image {} {}",
                    datasetId,
                    name,
                    r.id(),
                    r.file(),
                    reason);
        }
        return null;
    }

    @Override
    public long skipped() {
        return skipped.size();
    }

    /** @return the labels of this split's examples (nulls included) */
    List<String> labels() {
        return records.stream().map(ImageRecord::label).toList();
    }
}
