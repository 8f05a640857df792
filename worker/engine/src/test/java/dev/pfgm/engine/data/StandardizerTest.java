package dev.pfgm.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pfgm.shared.InvalidInputException;
import dev.pfgm.shared.data.Dataset;
import org.junit.jupiter.api.Test;

class StandardizerTest {
    @Test
    void mapsToUnitVarianceAndBack() {
        Dataset d = new Dataset("t", new double[] {1, 10, 3, 30, 5, 50}, 3, 2, "x");
        Standardizer s = Standardizer.fit(d);
        double[] x = s.standardized(d);
        assertEquals(0, x[0] + x[2] + x[4], 1e-12);
        assertEquals(3, x[1] * x[1] + x[3] * x[3] + x[5] * x[5], 1e-12);
        float[] back = s.inverseToFloat(x);
        for (int i = 0; i < 6; i++) {
            assertEquals(d.values()[i], back[i], 1e-5);
        }
        assertEquals(Math.log(Math.sqrt(8.0 / 3)) + Math.log(Math.sqrt(800.0 / 3)), s.logDetScale(), 1e-12);
    }

    @Test
    void refusesAConstantColumn() {
        Dataset d = new Dataset("t", new double[] {1, 2, 1, 3}, 2, 2, "x");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Standardizer.fit(d));
        assertEquals(true, e.getMessage().contains("column 0 is constant"));
        // 0.1 three times: the mean's rounding left a spread of 1e-17, still constant, the value quoted as it is
        InvalidInputException same = assertThrows(InvalidInputException.class, () -> Standardizer.fit(
                new Dataset("t", new double[] {0.1, 1, 0.1, 2, 0.1, 4}, 3, 2, "x")));
        assertEquals(true, same.getMessage().contains("column 0 is constant (every value 0.1)"), same.getMessage());
        // a column that varies, by less than the floor: said so, not "constant" with its mean as "every value"
        InvalidInputException tiny = assertThrows(InvalidInputException.class, () -> Standardizer.fit(
                new Dataset("t", new double[] {0, 1, 1e-40, 2, 2e-40, 4}, 3, 2, "x")));
        assertEquals(true, tiny.getMessage().contains("column 0 varies too little to learn (values 0.0 to 2.0E-40"),
                tiny.getMessage());
    }

    @Test
    void samplesPastFloat32AreRefusedNotWrittenAsInfinity() {
        Standardizer st = new Standardizer(new double[] {0, 3e38}, new double[] {1, 1e38}, 1);
        float[] ok = st.inverseToFloat(new double[] {1, 0.1});
        assertEquals(3.1e38f, ok[1], 1e32f);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> st.inverseToFloat(new double[] {1, 0.1, 2, 1.0}));
        assertEquals(true, e.getMessage().contains("overflow float32 in column 1"), e.getMessage());
    }
}
