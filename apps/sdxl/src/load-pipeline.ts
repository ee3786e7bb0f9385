import path from 'node:path';
import type { Logger } from '@bento/core';
import { loadModelDirectory, type ModelDirectory } from './models/load-model-dir';
import { ModelRunner } from './pipeline/model-runner';
import { ControlNetPipeline } from './pipeline/pipeline';
import { ResidualScaler } from './pipeline/residual-scaler';
import { randnLikeTorch } from './random/randn';
import { chooseExecutionProviders, providerRequestOf } from './runtime/execution-providers';
import { EulerDiscreteScheduler } from './scheduler/euler-discrete-scheduler';
import { loadClipTokenizer } from './text';
import type { ModelSource } from './model-source';

/** A loaded pipeline and what it holds open. */
export interface LoadedPipeline {
  pipeline: ControlNetPipeline;
  models: ModelDirectory;
  provider: 'cuda' | 'cpu';
  /** Closes every session. */
  release(): Promise<void>;
}

/**
 * Loads everything a generation needs, once: the execution provider (CUDA when usable, else CPU,
 * and why), the five models checked against the layout, both tokenizers, the scheduler's config.
 */
export async function loadPipeline(source: ModelSource, log: Logger): Promise<LoadedPipeline> {
  const choice = await chooseExecutionProviders(providerRequestOf(), path.join(source.dir, 'text_encoder', 'model.onnx'));
  log.info({ model_dir: source.dir, demo_model: source.demo, execution_provider: choice.provider, reason: choice.reason }, `loading ${source.demo ? 'the demo model' : 'the models'} from ${source.dir} on ${choice.provider.toUpperCase()}${choice.reason ? ` (${choice.reason})` : ''}`);
  const models = await loadModelDirectory(source.dir, { executionProviders: choice.providers });
  try {
    const tokenizers = await Promise.all([loadClipTokenizer(path.dirname(models.tokenizers.tokenizer.vocab)), loadClipTokenizer(path.dirname(models.tokenizers.tokenizer_2.vocab))] as const);
    // Checked now, so a config the scheduler does not implement fails the start, not the first call.
    EulerDiscreteScheduler.fromConfig(models.schedulerConfig);
    const scaler = await ResidualScaler.create(choice.providers);
    const runner = (name: keyof ModelDirectory['sessions']) => new ModelRunner(`${name}/model.onnx`, models.sessions[name]);
    const pipeline = new ControlNetPipeline({
      models: {
        textEncoder: runner('text_encoder'),
        textEncoder2: runner('text_encoder_2'),
        unet: Object.assign(runner('unet'), { timestep: models.timestep.unet }),
        controlnet: Object.assign(runner('controlnet'), { timestep: models.timestep.controlnet }),
        vaeDecoder: runner('vae_decoder'),
      },
      tokenizers,
      schedule: (steps) => {
        const scheduler = EulerDiscreteScheduler.fromConfig(models.schedulerConfig);
        scheduler.setTimesteps(steps);
        return scheduler;
      },
      noise: randnLikeTorch,
      scaler,
    });
    return { pipeline, models, provider: choice.provider, release: async () => { pipeline.release(); await scaler.release(); await models.release(); } };
  } catch (error) {
    await models.release();
    throw error;
  }
}
