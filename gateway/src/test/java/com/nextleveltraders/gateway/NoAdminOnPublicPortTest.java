package com.nextleveltraders.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which public paths count as {@code /admin}: every spelling an instance could read as one. */
class NoAdminOnPublicPortTest {

    @ParameterizedTest
    @ValueSource(strings = {"/admin", "/admin/", "/admin/faults", "/admin?x=1", "/Admin/faults", "//admin/faults",
        "/./admin/faults", "/api/../admin/faults", "/%61dmin/faults", "/%2561dmin/faults", "/admin%2Ffaults",
        "/admin;v=1/faults", "\\\\admin\\\\faults", "/%2e/admin"})
    void everySpellingOfAdminIsAdmin(String path) {
        assertThat(NoAdminOnPublicPort.isAdmin(path)).as(path).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/api/orders", "/administrators", "/adminx/faults", "/api/admin", "/api?admin",
        "/api/orders?path=/admin", "/%zzadmin", "/api/%2e%2e"})
    void otherPathsAreNotAdmin(String path) {
        assertThat(NoAdminOnPublicPort.isAdmin(path)).as(path).isFalse();
    }
}
