import { RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { Architecture as ArchitectureName } from '../config.js';

export interface LivenessLayersProps {
  readonly architecture: ArchitectureName;
  /** Built layer folders (layers/build.ts): each is a zip root. */
  readonly modelsDir: string;
  readonly nativeDir: string;
}

export const lambdaArchitecture = (name: ArchitectureName): Architecture =>
  name === 'arm64' ? Architecture.ARM_64 : Architecture.X86_64;

/** The ONNX models (/opt/models) and the native modules for one architecture (/opt/nodejs/node_modules). */
export class LivenessLayers extends Construct {
  readonly models: LayerVersion;
  readonly native: LayerVersion;

  constructor(scope: Construct, id: string, props: LivenessLayersProps) {
    super(scope, id);
    this.models = new LayerVersion(this, 'Models', {
      description: 'ONNX models and manifest at /opt/models (from faceplugin-face-recognition-js@0.0.1, checksum-verified)',
      code: Code.fromAsset(props.modelsDir),
      // Models are plain data: any architecture, any runtime.
      compatibleRuntimes: [Runtime.NODEJS_22_X],
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.native = new LayerVersion(this, 'Native', {
      description: `onnxruntime-node and sharp for linux-${props.architecture} at /opt/nodejs/node_modules`,
      code: Code.fromAsset(props.nativeDir),
      compatibleRuntimes: [Runtime.NODEJS_22_X],
      compatibleArchitectures: [lambdaArchitecture(props.architecture)],
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}
