package dev.stoa.repository.internal;

import dev.stoa.api.StoaService;
import dev.stoa.api.model.ModelStatus;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a model with no trained version registers instead of its random-weight services: an object of the same
 * service interfaces whose calls fail with the model's status ({@code UNTRAINED}, naming the training file, or the
 * run that trains it now), so the service is listed and a caller learns why it cannot answer and how to fix it.
 *
 * <p>Methods without arguments describe the service ({@code inputType()}, {@code dimension()}, {@code maxTokens()}):
 * their answers are taken from the shipped model once, before it is closed. Default methods with arguments run as
 * written (they end in an abstract call). Every other method throws {@link ModelStatus#toFailure()}.
 */
final class UntrainedStandIn implements InvocationHandler {

    private final String description;
    private final Map<String, Object> described = new HashMap<>();
    private final Supplier<ModelStatus> status;

    private UntrainedStandIn(String description, Supplier<ModelStatus> status) {
        this.description = description;
        this.status = status;
    }

    /**
     * @param real the shipped model's service, asked for its descriptive answers now and not used afterwards
     * @param serviceId the service's id, for {@code toString}
     * @param status the model's status at call time
     * @return a stand-in implementing the same service interfaces
     */
    static StoaService<?, ?> of(StoaService<?, ?> real, String serviceId, Supplier<ModelStatus> status) {
        List<Class<?>> types = ServiceTypes.of(real);
        UntrainedStandIn handler = new UntrainedStandIn("untrained stand-in for " + serviceId, status);
        for (Class<?> type : types) {
            for (Method m : type.getMethods()) {
                if (m.getParameterCount() == 0
                        && m.getDeclaringClass() != Object.class
                        && !handler.described.containsKey(m.getName())) {
                    try {
                        handler.described.put(m.getName(), m.invoke(real));
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        // a describing method that cannot answer for an untrained model answers the status instead
                    }
                }
            }
        }
        return (StoaService<?, ?>)
                Proxy.newProxyInstance(real.getClass().getClassLoader(), types.toArray(Class<?>[]::new), handler);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        int arity = args == null ? 0 : args.length;
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> description;
            };
        }
        if (arity == 0 && described.containsKey(method.getName())) {
            return described.get(method.getName());
        }
        if (arity > 0 && method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        throw status.get().toFailure();
    }
}
