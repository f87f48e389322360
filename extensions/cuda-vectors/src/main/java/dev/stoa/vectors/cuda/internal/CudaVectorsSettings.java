package dev.stoa.vectors.cuda.internal;

import dev.stoa.api.FailureCode;
import dev.stoa.api.StoaException;
import dev.stoa.api.vector.VectorChecks;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checked settings of {@code etc/dev.stoa.vectors.cuda.cfg}.
 *
 * @param collections the collections searched on the GPU (empty with {@code all})
 * @param all whether every collection is ({@code collections = *})
 * @param libraryPath configured library folders, as written
 * @param device the GPU's CUDA index
 * @param chunkBytes most bytes of scores computed and copied back at once
 */
public record CudaVectorsSettings(
        Set<String> collections, boolean all, String libraryPath, int device, long chunkBytes) {

    static final String FILE = "etc/dev.stoa.vectors.cuda.cfg";

    /**
     * @param collections comma-separated names, or {@code *}
     * @param libraryPath folders, {@code :}-separated
     * @param device the GPU's index, 0 or more
     * @param chunkMb 1 to 16384
     * @return the settings
     * @throws StoaException {@code BAD_CONFIG} naming the setting and the fix
     */
    public static CudaVectorsSettings parse(String collections, String libraryPath, int device, int chunkMb) {
        Set<String> names = new TreeSet<>();
        boolean all = false;
        for (String part : (collections == null ? "" : collections).split(",")) {
            String name = part.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (name.equals("*")) {
                all = true;
                continue;
            }
            try {
                names.add(VectorChecks.name(name));
            } catch (StoaException e) {
                throw new StoaException(
                        FailureCode.BAD_CONFIG,
                        "'collections' names '" + name + "' in " + FILE + "; collection names are 1 to 64 lower-case"
                                + " letters, digits, '_' or '-' (e.g. 'collections = texts, images'), or '*' for all");
            }
        }
        if (device < 0) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG, "'device' is " + device + " in " + FILE + "; use a GPU's index, 0 or more");
        }
        if (chunkMb < 1 || chunkMb > 16_384) {
            throw new StoaException(
                    FailureCode.BAD_CONFIG,
                    "'chunkMb' is " + chunkMb + " in " + FILE + "; use 1 to 16384 (256 is the default)");
        }
        return new CudaVectorsSettings(
                all ? Set.of() : Set.copyOf(names),
                all,
                libraryPath == null ? "" : libraryPath.trim(),
                device,
                chunkMb * 1024L * 1024L);
    }

    /** @return whether the collection is to be searched on the GPU */
    public boolean wants(String collection) {
        return all || collections.contains(collection);
    }
}
