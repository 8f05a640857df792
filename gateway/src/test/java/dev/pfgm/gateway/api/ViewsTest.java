package dev.pfgm.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pfgm.gateway.http.ContractValidator;
import dev.pfgm.shared.store.Json;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The records the API writes and the OpenAPI document's schemas name the same fields. */
class ViewsTest {
    @Test
    void eachViewWritesExactlyTheFieldsItsSchemaDeclares() throws Exception {
        JsonNode schemas;
        try (InputStream in = ViewsTest.class.getResourceAsStream(ContractValidator.RESOURCE)) {
            schemas = new ObjectMapper(new YAMLFactory()).readTree(in).path("components").path("schemas");
        }
        Map<String, Class<?>> views = Map.of("Job", Views.Job.class, "Progress", Views.Progress.class,
                "Dataset", Views.Dataset.class, "Model", Views.Model.class);
        views.forEach((schema, type) -> assertEquals(declared(schemas.path(schema)), written(type), schema));
    }

    private static Set<String> declared(JsonNode schema) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = schema.path("properties").fieldNames(); it.hasNext();) {
            names.add(it.next());
        }
        return names;
    }

    private static Set<String> written(Class<?> type) {
        ObjectMapper m = Json.MAPPER;
        BeanDescription d = m.getSerializationConfig().introspect(m.constructType(type));
        Set<String> names = new TreeSet<>();
        for (BeanPropertyDefinition p : d.findProperties()) {
            names.add(p.getName());
        }
        return names;
    }
}
