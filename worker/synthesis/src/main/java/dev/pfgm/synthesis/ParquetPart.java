package dev.pfgm.synthesis;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * A table part as Parquet through parquet-java: one FLOAT column per data column, then an INT32
 * label and a DOUBLE log_density column when the rows have them; one row group, no compression
 * (generated floats barely compress, and Hadoop's codec plumbing would need Hadoop's own
 * dependencies). Read by pandas, pyarrow and DuckDB.
 */
final class ParquetPart {
    private ParquetPart() {
    }

    static void write(Path file, List<String> columns, ShardRows rows) throws IOException {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (String c : columns) {
            b.required(PrimitiveTypeName.FLOAT).named(c);
        }
        if (rows.labels() != null) {
            b.required(PrimitiveTypeName.INT32).named(PartLayout.LABEL);
        }
        if (rows.logDensity() != null) {
            b.required(PrimitiveTypeName.DOUBLE).named(PartLayout.LOG_DENSITY);
        }
        MessageType schema = b.named("synthesis");
        try (ParquetWriter<Integer> w = new Builder(new LocalOutputFile(file), new RowSupport(schema, columns.size(), rows))
                .withConf(new PlainParquetConfiguration())
                .withCompressionCodec(CompressionCodecName.UNCOMPRESSED)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build()) {
            for (int r = 0; r < rows.rows(); r++) {
                w.write(r);
            }
        }
    }

    /** Writes row r of the shard (the record written is the row's index). */
    private static final class RowSupport extends WriteSupport<Integer> {
        private final MessageType schema;
        private final int dim;
        private final ShardRows rows;
        private RecordConsumer out;

        RowSupport(MessageType schema, int dim, ShardRows rows) {
            this.schema = schema;
            this.dim = dim;
            this.rows = rows;
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return new WriteContext(schema, Map.of());
        }

        @Override
        @Deprecated // still abstract in WriteSupport, and what parquet calls on its Hadoop path
        public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
            return new WriteContext(schema, Map.of());
        }

        @Override
        public void prepareForWrite(RecordConsumer consumer) {
            out = consumer;
        }

        @Override
        public void write(Integer boxed) {
            int r = boxed;
            out.startMessage();
            int field = 0;
            for (int j = 0; j < dim; j++, field++) {
                String name = schema.getFieldName(field);
                out.startField(name, field);
                out.addFloat(rows.values()[r * dim + j]);
                out.endField(name, field);
            }
            if (rows.labels() != null) {
                out.startField(PartLayout.LABEL, field);
                out.addInteger(rows.labels()[r]);
                out.endField(PartLayout.LABEL, field++);
            }
            if (rows.logDensity() != null) {
                out.startField(PartLayout.LOG_DENSITY, field);
                out.addDouble(rows.logDensity()[r]);
                out.endField(PartLayout.LOG_DENSITY, field);
            }
            out.endMessage();
        }
    }

    private static final class Builder extends ParquetWriter.Builder<Integer, Builder> {
        private final RowSupport support;

        Builder(OutputFile file, RowSupport support) {
            super(file);
            this.support = support;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Integer> getWriteSupport(ParquetConfiguration conf) {
            return support;
        }

        @Override
        @Deprecated // still abstract in ParquetWriter.Builder, and what parquet calls on its Hadoop path
        protected WriteSupport<Integer> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
            return support;
        }
    }
}
