package dev.stoa.survey.internal;

import dev.stoa.api.model.ModelStore;
import java.util.List;
import java.util.Optional;

/**
 * Says why a row's service does not exist, from the model store: a model's services are registered by its first
 * trained version, so an unknown service of a model with no version in the store means "not trained", and one whose
 * model has versions means they do not load (or its bundle is not installed): the table's word follows.
 */
final class Unserved {

    private Unserved() {}

    /**
     * @param cell a row's cell
     * @param models the row's models
     * @param store the server's model store
     * @return the cell, its failure explained when every call found no service
     */
    static Cell explain(Cell cell, List<String> models, ModelStore store) {
        if (!cell.empty() || cell.failure() == null || !cell.failure().startsWith("UNKNOWN_SERVICE")) {
            return cell;
        }
        String because = null;
        for (String model : models) {
            Optional<ModelStore.Version> latest;
            try {
                latest = store.latest(model);
            } catch (RuntimeException e) {
                continue; // not a model id the store can hold: nothing to say
            }
            if (latest.isEmpty()) {
                return new Cell(
                        cell.measures(),
                        cell.n(),
                        cell.failed(),
                        "UNTRAINED: " + model + " has no trained version in the model store yet (its first version"
                                + " registers its services; train it with bin/stoa train); " + cell.failure());
            }
            because = because != null
                    ? because
                    : model + " has version " + latest.get().number() + " in the model store, yet the service is not"
                            + " there: the version does not load (GET /health/ready says why) or the bundle is not"
                            + " installed";
        }
        return because == null
                ? cell
                : new Cell(cell.measures(), cell.n(), cell.failed(), cell.failure() + " (" + because + ")");
    }
}
