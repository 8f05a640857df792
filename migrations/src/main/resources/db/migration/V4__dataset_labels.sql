-- Class labels for datasets, so that train jobs can make class-conditional models. A table names its
-- label column on upload (kept in the stored file, taken out of the features when it is read); an
-- image dataset gets a labels file of its own after its upload. class_counts: examples per class.
ALTER TABLE datasets ADD COLUMN label_column text;
ALTER TABLE datasets ADD COLUMN labels_key text;
ALTER TABLE datasets ADD COLUMN labels_format text CHECK (labels_format IN ('idx', 'npy', 'csv'));
ALTER TABLE datasets ADD COLUMN class_counts jsonb;
ALTER TABLE datasets ADD CONSTRAINT labels_have_counts CHECK ((label_column IS NULL AND labels_key IS NULL)
    = (class_counts IS NULL));
