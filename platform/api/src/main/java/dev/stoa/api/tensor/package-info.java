/**
 * What a service says about its tensors, so that tensor protocols (the Open Inference Protocol v2, REST and gRPC) can
 * describe and call it: {@link dev.stoa.api.tensor.TensorSignature}, published as service properties beside
 * {@code stoa.id}.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.stoa.api.tensor;
