package dev.stoa.vectors.cuda.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the GPU vector search, {@code etc/dev.stoa.vectors.cuda.cfg}. */
@ObjectClassDefinition(
        name = "Stoa GPU vector search",
        description =
                "Exact k-NN on the GPU (cuBLAS) for the named Lucene collections; Lucene serves them without a GPU")
@interface CudaVectorsConfig {

    @AttributeDefinition(
            description = "Collections searched on the GPU, comma-separated (e.g. 'texts, images'), or '*' for every"
                    + " collection; empty (the default): none, every collection stays on Lucene")
    String collections() default "";

    @AttributeDefinition(
            description = "Folders holding libcuda.so.1, libcudart.so.13, libcublasLt.so.13 and libcublas.so.13,"
                    + " ':'-separated, searched before LD_LIBRARY_PATH, /etc/ld.so.conf and /usr/local/cuda/lib64")
    String libraryPath() default "";

    @AttributeDefinition(description = "The GPU's CUDA index")
    int device() default 0;

    @AttributeDefinition(
            description = "Most MiB of scores computed and copied back to the host at once (queries x rows x 4 bytes)")
    int chunkMb() default 256;
}
