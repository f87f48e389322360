/**
 * The model store: trained models as immutable, numbered versions under {@code ${stoa.home}/data/models/<id>/<n>/}.
 * The trainer publishes into it; serving bundles read the newest version and pick up new ones while running.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.stoa.api.model;
