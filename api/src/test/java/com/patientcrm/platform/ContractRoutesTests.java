package com.patientcrm.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.patientcrm.support.ContractValidator;
import com.patientcrm.support.IntegrationTest;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/**
 * Every route the running application serves is in the contract, and every path in the contract is served:
 * mobile and integration teams build against that file, so it must not drift. (Each response a test receives is
 * also validated against it, by {@link ContractValidator}.)
 */
class ContractRoutesTests extends IntegrationTest {

    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void theContractListsExactlyTheRoutesTheApplicationServes() {
        Set<String> served = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            if (!method.getBeanType().getPackageName().startsWith("com.patientcrm")) {
                return;
            }
            info.getPatternsCondition().getPatterns().forEach(pattern ->
                    info.getMethodsCondition().getMethods().forEach(verb ->
                            served.add(verb.name() + " " + pattern.getPatternString())));
        });

        OpenAPI contract = new OpenAPIV3Parser().read(ContractValidator.CONTRACT.toString());
        Set<String> documented = new TreeSet<>();
        contract.getPaths().forEach((path, item) -> item.readOperationsMap().keySet()
                .forEach(verb -> documented.add(verb.name() + " " + path)));

        assertThat(served).isNotEmpty();
        assertThat(documented).as("routes in the contract").containsExactlyInAnyOrderElementsOf(served);
    }
}
