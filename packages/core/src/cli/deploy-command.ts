import { Command, InvalidArgumentError, Option } from 'commander';
import { readDeploymentConfig } from '../config/read-deployment-config';
import { ConfigError } from '../errors';
import { renderCompose } from '../deploy/compose/render-compose';
import { existingInternalToken } from '../deploy/existing-token';
import { newInternalToken } from '../deploy/internal-token';
import { applyToCluster } from '../deploy/cluster/apply-to-cluster';
import { renderDeployment } from '../deploy/kubernetes/render';
import type { KubeObject } from '../deploy/kubernetes/object';
import { bentoVersionOf, loadManifest } from '../deploy/load-manifest';
import type { RenderOptions } from '../deploy/render-options';
import { toYaml, toYamlDocuments, writeComposeDirectory, writeKubernetesDirectory } from '../deploy/write-output';

interface DeployFlags {
  configFile?: string;
  dryRun?: boolean;
  output?: string;
  target: 'kubernetes' | 'compose';
  imagePrefix?: string;
  version?: string;
  namespace?: string;
  serveTarget?: string;
  serviceType?: RenderOptions['entryServiceType'];
  ingressHost?: string;
  ingressClass?: string;
  metricsAdapter?: boolean;
  internalTokenSecret?: string;
  instanceTypeLabel?: string;
  requireInstanceType?: boolean;
  kubeconfig?: string;
  context?: string;
  wait?: boolean;
  rolloutTimeout?: number;
}

/** Applies to the cluster of the kubeconfig's current (or given) context and follows the rollout. */
async function applyObjects(objects: readonly KubeObject[], flags: DeployFlags): Promise<void> {
  const { namespace } = await applyToCluster(objects, {
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    namespace: flags.namespace,
    noWait: flags.wait === false,
    rolloutTimeoutSeconds: flags.rolloutTimeout,
  });
  process.stdout.write(`deployed ${objects.filter((o) => o.kind === 'Deployment').length} services to namespace ${namespace}\n`);
}

async function runDeploy(source: string | undefined, flags: DeployFlags): Promise<void> {
  const manifest = await loadManifest(source);
  // A built bento's images are tagged with its version (bento containerize): deploy those.
  const version = flags.version ?? (source ? await bentoVersionOf(source) : undefined);
  const config = flags.configFile ? await readDeploymentConfig(flags.configFile) : {};
  const options: RenderOptions = {
    imagePrefix: flags.imagePrefix,
    version,
    namespace: flags.namespace,
    serveTarget: flags.serveTarget,
    entryServiceType: flags.serviceType,
    ingressHost: flags.ingressHost,
    ingressClass: flags.ingressClass,
    metricsAdapter: flags.metricsAdapter,
    internalTokenSecret: flags.internalTokenSecret,
    instanceTypeLabel: flags.instanceTypeLabel,
    requireInstanceType: flags.requireInstanceType,
    configSource: flags.configFile,
    // Rendering into a folder again keeps the token it holds (see existingInternalToken).
    internalToken: flags.output ? existingInternalToken(flags.output) : undefined,
  };
  if (flags.target === 'compose') {
    const compose = renderCompose({ manifest, config, options });
    if (flags.output) {
      const written = await writeComposeDirectory(flags.output, compose, options.internalToken ?? newInternalToken());
      process.stdout.write(`wrote ${written.join(', ')} to ${flags.output}\n`);
    } else if (flags.dryRun) {
      process.stdout.write(toYaml(compose));
    } else {
      throw new ConfigError('--target compose writes a file: use --output DIR (compose.yaml and a .env holding the token) or --dry-run');
    }
    return;
  }
  const objects = renderDeployment({ manifest, config, options });
  if (flags.output) {
    const written = await writeKubernetesDirectory(flags.output, objects);
    process.stdout.write(`wrote ${written.join(', ')} to ${flags.output}; apply with: kubectl apply -k ${flags.output}\n`);
  } else if (flags.dryRun) {
    process.stdout.write(toYamlDocuments(objects));
  } else {
    await applyObjects(objects, flags);
  }
}

function positiveSeconds(text: string): number {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError('expected a positive number of seconds');
  return seconds;
}

function dnsLabel(text: string): string {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(text)) throw new InvalidArgumentError('expected a name of lower-case letters, digits and "-"');
  return text;
}

/** `bento deploy [source]`: applies the Kubernetes objects that run a graph, or renders them (or a compose file). */
export function deployCommand(): Command {
  return new Command('deploy')
    .description('Deploy a service graph to Kubernetes (server-side apply to the current kubeconfig context, then follow the rollout), or render its objects (--dry-run, --output) or a compose file')
    .argument('[source]', 'a built bento (name:version from bento list, or its folder), a folder with bentofile.yaml, or a target like ./service.ts:Entry', '.')
    .option('-f, --config-file <file>', 'deployment config file (config-file.yaml): instance types, scaling, envs, overrides')
    .option('--dry-run', 'print the YAML to stdout')
    .option('-o, --output <dir>', 'write the files to this folder (Kubernetes: one per service and a kustomization.yaml)')
    .addOption(new Option('--target <target>', 'what to render').choices(['kubernetes', 'compose']).default('kubernetes'))
    .option('--image-prefix <prefix>', 'registry and path of the images, e.g. registry.example.com/team')
    .option('--version <tag>', 'the images\' tag (default: a built bento\'s version, else latest)')
    .option('-n, --namespace <namespace>', 'namespace of every object', dnsLabel)
    .option('--serve-target <target>', 'what bento serve loads inside the image (default: service: of its bentofile.yaml)')
    .addOption(new Option('--service-type <type>', "the entry service's Service type").choices(['ClusterIP', 'NodePort', 'LoadBalancer']))
    .option('--ingress-host <host>', 'also render an Ingress for the entry service on this host')
    .option('--ingress-class <class>', "the Ingress's ingressClassName")
    .option('--metrics-adapter', 'autoscale on requests in flight (bento_service_requests_in_flight via a metrics adapter) instead of CPU')
    .option('--internal-token-secret <name>', 'an existing Secret (key token) for BENTO_INTERNAL_TOKEN; none is rendered')
    .option('--instance-type-label <key>', 'node label matched against instance_type (default bento.ai/instance-type)')
    .option('--require-instance-type', 'require nodes with the instance type label (nodeSelector) instead of preferring them')
    .option('--kubeconfig <file>', 'kubeconfig to apply with (default $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to apply to (default its current one)')
    .option('--no-wait', 'apply and return without following the rollout')
    .option('--rollout-timeout <seconds>', 'how long the Deployments may take to be available (default 900)', positiveSeconds)
    .addHelpText('after', '\nExamples:\n  bento deploy . -f config-file.yaml --image-prefix registry.example.com/ml --version 1.0.0   # applies and follows the rollout\n  bento deploy . -f config-file.yaml --dry-run\n  bento deploy . -f config-file.yaml --output k8s --image-prefix registry.example.com/ml --version 1.0.0 && kubectl apply -k k8s\n  bento deploy . -f config-file.yaml --target compose --output deploy\n')
    .action(runDeploy);
}
