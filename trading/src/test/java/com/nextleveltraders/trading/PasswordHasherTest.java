package com.nextleveltraders.trading;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher(19_456, 2, 1, Duration.ofSeconds(5));

    @Test
    void hashesAreSaltedArgon2idPhcStringsThatVerifyOnlyTheirPassword() {
        String first = hasher.hash("correct horse battery");
        String second = hasher.hash("correct horse battery");
        assertThat(first).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain("correct horse");
        assertThat(first).isNotEqualTo(second);
        assertThat(hasher.verify("correct horse battery", first)).isTrue();
        assertThat(hasher.verify("correct horse batterY", first)).isFalse();
    }

    @Test
    void hashesMadeWithOtherParametersStillVerify() {
        String old = new PasswordHasher(8_192, 3, 1, Duration.ofSeconds(5)).hash("an older password");
        assertThat(hasher.verify("an older password", old)).isTrue();
        assertThat(hasher.verify("an older password", "$bcrypt$garbage")).isFalse();
    }
}
