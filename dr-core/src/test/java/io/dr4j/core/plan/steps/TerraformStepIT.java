package io.dr4j.core.plan.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.dr4j.core.plan.PlanResult;
import io.dr4j.core.plan.PlanRunner;
import io.dr4j.core.plan.RecoveryPlan;
import io.dr4j.core.plan.RunRequest;
import io.dr4j.core.plan.Step;
import io.dr4j.core.plan.StepResult;
import io.dr4j.core.plan.StepStatus;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real terraform binary on configurations that use only the built-in terraform_data resource. */
class TerraformStepIT {
    static final Path TERRAFORM = Path.of(System.getProperty("dr4j.terraform", "/usr/local/bin/terraform"));

    @BeforeAll
    static void terraformIsInstalled() {
        assertThat(TERRAFORM).as("the terraform binary (install it, or pass -Ddr4j.terraform=...)").isExecutable();
    }

    private static StepResult run(TerraformStep step, Duration timeout) {
        RecoveryPlan plan = RecoveryPlan.builder("provision")
                .step(Step.builder("terraform").timeout(timeout).action(step)).build();
        PlanResult r = PlanRunner.builder().build().run(plan, RunRequest.defaults());
        return r.stepResult("terraform");
    }

    private static void write(Path dir, String name, String text) throws Exception {
        Files.writeString(dir.resolve(name), text);
    }

    @Test
    void initPlanApplyWithAVarFileAndTheOutputsInTheResult(@TempDir Path dir) throws Exception {
        write(dir, "main.tf", """
                variable "site" { type = string }
                variable "db_password" {
                  type      = string
                  sensitive = true
                }
                resource "terraform_data" "server" { input = "srv-${var.site}" }
                output "server" { value = terraform_data.server.output }
                output "ports" { value = [5432, 8080] }
                output "password" {
                  value     = var.db_password
                  sensitive = true
                }
                """);
        write(dir, "dr.tfvars", "site = \"dr-east\"\n");
        TerraformStep step = TerraformStep.builder(dir).binary(TERRAFORM).varFile(dir.resolve("dr.tfvars"))
                .environment("TF_VAR_db_password", "hunter2-secret").build();

        StepResult first = run(step, Duration.ofMinutes(2));

        assertThat(first.status()).as(first.message()).isEqualTo(StepStatus.SUCCEEDED);
        var v = first.output().values();
        assertThat(v).containsEntry("output.server", "srv-dr-east").containsEntry("output.ports", "[5432,8080]")
                .containsEntry("output.password", "<sensitive>").containsEntry("plan.changes", "true");
        assertThat(v.get("plan.summary")).isEqualTo("Plan: 1 to add, 0 to change, 0 to destroy.");
        assertThat(v.get("apply.summary")).startsWith("Apply complete! Resources: 1 added");
        assertThat(v.get("log.init")).contains("Terraform has been successfully initialized!");
        assertThat(v.values()).as("the secret appears nowhere in the report").noneMatch(s -> s.contains("hunter2"));
        assertThat(dir.resolve("terraform.tfstate")).exists();

        StepResult second = run(step, Duration.ofMinutes(2));
        assertThat(second.status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(second.output().values()).containsEntry("plan.changes", "false")
                .containsEntry("output.server", "srv-dr-east");
        assertThat(second.output().values().get("plan.summary")).contains("No changes");
    }

    @Test
    void aBrokenConfigurationFailsWithTerraformsError(@TempDir Path dir) throws Exception {
        write(dir, "main.tf", "resource \"terraform_data\" \"x\" { input = var.undeclared }\n");
        StepResult r = run(TerraformStep.builder(dir).binary(TERRAFORM).build(), Duration.ofMinutes(2));
        assertThat(r.status()).isEqualTo(StepStatus.FAILED);
        assertThat(r.message()).contains("terraform plan").contains("failed (exit 1)").contains("undeclared");
    }

    @Test
    void aMissingVarFileOrBinaryIsACleanError(@TempDir Path dir) throws Exception {
        write(dir, "main.tf", "");
        StepResult noVars = run(TerraformStep.builder(dir).binary(TERRAFORM).varFile(dir.resolve("prod.tfvars")).build(),
                Duration.ofMinutes(1));
        assertThat(noVars.status()).isEqualTo(StepStatus.FAILED);
        assertThat(noVars.message()).contains("var-file").contains("prod.tfvars").contains("does not exist");
        StepResult noBinary = run(TerraformStep.builder(dir).binary(dir.resolve("no-terraform")).build(),
                Duration.ofMinutes(1));
        assertThat(noBinary.message()).contains("Cannot run").contains("Install Terraform");
    }

    @Test
    void aTimeoutStopsTerraform(@TempDir Path dir) throws Exception {
        write(dir, "main.tf", """
                resource "terraform_data" "slow" {
                  provisioner "local-exec" { command = "sleep 60" }
                }
                """);
        long t0 = System.nanoTime();
        StepResult r = run(TerraformStep.builder(dir).binary(TERRAFORM).build(), Duration.ofSeconds(4));
        assertThat(r.status()).isEqualTo(StepStatus.TIMED_OUT);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (terraformChildren() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(terraformChildren()).as("terraform was stopped").isZero();
    }

    private static long terraformChildren() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("terraform")).orElse(false)).count();
    }
}
