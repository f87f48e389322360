package dev.stoa.api;

import java.util.Map;

/**
 * A service whose request and answer are JSON objects, read and written as maps (strings, numbers, booleans, lists
 * and nested maps, as the bus's JSON codec gives them): implement {@link #call} only.
 */
public interface MapService extends StoaService<Map<String, Object>, Map<String, Object>> {

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    default Class<Map<String, Object>> inputType() {
        return (Class) Map.class;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    default Class<Map<String, Object>> outputType() {
        return (Class) Map.class;
    }
}
