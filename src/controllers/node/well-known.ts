// SPDX-License-Identifier: Apache-2.0
/** Taints, labels and annotations that the cloud node controllers read or write. */

/** Set by a kubelet started with `--cloud-provider=external`; removed once the Node is initialised. */
export const UNINITIALIZED_TAINT_KEY = 'node.cloudprovider.kubernetes.io/uninitialized';
/** Added (`NoSchedule`) by the lifecycle controller to a NotReady Node whose machine is shut down. */
export const SHUTDOWN_TAINT_KEY = 'node.cloudprovider.kubernetes.io/shutdown';
/** The kubelet's `--node-ip` (comma-separated when dual-stack); must be among the cloud addresses. */
export const PROVIDED_NODE_IP_ANNOTATION = 'alpha.kubernetes.io/provided-node-ip';

/** Instance-type labels (GA and deprecated beta); both are set to the same value. */
export const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';
export const INSTANCE_TYPE_BETA_LABEL = 'beta.kubernetes.io/instance-type';
/** Zone labels (GA and deprecated beta); set only when the cloud reports a zone. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const ZONE_BETA_LABEL = 'failure-domain.beta.kubernetes.io/zone';
/** Region labels (GA and deprecated beta); set only when the cloud reports a region. */
export const REGION_LABEL = 'topology.kubernetes.io/region';
export const REGION_BETA_LABEL = 'failure-domain.beta.kubernetes.io/region';
