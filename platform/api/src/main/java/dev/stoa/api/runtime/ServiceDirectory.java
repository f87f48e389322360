package dev.stoa.api.runtime;

import java.util.List;

/** The services exported on the event bus; registered as an OSGi service by the bus once it is up. */
public interface ServiceDirectory {

    /** @return every exported service, ordered by address */
    List<ExportedService> services();
}
