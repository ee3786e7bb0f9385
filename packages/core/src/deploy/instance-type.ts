/** What an `instance_type` (`cpu.1`, `gpu.l4.1`) says: GPUs per replica and the accelerator. */
export interface InstanceType {
  name: string;
  /** GPUs per replica: the last part of `gpu.<accelerator>.<count>`, 0 for `cpu.*`. */
  gpus: number;
  /** `l4` of `gpu.l4.1`; undefined for CPU instances. */
  accelerator?: string;
}

/** Splits an instance type the config schema accepted. */
export function parseInstanceType(name: string): InstanceType {
  const parts = name.split('.');
  if (parts[0] !== 'gpu') return { name, gpus: 0 };
  return { name, gpus: Number(parts[2]), accelerator: parts[1] };
}
