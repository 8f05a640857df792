-- The invertible map's jobs (encode, decode, interpolate) and the image evaluation's (classifier, eval).
ALTER TABLE jobs DROP CONSTRAINT jobs_type_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_type_check CHECK (type IN ('train', 'generate', 'likelihood', 'synthesize',
    'encode', 'decode', 'interpolate', 'classifier', 'eval'));
