package dev.stoa.nn.loss;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One evaluation of a loss: the batch-mean total to minimise and the named parts it is made of, for logging (as
 * open_clip's {@code CoCaLoss} returns {@code contrastive_loss} and {@code caption_loss}).
 *
 * @param total the scalar to differentiate, the sum of the parts
 * @param parts each part's batch mean by name, e.g. {@code contrastive_loss}, in a stable order
 */
public record LossTerms(NDArray total, Map<String, NDArray> parts) {

    /**
     * @param total the scalar to differentiate
     * @param parts its parts by name; copied, order kept
     */
    public LossTerms {
        Objects.requireNonNull(total, "total");
        parts = Collections.unmodifiableMap(new LinkedHashMap<>(parts));
    }
}
