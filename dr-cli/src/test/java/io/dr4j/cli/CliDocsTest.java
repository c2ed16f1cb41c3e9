package io.dr4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class CliDocsTest {

    @Test
    void docsCliMdIsWhatTheCommandsSay() throws Exception {
        Path doc = Path.of("..", "docs", "cli.md");
        String rendered = CliDocs.render();
        assertThat(rendered).contains("## dr list").contains("## dr expire").contains("Exit codes:");
        assertThat(Files.exists(doc)).as("docs/cli.md exists; generate it with io.dr4j.cli.CliDocs").isTrue();
        assertThat(Files.readString(doc))
                .as("docs/cli.md is out of date. Regenerate: ./mvnw -q -pl dr-cli -am package -DskipTests && "
                        + "java -cp dr-cli/target/dr.jar io.dr4j.cli.CliDocs docs/cli.md")
                .isEqualTo(rendered);
    }
}
