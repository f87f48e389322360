package dev.stoa.api.model;

import java.util.List;

/**
 * One opened version of a model: its services, and the handle that frees what it holds (native memory, files). The
 * repository closes it only after every one of its services has been unregistered and drained.
 */
public interface OpenedModel extends AutoCloseable {

    /** @return the services this version offers; the same ids for every version of a model */
    List<ModelService> services();

    /** Frees the version's resources; called once, after its services are withdrawn. */
    @Override
    void close();

    /**
     * @param services the services
     * @param close what frees them
     * @return an opened model of these parts
     */
    static OpenedModel of(List<ModelService> services, Runnable close) {
        List<ModelService> copy = List.copyOf(services);
        return new OpenedModel() {
            @Override
            public List<ModelService> services() {
                return copy;
            }

            @Override
            public void close() {
                close.run();
            }
        };
    }
}
