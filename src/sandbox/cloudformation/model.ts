/** The CloudFormation state of the sandbox account. Plain data: it is what the state file holds. */
export interface Tag {
  Key: string;
  Value: string;
}

export interface Output {
  OutputKey: string;
  OutputValue: string;
  Description?: string;
  ExportName?: string;
}

export interface StackEvent {
  eventId: string;
  stackId: string;
  stackName: string;
  logicalId: string;
  physicalId: string;
  resourceType: string;
  timestamp: number;
  status: string;
  reason?: string;
  token?: string;
}

export interface StackResource {
  logicalId: string;
  type: string;
  physicalId: string;
  status: string;
  reason?: string;
  updatedAt: number;
  /** Resolved properties as last applied (JSON); what "changed" is decided against. */
  props: string;
  /** The properties before the update in flight, restored by a rollback. */
  previousProps?: string;
  /** For AWS::CloudFormation::Stack: the nested stack's id. */
  nestedStackId?: string;
  /**
   * Left in UPDATE_FAILED by a rollback (not by the forward update): only such resources may
   * be named in ContinueUpdateRollback's ResourcesToSkip.
   */
  rollbackFailed?: boolean;
  /** Properties as changed out of band (a `drift` fault): what drift detection finds. Cleared when an update applies the resource again. */
  actualProps?: string;
  /** Deleted out of band (a `drift` fault with `deleted`): drift detection says DELETED; updating it fails. */
  deletedOutOfBand?: boolean;
}

export interface StackSnapshot {
  templateBody: string;
  parameters: Record<string, string>;
  tags: Tag[];
}

export interface Stack {
  stackId: string;
  stackName: string;
  status: string;
  statusReason?: string;
  creationTime: number;
  lastUpdatedTime?: number;
  deletionTime?: number;
  description?: string;
  templateBody: string;
  /** Values as applied; NoEcho ones are digests (see parameters.ts). */
  parameters: Record<string, string>;
  tags: Tag[];
  outputs: Output[];
  capabilities: string[];
  roleArn?: string;
  disableRollback: boolean;
  notificationArns: string[];
  timeoutInMinutes?: number;
  parentId?: string;
  rootId?: string;
  /** Resources by logical id, in template order. */
  resources: Record<string, StackResource>;
  /** Oldest first; DescribeStackEvents reverses. */
  events: StackEvent[];
  /** The state an update in flight would roll back to. */
  previous?: StackSnapshot;
  /** Resources added by the update in flight: deleted by its rollback. */
  addedByUpdate?: string[];
  /** ClientRequestToken -> the action that used it, for idempotent retries. */
  tokens: Record<string, string>;
  changeSetId?: string;
  /**
   * Termination protection: set on the root, and so on each of its nested stacks
   * (User Guide, using-cfn-protect-stacks.md: "Enabling or disabling termination protection on
   * a stack sets it for any nested stacks belonging to that stack as well").
   */
  terminationProtection?: boolean;
}

export interface ChangeDetail {
  /** The property; absent for a row about the resource's properties as a whole. */
  name?: string;
  attribute?: 'Properties' | 'Tags';
  requiresRecreation: 'Never' | 'Conditionally' | 'Always';
  /** Default Static (Dynamic when recreation is conditional). */
  evaluation?: 'Static' | 'Dynamic';
  /** Default DirectModification. */
  changeSource?: 'DirectModification' | 'Automatic' | 'ParameterReference' | 'ResourceReference' | 'ResourceAttribute';
}

export interface ResourceChange {
  action: 'Add' | 'Modify' | 'Remove';
  logicalId: string;
  physicalId?: string;
  resourceType: string;
  replacement?: 'True' | 'False' | 'Conditional';
  scope: string[];
  details: ChangeDetail[];
  /** For a nested stack in a change set made with IncludeNestedStacks: its nested change set. */
  changeSetId?: string;
}

export interface ChangeSet {
  changeSetId: string;
  changeSetName: string;
  stackId: string;
  stackName: string;
  type: 'CREATE' | 'UPDATE';
  status: string;
  statusReason?: string;
  executionStatus: string;
  creationTime: number;
  description?: string;
  templateBody: string;
  parameters: Record<string, string>;
  tags: Tag[];
  capabilities: string[];
  roleArn?: string;
  changes: ResourceChange[];
  /** CreateChangeSet's ClientToken: a retry with the same name and token gets this change set back. */
  token?: string;
  includeNestedStacks?: boolean;
  /** Set on nested change sets: the change set one level up, and the one at the top. */
  parentChangeSetId?: string;
  rootChangeSetId?: string;
}

export const TERMINAL_STATUSES = new Set([
  'CREATE_COMPLETE',
  'CREATE_FAILED',
  'ROLLBACK_COMPLETE',
  'ROLLBACK_FAILED',
  'DELETE_COMPLETE',
  'DELETE_FAILED',
  'UPDATE_COMPLETE',
  'UPDATE_FAILED',
  'UPDATE_ROLLBACK_COMPLETE',
  'UPDATE_ROLLBACK_FAILED',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_COMPLETE',
]);

/** Statuses in which UpdateStack is accepted. */
export const UPDATABLE_STATUSES = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE']);
