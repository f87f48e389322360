package dev.stoa.vectors.cuda.internal;

/** Makes the flat indexes of the collections searched on the GPU; one device for all of them. */
interface IndexFactory extends AutoCloseable {

    /**
     * @param dimension the rows' length
     * @param metric how they are scored
     * @return an empty index
     * @throws CudaUnavailable why no GPU index can be made (the missing library and where it was looked for)
     */
    FlatIndex open(int dimension, FlatMetric metric) throws CudaUnavailable;

    /** @return the device's name, for the reason shown */
    String device();

    @Override
    void close();
}
