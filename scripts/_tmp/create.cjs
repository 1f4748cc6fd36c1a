const ort = require('onnxruntime-node');
const arena = process.argv[2] === 'on';
const o = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', logSeverityLevel: 3, enableCpuMemArena: arena };
(async () => { const s = performance.now(); await ort.InferenceSession.create('models/fr_detect.onnx', o); await ort.InferenceSession.create('models/fr_liveness.onnx', o); console.log(arena ? 'on ' : 'off', (performance.now() - s).toFixed(0)); })();
