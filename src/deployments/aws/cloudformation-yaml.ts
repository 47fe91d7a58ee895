/**
 * The CloudFormation template format as the core reads it: the YAML short-form tag schema and
 * the constraint members a parameter may declare. (The sandbox, a separate model of AWS, has its
 * own: src/sandbox/cloudformation/yaml-tags.ts.)
 */
import type { YAMLMap, YAMLSeq } from 'yaml';

/** Constraints CloudFormation applies to a parameter value, as the template declares them. */
export interface TemplateParameterConstraints {
  allowedValues?: string[];
  allowedPattern?: string;
  minValue?: number;
  maxValue?: number;
  minLength?: number;
  maxLength?: number;
}

const INTRINSICS = [
  'Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub',
  'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'Length', 'ToJsonString',
];

type TagDef = {
  tag: string;
  collection?: 'map' | 'seq';
  resolve: (value: string | YAMLMap | YAMLSeq) => unknown;
};

/**
 * CloudFormation's short-form tags (`!Ref`, `!Sub`, `!GetAtt`, ...) become their long forms,
 * so a YAML template and its JSON twin parse to the same value. Pass as the `customTags`
 * option of yaml's parse functions; unknown tags only warn: their values are kept as plain values.
 */
export const CLOUDFORMATION_YAML_TAGS: TagDef[] = (() => {
  const tags: TagDef[] = [];
  const add = (short: string, key: string, scalar: (s: string) => unknown = (s) => s) => {
    tags.push({ tag: `!${short}`, resolve: (v) => ({ [key]: scalar(String(v)) }) });
    for (const collection of ['seq', 'map'] as const) {
      tags.push({ tag: `!${short}`, collection, resolve: (v) => ({ [key]: (v as YAMLSeq).toJSON() }) });
    }
  };
  add('Ref', 'Ref');
  add('Condition', 'Condition');
  for (const fn of INTRINSICS) add(fn, `Fn::${fn}`, fn === 'GetAtt' ? (s) => splitGetAtt(s) : (s) => s);
  return tags;
})();

/** `!GetAtt Resource.Attribute` as the `[Resource, Attribute]` pair of its long form. */
export function splitGetAtt(s: string): string[] {
  const dot = s.indexOf('.');
  return dot < 0 ? [s] : [s.slice(0, dot), s.slice(dot + 1)];
}
