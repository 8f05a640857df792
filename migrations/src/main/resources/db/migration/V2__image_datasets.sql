-- Image datasets: IDX files and zips of PNGs beside .npy and .csv tables. A dataset is a table of
-- points or a set of images of one shape (channels x height x width; dim = their product).
ALTER TABLE datasets DROP CONSTRAINT datasets_format_check;
ALTER TABLE datasets ADD CONSTRAINT datasets_format_check CHECK (format IN ('npy', 'csv', 'idx', 'png-zip'));
ALTER TABLE datasets ADD COLUMN kind text NOT NULL DEFAULT 'table' CHECK (kind IN ('table', 'images'));
ALTER TABLE datasets ADD COLUMN channels integer CHECK (channels IN (1, 3));
ALTER TABLE datasets ADD COLUMN height integer CHECK (height > 0);
ALTER TABLE datasets ADD COLUMN width integer CHECK (width > 0);
ALTER TABLE datasets ADD CONSTRAINT images_have_a_shape
    CHECK ((kind = 'images') = (channels IS NOT NULL AND height IS NOT NULL AND width IS NOT NULL));
