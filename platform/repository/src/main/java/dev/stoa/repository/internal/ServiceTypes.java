package dev.stoa.repository.internal;

import dev.stoa.api.StoaService;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The OSGi service names a model's service is registered under: every interface of it that is a StoaService. */
final class ServiceTypes {

    private ServiceTypes() {}

    /**
     * @param service a service object
     * @return {@link StoaService} and each interface of its class that extends it ({@code TextEncoder},
     *     {@code TextGenerator}, ...), most specific first
     */
    static List<Class<?>> of(Object service) {
        Set<Class<?>> out = new LinkedHashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>();
        for (Class<?> c = service.getClass(); c != null; c = c.getSuperclass()) {
            todo.addAll(List.of(c.getInterfaces()));
        }
        while (!todo.isEmpty()) {
            Class<?> i = todo.poll();
            if (StoaService.class.isAssignableFrom(i) && out.add(i)) {
                todo.addAll(List.of(i.getInterfaces()));
            }
        }
        out.remove(StoaService.class);
        out.add(StoaService.class);
        return List.copyOf(out);
    }

    /** @return the names of {@link #of(Object)} */
    static String[] names(Object service) {
        return of(service).stream().map(Class::getName).toArray(String[]::new);
    }
}
