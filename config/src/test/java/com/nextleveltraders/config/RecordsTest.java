package com.nextleveltraders.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordsTest {

    @Test
    void accessorChainsFollowTheYamlKeys() {
        PlatformConfig cfg = ConfigLoader.defaults();

        assertThat(cfg.database().pool().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(cfg.loadBalancer().healthCheck().unhealthyThreshold()).isEqualTo(2);
        assertThat(cfg.monitoring().database().queryTime().threshold()).isEqualTo(Duration.ofSeconds(1));
        assertThat(cfg.platform().security().argon2().memoryKiB()).isEqualTo(19456);
        assertThat(cfg.caching().cdn().staticAssets()).isEqualTo(Duration.ofDays(365));
    }

    @Test
    void everyComponentIsNamedAfterItsYamlKeyExceptTheReservedWordStatic() {
        List<String> renamed = new ArrayList<>();
        for (Class<?> type : typesReachableFrom(PlatformConfig.class)) {
            if (!type.isRecord()) {
                continue;
            }
            for (RecordComponent component : type.getRecordComponents()) {
                String key = Binder.keyOf(component);
                if (!key.equals(component.getName())) {
                    renamed.add(type.getSimpleName() + "." + component.getName() + " <- " + key);
                }
            }
        }
        assertThat(renamed).containsExactly("CacheTtls.staticAssets <- static");
    }

    @Test
    void allConfigurationTypesArePublicRecordsOrEnums() {
        assertThat(typesReachableFrom(PlatformConfig.class))
                .hasSizeGreaterThan(40)
                .allSatisfy(type -> assertThat(java.lang.reflect.Modifier.isPublic(type.getModifiers())).isTrue());
    }

    @Test
    void listsAreImmutableCopies() {
        List<String> regions = new ArrayList<>(List.of("fra1"));
        Scaling scaling = new Scaling(1, 1, regions, ConfigLoader.defaults().scaling().triggers());
        regions.add("lhr1");

        assertThat(scaling.regions()).containsExactly("fra1");
        assertThatThrownBy(() -> scaling.regions().add("iad1")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ConfigLoader.defaults().redis().nodes().clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void nullsAreRefusedExceptForOptionalPaths() {
        assertThatThrownBy(() -> new HealthCheck(null, Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 1))
                .isInstanceOf(NullPointerException.class).hasMessage("path");
        assertThatThrownBy(() -> new Market(1, Duration.ofSeconds(1), null, null, 0, List.of()))
                .isInstanceOf(NullPointerException.class).hasMessage("minPrice");
        assertThatThrownBy(() -> new Scaling(1, 1, null, null)).hasMessage("regions");
        assertThat(new DbSsl(true, null).ca()).isNull();
        assertThat(new RedisEndpoint(null).passwordFile()).isNull();
    }

    @Test
    void enumsPrintTheirYamlSpelling() {
        assertThat(AlertAction.SCALE_UP).hasToString("scale_up");
        assertThat(BalancingAlgorithm.LEAST_CONNECTIONS).hasToString("least_connections");
        assertThat(RedisRole.REPLICA).hasToString("replica");
        assertThat(IndexType.BTREE).hasToString("btree");
        assertThat(ImageFormat.AVIF).hasToString("avif");
    }

    @Test
    void configExceptionListsEveryProblemOnePerLine() {
        List<String> problems = new ArrayList<>(List.of("a: one", "b: two"));
        ConfigException e = new ConfigException(problems);
        problems.clear();

        assertThat(e.problems()).containsExactly("a: one", "b: two");
        assertThat(e.getMessage()).isEqualTo("a: one\nb: two");
        assertThatThrownBy(() -> e.problems().add("c")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new ConfigException(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static Set<Class<?>> typesReachableFrom(Class<?> root) {
        Set<Class<?>> found = new LinkedHashSet<>();
        collect(root, found);
        return found;
    }

    private static void collect(Type type, Set<Class<?>> found) {
        if (type instanceof ParameterizedType list) {
            collect(list.getActualTypeArguments()[0], found);
        } else if (type instanceof Class<?> c && (c.isRecord() || c.isEnum()) && found.add(c) && c.isRecord()) {
            for (RecordComponent component : c.getRecordComponents()) {
                collect(component.getGenericType(), found);
            }
        }
    }
}
