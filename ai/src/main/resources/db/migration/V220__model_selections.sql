-- ai owns V200..V299; the grounding/registry part owns V220..V229.

-- Which model serves each AI feature, as last switched (ai.registry.ModelSelections): restored on start when
-- the model is still there (a GGUF file that still exists, or a model registered under the same id), so that a
-- switch made through POST /api/v1/starling/models/switch or the admin page survives a restart.
CREATE TABLE ai_model_selections (
  feature     text        PRIMARY KEY CHECK (feature ~ '^[a-z][a-z0-9_]{0,31}$'),
  model_id    text        NOT NULL CHECK (length(model_id) BETWEEN 1 AND 200),
  kind        text        NOT NULL CHECK (kind IN ('local', 'remote')),
  location    text        NOT NULL CHECK (length(location) <= 4096),
  selected_at timestamptz NOT NULL
);
