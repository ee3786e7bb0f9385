import { DEFAULT_SERVICE_NODE_FLAGS, NODE_FLAGS_ENV, serviceNodeFlags } from './node-flags';

describe('serviceNodeFlags', () => {
  it('starts services with a larger initial old space by default', () => {
    expect(serviceNodeFlags({})).toEqual(['--initial-old-space-size=256']);
    expect(serviceNodeFlags({})).not.toBe(DEFAULT_SERVICE_NODE_FLAGS);
  });

  it('takes BENTO_NODE_FLAGS instead, split on whitespace; empty means no flags', () => {
    expect(serviceNodeFlags({ [NODE_FLAGS_ENV]: ' --max-old-space-size=4096   --initial-old-space-size=64 ' })).toEqual([
      '--max-old-space-size=4096',
      '--initial-old-space-size=64',
    ]);
    expect(serviceNodeFlags({ [NODE_FLAGS_ENV]: '' })).toEqual([]);
  });
});
