/**
 * pantherctl as a library: the same core the CLI adapts. Each function takes typed options
 * (for a deployment: region, profile, endpoint, stacks, state directory, timeout, and
 * optionally injected gateways) and an IoHost, sends its progress as typed messages
 * (`MSG`), asks through `io.requestResponse` (a host that cannot ask answers "no": nothing
 * changes), returns a typed result, and throws `PantherctlError`s with declared codes.
 * Nothing here prints, reads a terminal or installs a signal handler; the AWS SDK loads only
 * when a function that talks to AWS runs. The sandbox is its own entry: `pantherctl/sandbox`.
 */

// Planning and parameters: pure, offline.
export { planUpgrade, type PlanUpgradeInput, type PlannedHop, type UpgradePlanResult } from './planning/plan-upgrade.js';
export { buildPlan, type BuildPlanOptions, type Plan, type PlanHop } from './planning/plan-artifact.js';
export { comparePlanInputs, PLAN_DIFFERENCE_CODES, type PlanDifference, type PlanDifferenceCode } from './planning/compare-plan.js';
export { validateParameters, type ValidateOptions } from './parameters/validate.js';
export { parseParameterFile, parseParamOverrides, mergeInputs } from './parameters/inputs.js';
export { ISSUE_CODES, type IssueCode } from './parameters/issue-codes.js';
export type { ParameterInput, ParameterIssue, IssueSeverity } from './parameters/types.js';
export { embeddedCatalog } from './catalog/embedded.js';
export { loadCatalogFile, parseCatalog } from './catalog/load.js';
export type { Catalog, Release } from './catalog/types.js';
export { roleTemplateUrl, rootTemplateUrl } from './catalog/urls.js';
export { iamPolicy, type IamPolicyDocument, type IamPolicyOptions } from './deployments/iam/iam-policy.js';

// Deployments: each talks to AWS (or to what `deps` binds).
export type { DeploymentOptions } from './deployments/deployment.js';
export { status, type StatusOptions, type DeploymentStatus } from './deployments/status/status.js';
export { upgrade, resume, type UpgradeOptions, type UpgradeResult, type ResumeOptions, type ResumeResult } from './deployments/upgrade/upgrade.js';
export { diagnose, isFailedStatus, type DiagnoseOptions, type Diagnosis } from './deployments/diagnose/diagnose.js';
export { recover, type RecoverOptions, type RecoverOutcome } from './deployments/diagnose/recover.js';
export { deploy, type DeployOptions, type DeployResult } from './deployments/configure/deploy.js';
export { configure, paramsDiff, paramsDiffDocument, type ConfigureOptions, type ConfigureResult, type ParamsDiffOptions, type ParamsDiffResult } from './deployments/configure/configure.js';
export type { ExecutorDeps, RootCauseSummary } from './deployments/deps/executor-deps.js';

// What the core says and asks.
export { MSG, REQ, MemoryIoHost, approving, silentIoHost, type IoHost, type AnyMessage, type AnyRequest, type CodeMessage, type MessageCode, type RequestCode, type StampedMessage, type MemoryIoHostOptions } from './io/messages.js';
export type { IoRequest, Message, MessageLevel } from './io/message-maker.js';

// Errors: one family, codes declared once, sources mapped to exit codes.
export { PantherctlError, isPantherctlError, ExitCode, type ErrorOptions } from './errors/pantherctl-error.js';
export { ERRORS, type ErrorCode, type ErrorMeta, type ErrorSource } from './errors/error-codes.js';

// Where runs keep their journals and locks.
export { LocalStateStore, type LocalStateStoreOptions } from './journal/local-state-store.js';
export type { DeploymentKey, Lease, LockClaim, StateStore } from './journal/state-store.js';
export type { JournalEntry, JournalInput } from './journal/entry.js';
