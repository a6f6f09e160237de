package com.patientcrm.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;

/** The firewall's quick header and parameter checks answer exactly what Spring Security's strict ones answer. */
class FirewallTests {

    @Test
    void theQuickChecksAgreeWithSpringSecuritysOnEveryCharacterAndOnMixedStrings() {
        List<String> values = new ArrayList<>();
        values.add(null);
        values.add("");
        values.add("Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln-_~+/=");
        // Every UTF-16 code unit alone, and each inside printable text (lone surrogates included).
        for (int c = 0; c <= 0xFFFF; c++) {
            values.add(String.valueOf((char) c));
            values.add("a b" + (char) c + "z");
        }
        // Supplementary characters: assigned (emoji, CJK extension B) and unassigned planes.
        for (int cp : new int[] {0x1F600, 0x20000, 0x2FFFF, 0xE0001, 0x10FFFD, 0x3FFFD}) {
            values.add("x" + new String(Character.toChars(cp)) + "y");
        }
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder mixed = new StringBuilder();
            for (int j = random.nextInt(12); j > 0; j--) {
                mixed.append((char) (random.nextInt(4) == 0 ? random.nextInt(0x3000) : 0x20 + random.nextInt(0x5f)));
            }
            values.add(mixed.toString());
        }
        agree(StrictServerWebExchangeFirewall.ALLOWED_HEADER_NAMES, false, values);
        agree(StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES, true, values);
        agree(StrictServerWebExchangeFirewall.ALLOWED_PARAMETER_NAMES, false, values);
    }

    @Test
    void controlCharactersAreStillRefused() {
        Predicate<String> values = SecurityConfiguration.printableAsciiOr(
                StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES, true);
        assertThat(values.test("Bearer abc\u0000")).isFalse();
        assertThat(values.test("abc\u007f")).isFalse();
        assertThat(values.test("abc\u0085")).isFalse();
        assertThat(values.test("a\tb")).isTrue();
        assertThat(values.test("病人 patient")).isTrue();
        Predicate<String> names = SecurityConfiguration.printableAsciiOr(
                StrictServerWebExchangeFirewall.ALLOWED_HEADER_NAMES, false);
        assertThat(names.test("X-Name\t")).isFalse();
    }

    private static void agree(Predicate<String> strict, boolean tab, List<String> values) {
        Predicate<String> quick = SecurityConfiguration.printableAsciiOr(strict, tab);
        for (String value : values) {
            assertThat(quick.test(value)).as("%s", value == null ? null : value.codePoints().boxed().toList())
                    .isEqualTo(strict.test(value));
        }
    }
}
