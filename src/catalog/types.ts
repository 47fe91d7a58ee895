/**
 * The release catalog: which Panther versions exist for planning, and what each hop to them
 * needs. The embedded one carries the spec's recommended patches; a site may replace it with
 * its own file (`--catalog FILE`, schema in schema/catalog.schema.json).
 */
export interface ManualStep {
  /** Stable id the operator passes to `--ack` to confirm the step was done. */
  id: string;
  text: string;
}

export interface TemplateDigests {
  /** SHA-256 (hex) of the root template as published; published templates were overwritten in place before. */
  root?: string;
  /** SHA-256 (hex) of the deployment role template. */
  role?: string;
}

export interface Release {
  /** Always `v`-prefixed: `v1.25.18`. */
  version: string;
  /** A recommended release is a valid stop; the planner only uses recommended ones for intermediate hops. */
  recommended: boolean;
  /** Present when the release must not be installed; the planner refuses it as a target or stop. */
  yanked?: { reason: string };
  /** Shown with the hop, e.g. what changed or what to watch. */
  notes: string[];
  /** Things a person has to do around this hop; the upgrade waits for `--ack ID`. */
  manualSteps: ManualStep[];
  /** Whether the `panther-pulumi` CodeBuild project must run after the root stack (v1.22 on). */
  pulumiBuild: boolean;
  templates: TemplateDigests;
}

export interface Catalog {
  /** Where the catalog came from: `embedded` or a file path. */
  source: string;
  /** SHA-256 of the catalog's canonical JSON; a plan records it so `upgrade --plan` can notice a change. */
  sha256: string;
  releases: Release[];
}
