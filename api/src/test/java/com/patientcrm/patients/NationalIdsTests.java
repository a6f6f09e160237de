package com.patientcrm.patients;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NationalIdsTests {

    @Test
    void acceptsValidNumbersAndNormalisesTheCheckCharacter() {
        assertThat(NationalIds.normalize("11010519491231002x")).isEqualTo("11010519491231002X");
        assertThat(NationalIds.normalize(" 110105201501010017 ")).isEqualTo("110105201501010017");
    }

    @Test
    void rejectsWrongCheckDigitsAndShapes() {
        assertThat(NationalIds.normalize("110105194912310021")).isNull();
        assertThat(NationalIds.normalize("11010519491231002")).isNull();
        assertThat(NationalIds.normalize("A1010519491231002X")).isNull();
        assertThat(NationalIds.normalize(null)).isNull();
    }

    @Test
    void masksAllButTheEnds() {
        assertThat(NationalIds.mask("11010519491231002X")).isEqualTo("1101**********002X");
    }
}
