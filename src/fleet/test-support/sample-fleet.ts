import { parseFleet } from '../file/load.js';
import type { Fleet } from '../file/types.js';

/**
 * A small fleet in the shape operators write: staging first, then two production
 * deployments that require it, in two accounts and two regions.
 */
export const SAMPLE_FLEET_YAML = `schemaVersion: 1
deployments:
  - name: staging
    account: "111111111111"
    region: us-east-2
    rootStack: panther-staging
    credentials: { profile: panther-staging }
    wave: staging
  - name: prod-us
    account: "222222222222"
    region: us-east-2
    rootStack: panther-prod
    credentials: { assumeRole: "arn:aws:iam::222222222222:role/PantherOperator" }
    wave: production
    requires: wave:staging
  - name: prod-eu
    account: "222222222222"
    region: eu-west-1
    rootStack: panther-prod
    credentials: { assumeRole: "arn:aws:iam::222222222222:role/PantherOperator" }
    wave: production
    requires: staging
`;

export function sampleFleet(text = SAMPLE_FLEET_YAML): Fleet {
  return parseFleet(text, 'pantherctl-fleet.yml');
}
