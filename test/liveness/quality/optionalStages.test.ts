import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LivenessEngine } from '../../../functions/liveness/engine.js';
import { type ModelId, ModelRegistry } from '../../../functions/liveness/modelRegistry.js';
import { samplePhotos } from '../../helpers/faces.js';

/** The real registry, recording which models each request ran (instrumentation, not a mock: inference is real). */
class RecordingRegistry extends ModelRegistry {
  readonly ran: ModelId[] = [];
  override run(id: ModelId, data: Float32Array) {
    this.ran.push(id);
    return super.run(id, data);
  }
}

const photo = readFileSync(samplePhotos[5]!);

async function modelsRunFor(options: Parameters<LivenessEngine['check']>[1]) {
  const models = new RecordingRegistry();
  const result = await new LivenessEngine(models).check(photo, options);
  return { models: [...new Set(models.ran)].sort(), result };
}

describe('costs are paid only for what is asked', () => {
  it('a request with no checks and no attributes runs only detection and liveness', async () => {
    const { models, result } = await modelsRunFor({});
    expect(models).toEqual(['fr_detect', 'fr_liveness']);
    expect(result.quality.checks).toEqual({});
    expect(result.attributes).toEqual({});
    expect(result.quality.status).toMatch(/^[A-Z_]+$/);
    expect(Object.keys(result.timings).sort()).toEqual(['assess', 'decide', 'decode', 'detect', 'quality', 'score', 'select']);
  });

  it('image-statistics checks need no extra model', async () => {
    const { models, result } = await modelsRunFor({ qualityChecks: ['blur', 'dull', 'bright', 'nonWhiteBackground', 'lowQuality', 'multipleFaces', 'occlusion'] });
    expect(models).toEqual(['fr_detect', 'fr_liveness']);
    expect(Object.keys(result.quality.checks).sort()).toEqual(['blur', 'bright', 'dull', 'lowQuality', 'multipleFaces', 'nonWhiteBackground', 'occlusion']);
  });

  it('headTurned runs the pose model and nothing else extra', async () => {
    const { models, result } = await modelsRunFor({ qualityChecks: ['headTurned'] });
    expect(models).toEqual(['fr_detect', 'fr_liveness', 'fr_pose']);
    expect(Object.keys(result.quality.checks)).toEqual(['headTurned']);
    expect(result.timings.pose).toBeGreaterThan(0);
  });

  it('eyesClosed runs the landmark and eye models', async () => {
    const { models } = await modelsRunFor({ qualityChecks: ['eyesClosed'] });
    expect(models).toEqual(['fr_detect', 'fr_eye', 'fr_landmark', 'fr_liveness']);
  });

  it('unsupported checks are answered without running anything', async () => {
    const { models, result } = await modelsRunFor({ qualityChecks: ['hat', 'nudity'] });
    expect(models).toEqual(['fr_detect', 'fr_liveness']);
    expect(result.quality.checks).toEqual({ hat: { value: 'unsupported' }, nudity: { value: 'unsupported' } });
  });

  it('ageRange runs the age model; unsupported gender and emotions run none', async () => {
    const { models, result } = await modelsRunFor({ attributes: ['ageRange', 'gender', 'emotions'] });
    expect(models).toEqual(['fr_age', 'fr_detect', 'fr_liveness']);
    expect(result.attributes.gender).toMatchObject({ value: 'unsupported' });
    expect(result.attributes.emotions).toMatchObject({ value: 'unsupported' });
  });
});
