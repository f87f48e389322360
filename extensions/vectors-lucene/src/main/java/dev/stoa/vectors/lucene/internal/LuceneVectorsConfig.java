package dev.stoa.vectors.lucene.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the embedded vector index, {@code etc/dev.stoa.vectors.lucene.cfg}. */
@ObjectClassDefinition(
        name = "Stoa Lucene vector collections",
        description = "Persistent HNSW vector collections, one Lucene index per collection")
@interface LuceneVectorsConfig {

    @AttributeDefinition(
            description = "Folder holding one sub-folder per collection; a relative path is resolved"
                    + " against the installation (stoa.home)")
    String dir() default "data/vectors";

    @AttributeDefinition(
            description = "Candidates a query explores at least (it explores max(k, this)) before"
                    + " keeping the best k: more is slower and closer to exact search")
    int numCandidates() default 100;

    @AttributeDefinition(
            description = "Threads that search a query's segments in parallel, shared by the"
                    + " collections; 0: one per core; 1: segments one after another on the calling thread. optimize() merges a"
                    + " collection down to this many segments")
    int searchThreads() default 0;

    @AttributeDefinition(
            description = "true: an upsert or delete is answered only once it is in the collection's write-ahead log"
                    + " on disk (fsync), so an acknowledged write survives a crash (the log is replayed at start);"
                    + " writes arriving during an fsync share the next one. false: writes are durable only after the"
                    + " next commit (every commitIntervalMs), and a crash loses up to that interval's writes")
    boolean durableWrites() default true;

    @AttributeDefinition(
            description = "How often pending writes are committed to the Lucene index, in ms; each commit empties"
                    + " the write-ahead log")
    long commitIntervalMs() default 5_000;
}
