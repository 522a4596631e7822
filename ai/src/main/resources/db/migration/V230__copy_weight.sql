-- ai owns V200..V299; the copy-weight setting owns V230..V239.

-- The operator's copy weight of copy-augmented decoding (ai.answers.CopyWeightSetting), set on the admin page or by
-- serve --copy-weight: at most one row. weight NULL means "by model" (0.5 for in-process models trained by Starling,
-- 0 for other GGUFs; remote models never copy). Every AI feature reads it at the start of each request.
CREATE TABLE ai_copy_weight (
  id         smallint         PRIMARY KEY CHECK (id = 1),
  weight     double precision CHECK (weight IS NULL OR (weight >= 0 AND weight < 1)),
  changed_by text             NOT NULL CHECK (length(changed_by) BETWEEN 1 AND 200),
  changed_at timestamptz      NOT NULL
);
