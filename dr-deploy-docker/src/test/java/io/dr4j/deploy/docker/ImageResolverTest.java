package io.dr4j.deploy.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ImageResolverTest {

    @Test
    void repositoryOfReferences() {
        assertThat(ImageResolver.repository("app")).isEqualTo("app");
        assertThat(ImageResolver.repository("app:1.2")).isEqualTo("app");
        assertThat(ImageResolver.repository("registry:5000/team/app:1.2")).isEqualTo("registry:5000/team/app");
        assertThat(ImageResolver.repository("registry:5000/app@sha256:abc")).isEqualTo("registry:5000/app");
        assertThat(ImageResolver.repository("app:1@sha256:abc")).isEqualTo("app");
    }

    @Test
    void tagOrDigest() {
        assertThat(ImageResolver.hasTagOrDigest("registry:5000/app")).isFalse();
        assertThat(ImageResolver.hasTagOrDigest("registry:5000/app:1")).isTrue();
        assertThat(ImageResolver.hasTagOrDigest("app@sha256:abc")).isTrue();
    }

    @Test
    void digestOfTheRequestedRepository() {
        List<String> digests = List.of("other/app@sha256:111", "reg/app@sha256:222");

        assertThat(ImageResolver.digestFor("reg/app:2", digests)).isEqualTo("reg/app@sha256:222");
        assertThat(ImageResolver.digestFor("mine/app:2", digests)).isNull();
        assertThat(ImageResolver.digestFor("reg/app:2", null)).isNull();
    }
}
