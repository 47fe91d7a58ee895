/**
 * CloudFormation's YAML short forms (`!Ref`, `!Sub`, `!GetAtt`, ...) read as their long
 * forms, so a YAML template and its JSON twin parse to the same value. The list of
 * intrinsic functions and condition functions is the User Guide's (awsdocs/
 * aws-cloudformation-user-guide, doc_source/intrinsic-function-reference.md and
 * intrinsic-function-reference-conditions.md). Pass as yaml's `customTags` option.
 */
import type { YAMLMap, YAMLSeq } from 'yaml';

const FUNCTIONS = [
  'Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub',
  'Transform', 'And', 'Equals', 'If', 'Not', 'Or', 'Length', 'ToJsonString',
];

interface Tag {
  tag: string;
  collection?: 'map' | 'seq';
  resolve: (value: string | YAMLMap | YAMLSeq) => unknown;
}

/** `!GetAtt Resource.Attribute` as the `[Resource, Attribute]` pair of the long form. */
export function splitGetAtt(s: string): string[] {
  const dot = s.indexOf('.');
  return dot < 0 ? [s] : [s.slice(0, dot), s.slice(dot + 1)];
}

export const CFN_YAML_TAGS: Tag[] = (() => {
  const tags: Tag[] = [];
  const add = (short: string, key: string, scalar: (s: string) => unknown = (s) => s): void => {
    tags.push({ tag: `!${short}`, resolve: (v) => ({ [key]: scalar(String(v)) }) });
    for (const collection of ['seq', 'map'] as const) {
      tags.push({ tag: `!${short}`, collection, resolve: (v) => ({ [key]: (v as YAMLSeq).toJSON() }) });
    }
  };
  add('Ref', 'Ref');
  add('Condition', 'Condition');
  for (const fn of FUNCTIONS) add(fn, `Fn::${fn}`, fn === 'GetAtt' ? splitGetAtt : (s) => s);
  return tags;
})();
